// Benchmark: the Kafka sink on a real broker against Kafka's own ProducerPerformance (same records, acks=all,
// idempotence, no compression), the whole stream at --speed max and with --exactly-once, and latency at 10,000/s.
// Run: node --import tsx bench/kafka.ts [--events N]
// (uses KAFKA_BOOTSTRAP_SERVERS if set, else starts its own broker with scripts/kafka/broker.mjs)

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin, ListOffsetTimestamps } from '@platformatic/kafka';
import { type BrokerHandle, kafkaPaths, startBroker } from '../scripts/kafka/broker.mjs';
import { configSchema } from '../src/config/schema.js';
import { generateMaster } from '../src/jobs/master.js';
import { openStream, type StreamOptions } from '../src/jobs/stream.js';
import { kafkaSinkConfig } from '../src/sinks/kafka/config.js';
import { KafkaSink } from '../src/sinks/kafka/sink.js';
import type { OutEvent } from '../src/sinks/types.js';
import { openDatabase } from '../src/store/database.js';
import { machine, printTable } from './machine.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const N = Number(arg('events', '200000'));
const PARTITIONS = 6;
const cmd = `node --import tsx bench/kafka.ts ${process.argv.slice(2).join(' ')}`.trim();
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const broker: BrokerHandle | undefined = process.env.KAFKA_BOOTSTRAP_SERVERS
  ? undefined
  : await startBroker({ record: false });
const bootstrap = process.env.KAFKA_BOOTSTRAP_SERVERS?.split(',')[0] ?? broker!.bootstrap;
const runId = Date.now().toString(36);
const dir = mkdtempSync(join(tmpdir(), 'rdg-bench-kafka-'));
const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: [bootstrap] });

async function arrived(topic: string): Promise<number> {
  const [t] = await admin.listOffsets({
    topics: [
      {
        name: topic,
        partitions: Array.from({ length: PARTITIONS }, (_, partitionIndex) => ({
          partitionIndex,
          timestamp: ListOffsetTimestamps.LATEST,
        })),
      },
    ],
  });
  return t.partitions.reduce((s, p) => s + Number(p.offset), 0);
}

const config = (topic: string, kafka: Record<string, unknown> = {}) =>
  configSchema.parse({
    database: { path: join(dir, 'b.duckdb') },
    stream: { hub: topic, sink: 'kafka' },
    sinks: { kafka: { brokers: [bootstrap], partitions: PARTITIONS, ...kafka } },
  });
const db = await openDatabase(config('x').database.path);
await generateMaster(config('x'), db);
const rows: Record<string, string | number>[] = [];

/** Runs the stream to a fresh topic; returns events/s from start to the last ack, and the snapshot. */
async function stream(label: string, opts: StreamOptions, kafka: Record<string, unknown> = {}) {
  const topic = `bench-${runId}-${label}`;
  const kept: OutEvent[] = [];
  const s = await openStream(config(topic, kafka), db, {
    ...opts,
    fresh: true,
    name: `bench-${runId}-${label}`,
    hooks: {
      batchSent: (b) => {
        if (kept.length < N) kept.push(...b.events);
      },
    },
  });
  const t = performance.now();
  await s.pipeline.start();
  await s.pipeline.finished;
  const seconds = (performance.now() - t) / 1000;
  s.dispose();
  const x = s.pipeline.snapshot();
  return { topic, seconds, x, kept, rate: x.events_sent / seconds, landed: await arrived(topic) };
}

// 1. The whole stream at --speed max: simulation, queue, routing, batching and the sink.
const full = await stream('max', { pacing: { mode: 'max' }, maxEvents: N });
const meanBytes = Math.round(full.kept.reduce((s, e) => s + e.json.length, 0) / full.kept.length);
rows.push({
  command: cmd,
  case: 'stream --sink kafka --speed max (whole pipeline)',
  input: `${fmt(N)} events, ${meanBytes} B JSON mean`,
  result: `${fmt(full.rate)} events/s; send p99 ${full.x.send_latency_ms.p99} ms; ${fmt(full.landed)} records on the broker`,
  machine: machine(),
});

