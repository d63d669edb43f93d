// Reading an Event Hubs connection string: every part checked, the missing ones named, the key never echoed.

import { Secret } from '../../config/secret.js';
import { DatagenError } from '../../errors.js';

/** The parts of a connection string; `key` stays a Secret. */
export interface ConnectionStringParts {
  endpoint: string;
  /** Host (and port) of the namespace, e.g. my-namespace.servicebus.windows.net. */
  namespace: string;
  keyName?: string;
  key?: Secret;
  /** A shared access signature instead of a key name and key. */
  signature?: Secret;
  entityPath?: string;
  useDevelopmentEmulator: boolean;
}

const FORMAT =
  'Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=<policy>;SharedAccessKey=<key>;EntityPath=<hub>';

/**
 * Parses and checks a connection string; `where` names its origin in the message of a bad one.
 * @example parseConnectionString(secret, 'realtime.azure_connection_string').namespace // 'my-ns.servicebus.windows.net'
 */
export function parseConnectionString(value: Secret, where: string): ConnectionStringParts {
  const text = value.reveal().trim();
  const fields = new Map<string, string>();
  for (const part of text.split(';')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq <= 0) continue;
    fields.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim());
  }
  const bad = (what: string) =>
    new DatagenError(
      'CONNECTION_STRING_INVALID',
      `${where}: the Event Hubs connection string ${what}; copy the whole connection string of a shared access policy (Azure portal: Event Hubs namespace or hub > Shared access policies; Fabric: Eventstream > custom endpoint > Keys), of the form ${FORMAT}`,
    );
  if (fields.size === 0) throw bad('is not a connection string (no Key=Value parts)');
  const endpoint = fields.get('endpoint');
  const keyName = fields.get('sharedaccesskeyname');
  const key = fields.get('sharedaccesskey');
  const signature = fields.get('sharedaccesssignature');
  const missing: string[] = [];
  if (!endpoint) missing.push('Endpoint');
  if (!signature) {
    if (!keyName) missing.push('SharedAccessKeyName');
    if (!key) missing.push('SharedAccessKey');
  }
  if (missing.length > 0) {
    const list = missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} and ${missing.at(-1)}`;
    throw bad(`has no ${list}`);
  }
  const host = /^sb:\/\/([^/]+)\/?$/i.exec(endpoint!);
  if (!host) throw bad(`has an Endpoint that is not sb://<namespace host>/ (got ${JSON.stringify(endpoint)})`);
  return {
    endpoint: endpoint!,
    namespace: host[1],
    keyName,
    key: key === undefined ? undefined : new Secret(key),
    signature: signature === undefined ? undefined : new Secret(signature),
    entityPath: fields.get('entitypath') || undefined,
    useDevelopmentEmulator: fields.get('usedevelopmentemulator')?.toLowerCase() === 'true',
  };
}
