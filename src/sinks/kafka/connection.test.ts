import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { configSchema } from '../../config/schema.js';
import { Secret } from '../../config/secret.js';
import { DatagenError } from '../../errors.js';
import { kafkaSinkConfig } from './config.js';
import { parseEventHubsConnectionString, resolveConnection } from './connection.js';

const KEY = 'c2VjcmV0LWtleS10aGF0LW11c3QtbmV2ZXItc2hvdw==';
const CS = `Endpoint=sb://retail-ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${KEY};EntityPath=orders`;

test('an Event Hubs connection string becomes NS:9093 with SASL PLAIN over TLS, user $ConnectionString', () => {
  const c = resolveConnection(kafkaSinkConfig.parse({ connection_string: CS }));
  assert.deepEqual(c.bootstrapBrokers, ['retail-ns.servicebus.windows.net:9093']);
  assert.deepEqual(c.sasl, { mechanism: 'PLAIN', username: '$ConnectionString', password: CS });
  assert.ok(c.tls, 'TLS is on');
  assert.equal(c.tls.rejectUnauthorized, true);
  assert.equal(c.tls.ca, undefined, 'system CAs');
  assert.equal(c.tlsServerName, true, 'SNI, which Azure routes by');
  assert.equal(c.topic, 'orders', 'EntityPath is the topic');
  assert.ok(!c.describe.includes(KEY));
});

test('a Fabric Eventstream string without EntityPath leaves the topic to the router (stream.hub)', () => {
  const cs = `Endpoint=sb://esehwestus.servicebus.windows.net/;SharedAccessKeyName=key_1;SharedAccessKey=${KEY}`;
  const c = resolveConnection(kafkaSinkConfig.parse({ connection_string: cs }));
  assert.equal(c.topic, undefined);
  assert.deepEqual(c.bootstrapBrokers, ['esehwestus.servicebus.windows.net:9093']);
});

test('use_azure_connection_string takes realtime.azure_connection_string (AZURE_EVENTHUB_CONNECTION_STRING)', () => {
  const config = kafkaSinkConfig.parse({ use_azure_connection_string: true });
  const c = resolveConnection(config, new Secret(CS));
  assert.deepEqual(c.bootstrapBrokers, ['retail-ns.servicebus.windows.net:9093']);
  assert.throws(
    () => resolveConnection(config, new Secret('')),
    (e: unknown) =>
      e instanceof DatagenError && e.code === 'CONFIG_INVALID' && /AZURE_EVENTHUB_CONNECTION_STRING/.test(e.message),
  );
});

test('a malformed connection string names the missing part and never repeats the key', () => {
  const cases: [string, RegExp][] = [
    [`SharedAccessKeyName=send;SharedAccessKey=${KEY}`, /Endpoint is missing/],
    [`Endpoint=https://ns.example.com/;SharedAccessKeyName=send;SharedAccessKey=${KEY}`, /Endpoint is not sb:\/\//],
    [`Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send`, /SharedAccessKey is missing/],
    [`Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKey=${KEY}`, /SharedAccessKeyName is missing/],
    [`Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;${KEY.replace(/=/g, '')}`, /not Key=value/],
  ];
  for (const [cs, why] of cases) {
    assert.throws(
      () => parseEventHubsConnectionString(new Secret(cs)),
      (e: unknown) =>
        e instanceof DatagenError &&
        e.code === 'CONNECTION_STRING_INVALID' &&
        why.test(e.message) &&
        !e.message.includes(KEY),
    );
    const r = configSchema.safeParse({ sinks: { kafka: { connection_string: cs } } });
    assert.equal(r.success, false);
    const text = JSON.stringify(r.error?.issues) + String(r.error);
    assert.match(text, why);
    assert.ok(!text.includes(KEY), 'the key is not in the config error');
    assert.ok(r.error?.issues.some((i) => i.path.join('.') === 'sinks.kafka.connection_string'));
  }
});

test('the connection string and the SASL password print as *** in config output', () => {
  const config = configSchema.parse({
    sinks: { kafka: { connection_string: CS } },
  });
  const other = kafkaSinkConfig.parse({
    sasl: { mechanism: 'scram-sha-512', username: 'app', password: 'hunter2-password' },
  });
  const shown = JSON.stringify(config) + inspect(config, { depth: 10 }) + JSON.stringify(other) + inspect(other);
  assert.ok(!shown.includes(KEY) && !shown.includes('hunter2-password'));
  assert.match(JSON.stringify(config.sinks), /"connection_string":"\*\*\*"/);
});

test('SASL SCRAM and TLS settings for other Kafka services', () => {
  const c = resolveConnection(
    kafkaSinkConfig.parse({
      brokers: ['kafka.example.com:9096'],
      sasl: { mechanism: 'scram-sha-256', username: 'app', password: 'pw-123456' },
      tls: { enabled: true },
    }),
  );
  assert.deepEqual(c.sasl, { mechanism: 'SCRAM-SHA-256', username: 'app', password: 'pw-123456' });
  assert.deepEqual(c.tls, { rejectUnauthorized: true });
  assert.equal(c.describe, 'kafka.example.com:9096 (SASL SCRAM-SHA-256 over TLS)');
  assert.equal(resolveConnection(kafkaSinkConfig.parse({})).tls, undefined, 'plain by default');
});

test('config mistakes name the field and the fix', () => {
  const issues = (kafka: unknown) =>
    configSchema.safeParse({ sinks: { kafka } }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
  assert.match(
    issues({ sasl: { mechanism: 'plain' } }).join('\n'),
    /sinks\.kafka\.sasl: .*needs sasl\.username and sasl\.password/,
  );
  assert.match(issues({ tls: { cert_file: 'c.pem' } }).join('\n'), /tls\.key_file: .*set both or neither/);
  assert.match(issues({ exactly_once: true, acks: 'leader' }).join('\n'), /exactly_once: .*acks: all/);
  assert.match(
    issues({ connection_string: CS, sasl: { mechanism: 'plain', username: 'u', password: 'p' } }).join('\n'),
    /sasl\.mechanism: .*remove sinks\.kafka\.sasl/,
  );
  assert.throws(
    () => resolveConnection(kafkaSinkConfig.parse({ tls: { ca_file: '/nonexistent/ca.pem' } })),
    (e: unknown) => e instanceof DatagenError && /sinks\.kafka\.tls\.ca_file/.test(e.message),
  );
});
