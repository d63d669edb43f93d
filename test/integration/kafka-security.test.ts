// The Kafka sink over SASL and TLS against a real broker with a SASL_SSL listener: SCRAM, and an Event Hubs style
// connection string (SASL PLAIN, user $ConnectionString, the string as password, EntityPath as the topic).

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { test } from 'node:test';
import { startBroker } from '../../scripts/kafka/broker.mjs';
import { kafkaSinkConfig } from '../../src/sinks/kafka/config.js';
import { KafkaSink } from '../../src/sinks/kafka/sink.js';
import { readTopic, sampleBatch } from '../helpers/kafka.js';

// Throwaway credentials, made for this run only.
const scramPassword = randomBytes(12).toString('base64url');
const key = randomBytes(32).toString('base64');
const hub = `orders-${Date.now()}`;

// A free port for the SASL_SSL listener, known before the broker starts: the connection string names it, and it is
// the password of the broker's PLAIN user $ConnectionString.
const saslPort = await new Promise<number>((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    server.close(() => resolve(port));
  });
});
const connectionString = `Endpoint=sb://localhost:${saslPort}/;SharedAccessKeyName=send;SharedAccessKey=${key};EntityPath=${hub}`;
// This test needs a broker with a SASL_SSL listener, so it starts its own even when npm test shares one.
const secured = await startBroker({
  record: false,
  saslSsl: {
    port: saslPort,
    users: [
      { username: 'app', password: scramPassword },
      { username: '$ConnectionString', password: connectionString },
    ],
  },
});
const ca = readFileSync(secured.saslSsl!.caFile, 'utf8');

test.after(async () => {
  await secured.stop();
});

test('SCRAM-SHA-512 over TLS (trusting the broker CA file): every event arrives', { timeout: 60_000 }, async () => {
  const topic = `rdg-scram-${Date.now()}`;
  const sink = new KafkaSink(
    kafkaSinkConfig.parse({
      brokers: [secured.saslSsl!.bootstrap],
      sasl: { mechanism: 'scram-sha-512', username: 'app', password: scramPassword },
      tls: { ca_file: secured.saslSsl!.caFile },
      partitions: 3,
    }),
  );
  await sink.open();
  const health = await sink.check();
  assert.equal(health.ok, true, health.detail);
  assert.match(health.detail ?? '', /SASL SCRAM-SHA-512 over TLS/);
  const out = await sink.send(sampleBatch(topic, 500));
  await sink.close();
  assert.ok(
    out.every((o) => o.ok),
    JSON.stringify(out.find((o) => !o.ok)),
  );
  const got = await readTopic(
    {
      bootstrapBrokers: [secured.saslSsl!.bootstrap],
      sasl: { mechanism: 'SCRAM-SHA-256', username: 'app', password: scramPassword },
      tls: { ca },
    },
    topic,
    500,
  );
  assert.equal(new Set(got.map((r) => r.headers.get('event_id'))).size, 500);
  assert.equal(got.length, 500);
});

test('an Event Hubs connection string connects with SASL PLAIN over TLS as $ConnectionString and writes to EntityPath', {
  timeout: 60_000,
}, async () => {
  const sink = new KafkaSink(
    kafkaSinkConfig.parse({ connection_string: connectionString, tls: { ca_file: secured.saslSsl!.caFile } }),
  );
  await sink.open();
  // The router's destination (stream.hub) is replaced by the hub of the connection string.
  const out = await sink.send(sampleBatch('retail-events', 300));
  await sink.close();
  assert.ok(
    out.every((o) => o.ok),
    JSON.stringify(out.find((o) => !o.ok)),
  );
  const got = await readTopic(
    {
      bootstrapBrokers: [secured.saslSsl!.bootstrap],
      sasl: { mechanism: 'PLAIN', username: '$ConnectionString', password: connectionString },
      tls: { ca },
    },
    hub,
    300,
  );
  assert.equal(got.length, 300);
});

test('a wrong password fails the health check and the send as fatal, naming no secret', {
  timeout: 60_000,
}, async () => {
  const wrong = `${scramPassword}-wrong`;
  const sink = new KafkaSink(
    kafkaSinkConfig.parse({
      brokers: [secured.saslSsl!.bootstrap],
      sasl: { mechanism: 'scram-sha-256', username: 'app', password: wrong },
      tls: { ca_file: secured.saslSsl!.caFile },
      retries: 0,
    }),
  );
  await sink.open();
  const health = await sink.check();
  assert.equal(health.ok, false);
  const [outcome] = await sink.send(sampleBatch(`rdg-denied-${Date.now()}`, 1));
  await sink.close();
  assert.equal(outcome.ok, false);
  if (!outcome.ok && !outcome.held) {
    assert.equal(outcome.retriable, false, outcome.error.message);
    assert.equal(outcome.error.code, 'SINK_FATAL');
    assert.ok(!outcome.error.message.includes(wrong) && !(health.detail ?? '').includes(wrong));
  }
});

test('without TLS trust of the self-signed certificate the connection is refused', { timeout: 60_000 }, async () => {
  const sink = new KafkaSink(
    kafkaSinkConfig.parse({
      brokers: [secured.saslSsl!.bootstrap],
      sasl: { mechanism: 'scram-sha-256', username: 'app', password: scramPassword },
      tls: { enabled: true },
      retries: 0,
      timeout_ms: 5000,
    }),
  );
  await sink.open();
  const health = await sink.check();
  await sink.close();
  assert.equal(health.ok, false);
  assert.match(health.detail ?? '', /certificate/i);
  assert.match(health.detail ?? '', /tls\.ca_file/);
});
