// An http source (paged, changing JSON from a local server) streamed to a real Kafka topic: every record once.

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Consumer, MessagesStreamModes, stringDeserializer } from '@platformatic/kafka';
import { startBroker } from '../../scripts/kafka/broker.mjs';
import { configSchema } from '../../src/config/schema.js';
import { openStream } from '../../src/jobs/stream.js';
import { openDatabase } from '../../src/store/database.js';

const own = process.env.KAFKA_BOOTSTRAP_SERVERS ? null : await startBroker({ record: false });
const bootstrap = process.env.KAFKA_BOOTSTRAP_SERVERS?.split(',')[0] ?? own!.bootstrap;
const dir = mkdtempSync(join(tmpdir(), 'rdg-sources-kafka-'));

const items: { id: number; zone: string }[] = [];
const add = (n: number) => {
  for (let i = 0; i < n; i++) items.push({ id: items.length + 1, zone: `z${items.length % 3}` });
};
add(250);
const server = createServer((req, res) => {
  const page = Number(new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('page') ?? 0);
  res.writeHead(200, { 'content-type': 'application/json' }).end(
    JSON.stringify({
      items: items.slice(page * 50, page * 50 + 50),
      next: items.length > (page + 1) * 50 ? `/feed?page=${page + 1}` : null,
    }),
  );
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed`;

test.after(async () => {
  server.close();
  await own?.stop();
});

test('every record of an http source reaches the Kafka topic once, keyed by its partition field', {
  timeout: 120_000,
}, async () => {
  const topic = `rdg-sources-${Date.now()}`;
  const config = configSchema.parse({
    stream: { sink: 'kafka' },
    sinks: { kafka: { brokers: [bootstrap], partitions: 3 } },
    database: { path: join(dir, 'k.duckdb') },
    realtime: { batch_timeout_ms: 20 },
    sources: {
      zones: {
        source_type: 'http',
        destination: topic,
        ingestion: { mode: 'real_time', polling_interval_seconds: 0.05 },
        rate_limit_per_minute: 60_000,
        params: { url, records: '$.items', cursor: { type: 'next_link' }, key: 'id', partition_key_field: 'zone' },
      },
    },
  });
  const db = await openDatabase(config.database.path);
  const s = await openStream(config, db, { pacing: { mode: 'max' } });
  await s.pipeline.start();
  const until = Date.now() + 60_000;
  while (s.pipeline.snapshot().events_sent < 250 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  add(120);
  while (s.pipeline.snapshot().events_sent < 370 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 300)); // more re-polls of the last page
  await s.pipeline.stop();
  s.dispose();
  db.close();

  const consumer = new Consumer<Buffer, Buffer, string, string>({
    clientId: 'rdg-test',
    groupId: `verify-${topic}`,
    bootstrapBrokers: [bootstrap],
    deserializers: { headerKey: stringDeserializer, headerValue: stringDeserializer },
  });
  const got: { key: string; value: { payload: { id: number; zone: string }; source: string } }[] = [];
  const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: false });
  await new Promise<void>((resolve) => {
    let idle = setTimeout(resolve, 10_000);
    stream.on('data', (m) => {
      got.push({ key: m.key.toString(), value: JSON.parse(m.value.toString()) });
      clearTimeout(idle);
      idle = setTimeout(resolve, got.length >= 370 ? 1500 : 10_000);
    });
  });
  await stream.close();
  await consumer.close();
  const ids = got.map((g) => g.value.payload.id).sort((a, b) => a - b);
  assert.deepEqual(
    ids,
    Array.from({ length: 370 }, (_, i) => i + 1),
    'each record once',
  );
  assert.ok(got.every((g) => g.key === g.value.payload.zone && g.value.source === 'zones'));
});
