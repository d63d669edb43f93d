import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../../config/schema.js';
import { isDatagenError } from '../../errors.js';
import { Rng } from '../../random.js';
import { eventhubsSinkConfig } from './config.js';
import { resolveCredentials } from './credentials.js';

// Made-up keys, from the seeded generator: nothing secret, and the same on every run.
const keys = Rng.of('credentials.test');
const fakeKey = () => `${keys.u32().toString(36)}${keys.u32().toString(36)}${keys.u32().toString(36)}=`;
const cs = (hub?: string) =>
  `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${fakeKey()}${hub ? `;EntityPath=${hub}` : ''}`;
const vault = { use_keyvault: true, keyvault_url: 'https://v.vault.azure.net/', keyvault_secret_name: 'eh' };
const noVault = async () => assert.fail('Key Vault must not be read');

test('a connection string comes first, its EntityPath naming the hub', async () => {
  const config = configSchema.parse({
    realtime: { azure_connection_string: cs('from-entity'), ...vault },
    stream: { hub: 'h' },
  });
  const c = await resolveCredentials(
    config,
    eventhubsSinkConfig.parse({ fully_qualified_namespace: 'other.servicebus.windows.net' }),
    noVault,
  );
  assert.equal(c.source, 'connection_string');
  assert.equal(c.hub, 'from-entity');
  assert.equal(c.namespace, 'ns.servicebus.windows.net');
});

test('without EntityPath the hub is stream.hub', async () => {
  const config = configSchema.parse({ realtime: { azure_connection_string: cs() }, stream: { hub: 'retail' } });
  assert.equal((await resolveCredentials(config, eventhubsSinkConfig.parse({}), noVault)).hub, 'retail');
});

test('Key Vault is read when no connection string is given; its value is checked like one', async () => {
  const config = configSchema.parse({ realtime: vault });
  const read: string[] = [];
  const c = await resolveCredentials(config, eventhubsSinkConfig.parse({}), async (url, name) => {
    read.push(`${url}|${name}`);
    return cs('kv-hub');
  });
  assert.deepEqual(read, ['https://v.vault.azure.net/|eh']);
  assert.equal(c.source, 'keyvault');
  assert.equal(c.hub, 'kv-hub');
  await assert.rejects(
    resolveCredentials(config, eventhubsSinkConfig.parse({}), async () => 'Endpoint=sb://x/;SharedAccessKeyName=a'),
    (err) =>
      isDatagenError(err, 'CONNECTION_STRING_INVALID') &&
      /Key Vault secret eh.*has no SharedAccessKey;/.test(err.message),
  );
  await assert.rejects(
    resolveCredentials(config, eventhubsSinkConfig.parse({}), async () => {
      throw Object.assign(new Error('Forbidden'), { name: 'RestError', statusCode: 403 });
    }),
    (err) => isDatagenError(err, 'SINK_FATAL') && /cannot read Key Vault secret eh.*RestError 403/.test(err.message),
  );
});

test('Entra ID with a namespace needs no secret; with nothing set the error lists every way', async () => {
  const config = configSchema.parse({ stream: { hub: 'retail' } });
  const c = await resolveCredentials(
    config,
    eventhubsSinkConfig.parse({ fully_qualified_namespace: 'ns.servicebus.windows.net' }),
    noVault,
  );
  assert.deepEqual(c, { source: 'entra_id', namespace: 'ns.servicebus.windows.net', hub: 'retail' });
  await assert.rejects(resolveCredentials(config, eventhubsSinkConfig.parse({}), noVault), (err) => {
    assert.ok(isDatagenError(err, 'CONFIG_INVALID'));
    for (const way of [
      'AZURE_EVENTHUB_CONNECTION_STRING',
      'realtime.use_keyvault',
      'sinks.eventhubs.fully_qualified_namespace',
    ])
      assert.ok(err.message.includes(way), way);
    return true;
  });
});
