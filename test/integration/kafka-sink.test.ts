import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Consumer, MessagesStreamModes, stringDeserializer } from '@platformatic/kafka';
import { startBroker } from '../../scripts/kafka/broker.mjs';
import { configSchema } from '../../src/config/schema.js';
import { generateMaster } from '../../src/jobs/master.js';
import { openStream } from '../../src/jobs/stream.js';
import { openDatabase } from '../../src/store/database.js';
import { DeadLetterStore } from '../../src/store/dead-letters.js';

// A real Apache Kafka broker: the one `npm test` started (KAFKA_BOOTSTRAP_SERVERS), or our own.
const own = process.env.KAFKA_BOOTSTRAP_SERVERS
  ? null
  : await startBroker({ record: false, config: { 'message.max.bytes': '200000' } });
const bootstrap = process.env.KAFKA_BOOTSTRAP_SERVERS?.split(',')[0] ?? own!.bootstrap;
const dir = mkdtempSync(join(tmpdir(), 'rdg-kafka-'));

function config(topic: string, over: Record<string, unknown> = {}) {
  return configSchema.parse({
    volume: { stores: 40, dcs: 6, total_customers: 8000, total_products: 900 },
    stream: { hub: topic, sink: 'kafka' },
    sinks: { kafka: { brokers: [bootstrap], partitions: 6 } },
    database: { path: join(dir, `${topic}.duckdb`) },
    ...over,
  });
}

interface Read {
  key: string;
  partition: number;
  offset: bigint;
  headers: Map<string, string>;
  value: Record<string, unknown>;
}

async function readAll(topic: string, expected: number): Promise<Read[]> {
  const consumer = new Consumer<Buffer, Buffer, string, string>({
    clientId: 'rdg-test',
    groupId: `verify-${topic}`,
    bootstrapBrokers: [bootstrap],
    deserializers: { headerKey: stringDeserializer, headerValue: stringDeserializer },
  });
  const out: Read[] = [];
  const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: false });
  await new Promise<void>((resolve) => {
    let idle = setTimeout(resolve, 10_000);
    stream.on('data', (m) => {
      out.push({
        key: m.key.toString(),
        partition: m.partition,
        offset: m.offset,
        headers: m.headers as Map<string, string>,
        value: JSON.parse(m.value.toString()),
      });
      clearTimeout(idle);
      idle = setTimeout(resolve, out.length >= expected ? 1500 : 10_000);
    });
  });
  await stream.close();
  await consumer.close();
  return out;
}

test('100,000 events reach a 6-partition topic once each, keyed and ordered by partition key, with headers', {
  timeout: 300_000,
}, async () => {
  const topic = `rdg-events-${Date.now()}`;
  const cfg = config(topic);
  const db = await openDatabase(cfg.database.path);
  await generateMaster(cfg, db);
  const s = await openStream(cfg, db, { pacing: { mode: 'max' }, maxEvents: 100_000 });
  await s.pipeline.start();
  await s.pipeline.finished;
  s.dispose();
  const snap = s.pipeline.snapshot();
  db.close();
  assert.equal(snap.events_sent, 100_000);
  const got = await readAll(topic, 100_000);
  const ids = got.map((r) => r.headers.get('event_id'));
  assert.equal(got.length, 100_000, 'every event arrived, none twice');
  assert.equal(new Set(ids).size, 100_000);
  assert.equal(new Set(got.map((r) => r.partition)).size, 6);
  const partitionOfKey = new Map<string, number>();
  const lastTs = new Map<string, string>();
  for (const r of got.sort((a, b) => a.partition - b.partition || Number(a.offset - b.offset))) {
    assert.equal(partitionOfKey.get(r.key) ?? r.partition, r.partition, `key ${r.key} stays on one partition`);
    partitionOfKey.set(r.key, r.partition);
    assert.equal(r.key, r.value.partition_key);
    assert.equal(r.headers.get('event_type'), r.value.event_type);
    assert.equal(r.headers.get('schema_version'), '1.0');
    assert.equal(r.headers.get('event_id'), r.value.event_id);
    const ts = `${r.value.event_ts} ${r.value.event_id}`;
    assert.ok(ts >= (lastTs.get(r.key) ?? ''), `order of ${r.key}`);
    lastTs.set(r.key, ts);
  }
});

test('an event over the broker limit goes to the dead-letter store with the broker error, and the stream goes on', {
  timeout: 120_000,
}, async () => {
  const topic = `rdg-large-${Date.now()}`;
  const cfg = config(topic, { realtime: { max_batch_size: 32 } });
  const db = await openDatabase(cfg.database.path);
  await generateMaster(cfg, db);
  // A topic whose record batches may not exceed 800 bytes: the largest events (online orders with several lines,
  // ~700-870 bytes of JSON) do not fit even alone.
  const { Admin } = await import('@platformatic/kafka');
  const admin = new Admin({ clientId: 'rdg-test', bootstrapBrokers: [bootstrap] });
  await admin.createTopics({
    topics: [topic],
    partitions: 3,
    replicas: 1,
    configs: [{ name: 'max.message.bytes', value: '800' }],
  });
  await admin.close();
  const s = await openStream(cfg, db, {
    pacing: { mode: 'max' },
    maxEvents: 2000,
  });
  await s.pipeline.start();
  await s.pipeline.finished;
  s.dispose();
  const snap = s.pipeline.snapshot();
  const dead = await (await DeadLetterStore.open(db)).list();
  db.close();
  assert.ok(dead.length >= 1, 'the large events are dead letters');
  assert.ok(
    dead.every((d) => d.error_code === 'SINK_FATAL' && /TOO_LARGE/.test(d.last_error)),
    dead.map((d) => d.last_error).join('; '),
  );
  assert.equal(snap.events_sent + snap.events_dead_lettered, 2000);
  assert.ok(snap.events_sent > 1500, 'the stream went on');
  const got = await readAll(topic, snap.events_sent);
  assert.equal(new Set(got.map((r) => r.headers.get('event_id'))).size, snap.events_sent);
});

test.after(async () => {
  await own?.stop();
});
