// How the Kafka sink reaches its brokers: plain, SASL (PLAIN, SCRAM) and TLS, or an Event Hubs / Fabric Eventstream
// connection string turned into the Kafka endpoint's settings (NS:9093, SASL PLAIN over TLS, $ConnectionString).

import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { SASLOptions } from '@platformatic/kafka';
import type { Secret } from '../../config/secret.js';
import { DatagenError } from '../../errors.js';
import type { KafkaSinkConfig } from './config.js';

/** The parts of an Event Hubs connection string the Kafka endpoint needs. The key itself is never kept here. */
export interface EventHubsEndpoint {
  /** `NS.servicebus.windows.net:9093` (or the endpoint's own port, for local brokers in tests). */
  bootstrap: string;
  namespace: string;
  /** The hub (EntityPath) when the string is scoped to one; it is then the topic of every event. */
  entityPath?: string;
}

/**
 * Reads an Event Hubs or Fabric Eventstream connection string. Errors name the missing or malformed part and never
 * repeat the string (it holds the key).
 * @example parseEventHubsConnectionString(new Secret('Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=...;EntityPath=orders'))
 * // { bootstrap: 'ns.servicebus.windows.net:9093', namespace: 'ns.servicebus.windows.net', entityPath: 'orders' }
 */
export function parseEventHubsConnectionString(secret: Secret): EventHubsEndpoint {
  const parts = new Map<string, string>();
  for (const piece of secret.reveal().split(';')) {
    const text = piece.trim();
    if (!text) continue;
    const eq = text.indexOf('=');
    if (eq <= 0)
      throw invalid(
        'a part that is not Key=value (the parts are separated by semicolons; copy the whole string from the portal)',
      );
    parts.set(text.slice(0, eq).trim().toLowerCase(), text.slice(eq + 1).trim());
  }
  const endpoint = parts.get('endpoint');
  if (!endpoint) throw invalid('Endpoint is missing (expected Endpoint=sb://NAMESPACE.servicebus.windows.net/)');
  const m = /^sb:\/\/([^/:;\s]+)(?::(\d+))?\/?$/i.exec(endpoint);
  if (!m) throw invalid('Endpoint is not sb://NAMESPACE.servicebus.windows.net/');
  const hasKey = parts.has('sharedaccesskey') && parts.has('sharedaccesskeyname');
  if (!hasKey && !parts.has('sharedaccesssignature'))
    throw invalid(
      parts.has('sharedaccesskeyname')
        ? 'SharedAccessKey is missing'
        : parts.has('sharedaccesskey')
          ? 'SharedAccessKeyName is missing'
          : 'SharedAccessKeyName and SharedAccessKey (or SharedAccessSignature) are missing',
    );
  if ((parts.get('sharedaccesskey') ?? parts.get('sharedaccesssignature')) === '')
    throw invalid('the key (SharedAccessKey or SharedAccessSignature) is empty');
  const namespace = m[1];
  const entityPath = parts.get('entitypath') || undefined;
  return { bootstrap: `${namespace}:${m[2] ?? '9093'}`, namespace, entityPath };
}

function invalid(what: string): DatagenError {
  return new DatagenError('CONNECTION_STRING_INVALID', `Event Hubs connection string: ${what}`);
}

/** Client settings for @platformatic/kafka, and the topic that replaces every destination (EntityPath). */
export interface KafkaConnection {
  bootstrapBrokers: string[];
  sasl?: SASLOptions;
  tls?: TlsOptions;
  /** Send the host name (SNI) in the TLS handshake: Event Hubs, Confluent Cloud and most managed brokers need it. */
  tlsServerName?: boolean;
  /** Set when the connection string is scoped to one hub: every event goes there. */
  topic?: string;
  /** What to show in health checks and logs (no secret). */
  describe: string;
  /** Secrets to strip from any error text. */
  secrets: Secret[];
}

const MECHANISMS = { plain: 'PLAIN', 'scram-sha-256': 'SCRAM-SHA-256', 'scram-sha-512': 'SCRAM-SHA-512' } as const;

/**
 * Resolves the sink's connection settings; `azureConnectionString` is realtime.azure_connection_string, used with
 * use_azure_connection_string.
 * @example resolveConnection(config.sinks.kafka).bootstrapBrokers // ['127.0.0.1:9092']
 */
export function resolveConnection(config: KafkaSinkConfig, azureConnectionString?: Secret): KafkaConnection {
  let connectionString = config.connection_string;
  if (connectionString.isEmpty && config.use_azure_connection_string) {
    if (!azureConnectionString || azureConnectionString.isEmpty)
      throw new DatagenError(
        'CONFIG_INVALID',
        'sinks.kafka.use_azure_connection_string is true but realtime.azure_connection_string is empty: set AZURE_EVENTHUB_CONNECTION_STRING',
      );
    connectionString = azureConnectionString;
  }
  const tls = tlsOptions(config);
  if (!connectionString.isEmpty) {
    const endpoint = parseEventHubsConnectionString(connectionString);
    return {
      bootstrapBrokers: [endpoint.bootstrap],
      // Event Hubs' Kafka endpoint: the literal user $ConnectionString, the whole string as password.
      sasl: { mechanism: 'PLAIN', username: '$ConnectionString', password: connectionString.reveal() },
      tls: tls ?? {},
      tlsServerName: true,
      topic: endpoint.entityPath,
      describe: `${endpoint.bootstrap} (SASL PLAIN over TLS${endpoint.entityPath ? `, hub ${endpoint.entityPath}` : ''})`,
      secrets: [connectionString],
    };
  }
  const sasl =
    config.sasl.mechanism === 'none'
      ? undefined
      : {
          mechanism: MECHANISMS[config.sasl.mechanism],
          username: config.sasl.username,
          password: config.sasl.password.reveal(),
        };
  const how = [sasl ? `SASL ${sasl.mechanism}` : '', tls ? 'TLS' : ''].filter(Boolean).join(' over ');
  return {
    bootstrapBrokers: config.brokers,
    sasl,
    tls,
    // Node sends no SNI unless asked; for an IP address it must not (RFC 6066).
    tlsServerName: tls ? config.brokers.every((b) => !isIP(b.slice(0, b.lastIndexOf(':')))) : undefined,
    describe: `${config.brokers.join(',')}${how ? ` (${how})` : ''}`,
    secrets: sasl ? [config.sasl.password] : [],
  };
}

function tlsOptions(config: KafkaSinkConfig): TlsOptions | undefined {
  const t = config.tls;
  const wanted = t.enabled || Boolean(t.ca_file || t.cert_file) || !config.connection_string.isEmpty;
  if (!wanted) return undefined;
  const opts: TlsOptions = { rejectUnauthorized: t.reject_unauthorized };
  if (t.ca_file) opts.ca = readPem('tls.ca_file', t.ca_file);
  if (t.cert_file) opts.cert = readPem('tls.cert_file', t.cert_file);
  if (t.key_file) opts.key = readPem('tls.key_file', t.key_file);
  return opts;
}

function readPem(field: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new DatagenError(
      'CONFIG_INVALID',
      `sinks.kafka.${field}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}); give the path of a PEM file`,
      { cause: err },
    );
  }
}