// 2. The sink alone, batches of the pipeline's default size (256) sent one after another, as the pipeline does.
const sinkTopic = `bench-${runId}-sink`;
const sink = new KafkaSink(kafkaSinkConfig.parse({ brokers: [bootstrap], partitions: PARTITIONS }));
await sink.open();
await sink.send({ destination: sinkTopic, events: full.kept.slice(0, 1), bytes: 0 });
const t0 = performance.now();
for (let i = 1; i < full.kept.length; i += 256) {
  const events = full.kept.slice(i, i + 256);
  const out = await sink.send({ destination: sinkTopic, events, bytes: 0 });
  if (!out.every((o) => o.ok)) throw new Error('send failed');
}
const sinkRate = full.kept.length / ((performance.now() - t0) / 1000);
await sink.close();
rows.push({
  command: cmd,
  case: 'KafkaSink.send alone, 256 events per batch',
  input: `the same ${fmt(full.kept.length)} events`,
  result: `${fmt(sinkRate)} events/s; ${fmt(await arrived(sinkTopic))} records on the broker`,
  machine: machine(),
});

// 3. Kafka's own producer on the same records (a sample of 1,000 of these events as the payload file).
const payloadFile = join(dir, 'payloads.txt');
writeFileSync(
  payloadFile,
  `${full.kept
    .slice(0, 1000)
    .map((e) => e.json)
    .join('\n')}\n`,
);
const javaTopic = `bench-${runId}-java`;
await admin.createTopics({ topics: [javaTopic], partitions: PARTITIONS, replicas: 1 });
const javaOut = await new Promise<string>((resolve) => {
  let text = '';
  const child = spawn(process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java', [
    '-cp',
    kafkaPaths().classpath,
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    javaTopic,
    '--num-records',
    String(N),
    '--payload-file',
    payloadFile,
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${bootstrap}`,
    'acks=all',
    'enable.idempotence=true',
    'compression.type=none',
  ]);
  child.stdout.on('data', (d) => {
    text += d;
  });
  child.stderr.on('data', (d) => {
    text += d;
  });
  child.on('close', () => resolve(text));
});
const javaLine = javaOut.split('\n').find((l) => l.includes('records sent') && l.includes('99th')) ?? '';
const javaRate = Number(/([\d.]+) records\/sec/.exec(javaLine)?.[1] ?? Number.NaN);
const javaP99 = /([\d.]+) ms 99th/.exec(javaLine)?.[1];
rows.push({
  command:
    'java -cp <kafka lib> org.apache.kafka.tools.ProducerPerformance --payload-file <1,000 of these events> --throughput -1 acks=all enable.idempotence=true',
  case: "Kafka's ProducerPerformance (Java producer, batch.size 16 KiB, linger.ms 5)",
  input: `${fmt(N)} records, ${meanBytes} B JSON mean`,
  result: javaLine ? `${fmt(javaRate)} events/s; per-record p99 ${javaP99} ms` : javaOut.trim().slice(-300),
  machine: machine(),
});
rows.push({
  command: cmd,
  case: 'ratio to ProducerPerformance (goal >= 80%)',
  input: '-',
  result: `sink alone ${Math.round((sinkRate / javaRate) * 100)}%, whole stream ${Math.round((full.rate / javaRate) * 100)}%`,
  machine: machine(),
});

// 4. Latency at 10,000 events/s: batch send latency, and from generation to the broker's ack.
const paced = await stream('rate', { pacing: { mode: 'rate', eventsPerSecond: 10_000 }, maxEvents: 150_000 });
rows.push({
  command: cmd,
  case: 'stream --sink kafka --rate 10000',
  input: `${fmt(paced.x.events_sent)} events at 10,000/s`,
  result: `send p50/p95/p99 ${paced.x.send_latency_ms.p50}/${paced.x.send_latency_ms.p95}/${paced.x.send_latency_ms.p99} ms; generation to ack p50/p99 ${paced.x.end_to_end_latency_ms.p50}/${paced.x.end_to_end_latency_ms.p99} ms (goal p99 < 50 ms)`,
  machine: machine(),
});

// 5. Exactly once: one transaction per batch, with the stream position.
const eos = await stream(
  'eos',
  { pacing: { mode: 'max' }, maxEvents: Math.min(N, 100_000), exactlyOnce: true },
  { exactly_once: true },
);
rows.push({
  command: cmd,
  case: 'stream --sink kafka --speed max --exactly-once',
  input: `${fmt(eos.x.events_sent)} events, 256 per transaction`,
  result: `${fmt(eos.rate)} events/s; transaction p50/p99 ${eos.x.send_latency_ms.p50}/${eos.x.send_latency_ms.p99} ms`,
  machine: machine(),
});

await admin.close();
db.close();
await broker?.stop();
rmSync(dir, { recursive: true, force: true });
printTable(rows);
