// Where the Event Hubs sink gets its credentials, in order of preference: the AZURE_EVENTHUB_CONNECTION_STRING
// environment variable or realtime.azure_connection_string (the loader puts the first into the second), Azure
// Key Vault, then Microsoft Entra ID with a namespace and no secret at all.

import { Secret } from '../../config/secret.js';
import { DatagenError } from '../../errors.js';
import type { SinkSettings } from '../types.js';
import type { EventHubsSinkConfig } from './config.js';
import { parseConnectionString } from './connection-string.js';

export type CredentialSource = 'connection_string' | 'keyvault' | 'entra_id';

export type EventHubsCredentials =
  | { source: 'connection_string' | 'keyvault'; connectionString: Secret; namespace: string; hub: string }
  | { source: 'entra_id'; namespace: string; hub: string };

/** Reads a secret from Key Vault; injected in tests, @azure/keyvault-secrets with DefaultAzureCredential otherwise. */
export type SecretReader = (vaultUrl: string, name: string) => Promise<string>;

const CONNECTION_STRING_WHERE = 'AZURE_EVENTHUB_CONNECTION_STRING (or realtime.azure_connection_string)';

/** Reads a Key Vault secret with the default Azure identity chain (environment, managed identity, az login...). */
export const readKeyVaultSecret: SecretReader = async (vaultUrl, name) => {
  const [{ SecretClient }, { DefaultAzureCredential }] = await Promise.all([
    import('@azure/keyvault-secrets'),
    import('@azure/identity'),
  ]);
  const secret = await new SecretClient(vaultUrl, new DefaultAzureCredential()).getSecret(name);
  return secret.value ?? '';
};

/**
 * Resolves the credentials and the hub: EntityPath of the connection string, else stream.hub.
 * @example const c = await resolveCredentials(config, config.sinks.eventhubs); c.source // 'connection_string'
 */
export async function resolveCredentials(
  config: SinkSettings,
  sink: EventHubsSinkConfig,
  readSecret: SecretReader = readKeyVaultSecret,
): Promise<EventHubsCredentials> {
  const rt = config.realtime;
  const fromString = (value: Secret, where: string, source: 'connection_string' | 'keyvault'): EventHubsCredentials => {
    const parts = parseConnectionString(value, where);
    return { source, connectionString: value, namespace: parts.namespace, hub: parts.entityPath ?? config.stream.hub };
  };
  if (!rt.azure_connection_string.isEmpty)
    return fromString(rt.azure_connection_string, CONNECTION_STRING_WHERE, 'connection_string');
  if (rt.use_keyvault) {
    const where = `Key Vault secret ${rt.keyvault_secret_name} in ${rt.keyvault_url}`;
    let value: string;
    try {
      value = await readSecret(rt.keyvault_url, rt.keyvault_secret_name);
    } catch (err) {
      const e = err as Error & { code?: string; statusCode?: number };
      throw new DatagenError(
        'SINK_FATAL',
        `eventhubs sink: cannot read ${where}: ${e.name}${e.statusCode ? ` ${e.statusCode}` : ''}: ${e.message.split('\n')[0]}; check realtime.keyvault_url, realtime.keyvault_secret_name and that your identity may get secrets`,
        { cause: err, details: { exception_type: e.code ?? e.name } },
      );
    }
    return fromString(new Secret(value.trim()), where, 'keyvault');
  }
  if (sink.fully_qualified_namespace)
    return { source: 'entra_id', namespace: sink.fully_qualified_namespace, hub: config.stream.hub };
  throw new DatagenError(
    'CONFIG_INVALID',
    'eventhubs sink: no credentials; set one of: the AZURE_EVENTHUB_CONNECTION_STRING environment variable; realtime.use_keyvault with realtime.keyvault_url and realtime.keyvault_secret_name; or sinks.eventhubs.fully_qualified_namespace to sign in with Microsoft Entra ID',
  );
}
