// The broker goes down for 20 s in the middle of a stream and comes back: the sink waits and retries, the circuit
// opens and closes, the stream goes on, and no event is lost.

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BrokerHandle, killBroker, restartBroker, startBroker } from '../../scripts/kafka/broker.mjs';
import { configSchema } from '../../src/config/schema.js';
import { generateMaster } from '../../src/jobs/master.js';
import { openStream } from '../../src/jobs/stream.js';
import { openDatabase } from '../../src/store/database.js';
import { readTopic } from '../helpers/kafka.js';

// This test kills its broker, so it always starts its own (never the one npm test shares).
let broker: BrokerHandle = await startBroker({ record: false });
const dir = mkdtempSync(join(tmpdir(), 'rdg-kafka-outage-'));

test.after(async () => {
  await broker.stop();
});

test('the broker down for 20 s mid-stream: the sink waits and retries, the circuit opens and closes, nothing is lost', {
  timeout: 300_000,
}, async (t) => {
  const topic = `rdg-outage-${Date.now()}`;
  const config = configSchema.parse({
    volume: { stores: 20, dcs: 3, total_customers: 4000, total_products: 600 },
    stream: { hub: topic, sink: 'kafka' },
    sinks: { kafka: { brokers: [broker.bootstrap], partitions: 3, timeout_ms: 5000 } },
    // Enough retries to outlast the outage: the events wait in the pipeline instead of the dead-letter store.
    realtime: { retry_attempts: 100, batch_timeout_ms: 50 },
    pipeline: { retry_max_ms: 2000, circuit_open_ms: 2000, circuit_failure_threshold: 3 },
    database: { path: join(dir, 'outage.duckdb') },
  });
  const db = await openDatabase(config.database.path);
  await generateMaster(config, db);
  const total = 40_000;
  const ids: string[] = [];
  const s = await openStream(config, db, {
    pacing: { mode: 'rate', eventsPerSecond: 2000 },
    maxEvents: total,
    hooks: { eventGenerated: (e) => ids.push(e.event_id) },
  });
  await s.pipeline.start();
  try {
    while (s.pipeline.snapshot().events_sent < 8000) await sleep(100);
    const before = broker;
    await killBroker('SIGKILL', before);
    const downAt = s.pipeline.snapshot().events_sent;
    await sleep(20_000);
    const during = s.pipeline.snapshot();
    assert.equal(during.circuit.state === 'closed', false, 'the circuit is open (or probing) while the broker is down');
    assert.ok(during.circuit.opens >= 1);
    assert.ok(during.events_sent - downAt < 1000, 'hardly anything is acknowledged while the broker is down');
    broker = await restartBroker(before, { record: false, log: (m) => t.diagnostic(m) });
    await s.pipeline.finished;
  } finally {
    await s.pipeline.stop();
    s.dispose();
  }
  const snap = s.pipeline.snapshot();
  db.close();
  assert.equal(snap.circuit.state, 'closed', 'the circuit closed again');
  assert.equal(snap.events_dead_lettered, 0);
  assert.equal(snap.events_sent, total, 'every generated event was acknowledged');
  assert.equal(snap.checkpoint.position, total);
  const got = await readTopic({ bootstrapBrokers: [broker.bootstrap] }, topic, total);
  const seen = new Set(got.map((r) => r.headers.get('event_id')));
  for (const id of ids) assert.ok(seen.has(id), `event ${id} is in the topic`);
  t.diagnostic(
    `${total} events, ${snap.events_retried} retried, circuit opened ${snap.circuit.opens} times; ${got.length - seen.size} duplicates in the topic`,
  );
  // Idempotence removes retried duplicates within a producer session; a new session after the restart may repeat
  // at most the batch that was in flight when the broker died.
  assert.ok(got.length - seen.size <= config.realtime.max_batch_size, `${got.length - seen.size} duplicates`);
});
