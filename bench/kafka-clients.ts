// Benchmark: which Kafka client the Kafka sink should use. kafkajs and @platformatic/kafka produce the same retail
// events (idempotent, acks=all, batches per send call) to a real broker, a consumer checks that every record arrived
// once on the partition Java's murmur2 gives its key, and Kafka's own ProducerPerformance is the baseline.
// Run: node --import tsx bench/kafka-clients.ts [--events N] [--size BYTES] [--batch RECORDS]
// (uses KAFKA_BOOTSTRAP_SERVERS if set, else starts its own broker with scripts/kafka/broker.mjs)

import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Admin,
  type CompressionAlgorithmValue,
  Consumer,
  compatibilityPartitioner,
  defaultPartitioner,
  type GenericError,
  MessagesStreamModes,
  Producer as PltProducer,
  ProduceAcks,
  stringDeserializer,
  stringSerializer,
} from '@platformatic/kafka';
import kafkajs from 'kafkajs';
import { type BrokerHandle, kafkaPaths, startBroker } from '../scripts/kafka/broker.mjs';
import { sampleEvent } from '../src/events/samples.js';
import { EVENT_TYPES } from '../src/events/types.js';
import { Rng } from '../src/random.js';
import { machine, printTable } from './machine.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
// kafkajs is CommonJS and Node's ESM loader does not see all of its named exports (CompressionCodecs among them).
const { CompressionCodecs, CompressionTypes, Kafka, logLevel, Partitioners } = kafkajs;
const N = Number(arg('events', '200000'));
const SIZE = Number(arg('size', '550'));
const BATCH = Number(arg('batch', '500'));
const PARTITIONS = 6;
const STORES = 86;
const cmd = `node --import tsx bench/kafka-clients.ts ${process.argv.slice(2).join(' ')}`.trim();
const pkgVersion = (dir: string) =>
  (
    JSON.parse(readFileSync(new URL(`../node_modules/${dir}/package.json`, import.meta.url), 'utf8')) as {
      version: string;
    }
  ).version;
const KAFKAJS = `kafkajs@${pkgVersion('kafkajs')}`;
const PLT = `@platformatic/kafka@${pkgVersion('@platformatic/kafka')}`;

/** Java's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), the hash every key-compatible partitioner uses. */
function murmur2(data: Buffer): number {
  const m = 0x5bd1e995;
  const len = data.length;
  let h = 0x9747b28c ^ len;
  const tail = len - (len & 3);
  for (let i = 0; i < tail; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    h = Math.imul(h, m) ^ Math.imul(k, m);
  }
  const rem = len & 3;
  if (rem === 3) h ^= data[tail + 2] << 16;
  if (rem >= 2) h ^= data[tail + 1] << 8;
  if (rem >= 1) h = Math.imul(h ^ data[tail], m);
  h ^= h >>> 13;
  h = Math.imul(h, m);
  return (h ^ (h >>> 15)) | 0;
}
const javaPartition = (key: Buffer) => (murmur2(key) & 0x7fffffff) % PARTITIONS;

// ---- events: real envelopes from src/events/samples.ts with fresh ids, store keys cycling over 86 stores ----
interface BenchEvent {
  key: Buffer;
  value: Buffer;
  headers: { event_type: string; schema_version: string; event_id: string };
}
const keys = Array.from({ length: STORES }, (_, s) => Buffer.from(`store_${s + 1}`));
const storeTypes = EVENT_TYPES.filter((t) => sampleEvent(t).partition_key.startsWith('store_'));
const samples = storeTypes.map((t) => sampleEvent(t) as unknown as Record<string, unknown>);
const rng = Rng.of(20240301, 'bench-kafka-clients');
const hex = (n: number) => rng.u32().toString(16).padStart(8, '0').slice(0, n);
const t0 = Date.parse('2024-03-01T08:00:00.000Z');
const events: BenchEvent[] = new Array(N);
let valueBytes = 0;
for (let i = 0; i < N; i++) {
  const store = (i % STORES) + 1;
  const sample = samples[i % samples.length];
  const payload = { ...(sample.payload as Record<string, unknown>) };
  if ('store_id' in payload) payload.store_id = store;
  const eventId = `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(8)}${hex(4)}`;
  const envelope = {
    ...sample,
    payload,
    event_id: eventId,
    event_ts: new Date(t0 + i * 37).toISOString(),
    trace_id: `${hex(8)}${hex(8)}${hex(8)}${hex(8)}`,
    ingest_timestamp: new Date(t0 + i * 37 + 250).toISOString(),
    partition_key: `store_${store}`,
  };
  // Trailing spaces are insignificant in JSON: they bring each value up to --size without breaking the envelope.
  const value = Buffer.from(JSON.stringify(envelope).padEnd(SIZE));
  valueBytes += value.length;
  events[i] = {
    key: keys[store - 1],
    value,
    headers: { event_type: String(sample.event_type), schema_version: '1.0', event_id: eventId },
  };
}
const meanSize = Math.round(valueBytes / N);

// ---- broker, admin, topics ----
const broker: BrokerHandle | undefined = process.env.KAFKA_BOOTSTRAP_SERVERS
  ? undefined
  : await startBroker({ record: false });
const bootstrap = process.env.KAFKA_BOOTSTRAP_SERVERS ?? broker!.bootstrap;
const brokers = bootstrap.split(',');
const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: brokers });
const runId = Date.now().toString(36);

async function createTopic(label: string): Promise<string> {
  const topic = `bench-${runId}-${label}`;
  await admin.createTopics({ topics: [topic], partitions: PARTITIONS, replicas: 1 });
  for (let i = 0; i < 50; i++) {
    const md = await admin.metadata({ topics: [topic], forceUpdate: true });
    if (md.topics.get(topic)?.partitions.every((p) => p.leader >= 0)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return topic;
}

async function endOffsets(topic: string): Promise<number[]> {
  const partitions = Array.from({ length: PARTITIONS }, (_, partitionIndex) => ({ partitionIndex, timestamp: -1n }));
  const [t] = await admin.listOffsets({ topics: [{ name: topic, partitions }] });
  const out = new Array<number>(PARTITIONS).fill(0);
  for (const p of t.partitions) out[p.partitionIndex] = Number(p.offset);
  return out;
}

/** Reads the whole topic back: count, duplicates (by event_id header) and keys on the wrong partition. */
async function verify(topic: string): Promise<string> {
  const ends = await endOffsets(topic);
  const total = ends.reduce((a, b) => a + b, 0);
  const consumer = new Consumer<Buffer, Buffer, string, string>({
    clientId: 'bench-verify',
    groupId: `verify-${topic}`,
    bootstrapBrokers: brokers,
    deserializers: { headerKey: stringDeserializer, headerValue: stringDeserializer },
  });
  const seen = new Set<string>();
  const perPartition = new Array<number>(PARTITIONS).fill(0);
  let misplaced = 0;
  let count = 0;
  const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: false });
  await new Promise<void>((resolve) => {
    let idle = setTimeout(resolve, 15_000);
    if (total === 0) resolve();
    stream.on('data', (m) => {
      count++;
      perPartition[m.partition]++;
      seen.add(m.headers.get('event_id') ?? '');
      if (javaPartition(m.key) !== m.partition) misplaced++;
      clearTimeout(idle);
      idle = setTimeout(resolve, 15_000);
      if (count >= total) {
        clearTimeout(idle);
        resolve();
      }
    });
  });
  await stream.close();
  await consumer.close();
  const ok = count === N && seen.size === N && misplaced === 0;
  return `${ok ? 'ok' : 'FAIL'}: read ${count.toLocaleString('en-US')} (${seen.size.toLocaleString('en-US')} distinct), per partition ${perPartition.join('/')}${misplaced ? `, ${misplaced} not on Java's partition` : ', keys on Java murmur2 partitions'}`;
}

// ---- one measured run: N events in batches of BATCH, `inflight` send calls at a time ----
type Send = (batch: readonly BenchEvent[]) => Promise<void>;
interface Measured {
  seconds: number;
  latencies: number[];
  /** Records in send calls that resolved. */
  acked: number;
  error?: string;
}

async function drive(send: Send, inflight: number): Promise<Measured> {
  const latencies: number[] = [];
  let acked = 0;
  let next = 0;
  let error: string | undefined;
  const start = performance.now();
  const worker = async () => {
    while (error === undefined && next * BATCH < N) {
      const from = next++ * BATCH;
      const t = performance.now();
      try {
        const batch = events.slice(from, from + BATCH);
        await send(batch);
        acked += batch.length;
      } catch (e) {
        error = describe(e);
      }
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: inflight }, worker));
  return { seconds: (performance.now() - start) / 1000, latencies, acked, error };
}

function describe(e: unknown): string {
  const ids = new Set<string>();
  const walk = (x: unknown) => {
    if (!(x instanceof Error)) return;
    const apiId = (x as GenericError).apiId;
    if (typeof apiId === 'string') ids.add(apiId);
    const errors = (x as { errors?: unknown[] }).errors;
    if (Array.isArray(errors)) errors.forEach(walk);
    else if (!ids.size) ids.add(`${x.name}: ${x.message}`);
  };
  walk(e);
  return [...ids].join(', ');
}

const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] : Number.NaN;
};
const rows: Record<string, string | number>[] = [];
const notes: string[] = [];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function row(client: string, compression: string, inflight: number | string, size: string, r: Measured, v: string) {
  const sent = r.error ? 'n/a' : fmt(N / r.seconds);
  rows.push({
    command: cmd,
    client,
    compression,
    'in-flight sends': inflight,
    records: fmt(N),
    'record size': size,
    'events/s': sent,
    'MB/s': r.error ? 'n/a' : (valueBytes / 2 ** 20 / r.seconds).toFixed(1),
    'send p50 ms': pct(r.latencies, 0.5).toFixed(1),
    'send p99 ms': pct(r.latencies, 0.99).toFixed(1),
    verified: r.error ? `send failed (${r.error}) after ${fmt(r.acked)} records acked; ${v}` : v,
    machine: machine(),
  });
}

// ---- kafkajs ----
// kafkajs has gzip built in; snappy, lz4 and zstd are separate codec packages, used here only if installed.
async function kafkajsCodec(name: 'snappy' | 'lz4'): Promise<boolean> {
  const req = createRequire(import.meta.url);
  try {
    if (name === 'snappy') CompressionCodecs[CompressionTypes.Snappy] = req('kafkajs-snappy');
    else CompressionCodecs[CompressionTypes.LZ4] = new (req('kafkajs-lz4'))().codec;
    return true;
  } catch {
    return false;
  }
}

async function runKafkajs(compression: keyof typeof kjsTypes, inflight: number) {
  const topic = await createTopic(`kafkajs-${compression}-${inflight}`);
  const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 5,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  await producer.send({ topic: warmup, acks: -1, messages: [{ key: 'warmup', value: 'warmup' }] });
  const r = await drive(async (batch) => {
    await producer.send({
      topic,
      acks: -1,
      compression: kjsTypes[compression],
      messages: batch.map((e) => ({ key: e.key, value: e.value, headers: e.headers })),
    });
  }, inflight);
  await producer.disconnect();
  row(KAFKAJS, compression, inflight, `${meanSize} B JSON`, r, await verify(topic));
}
const kjsTypes = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
} as const;

// ---- @platformatic/kafka ----
async function runPlatformatic(compression: CompressionAlgorithmValue, inflight: number) {
  const topic = await createTopic(`platformatic-${compression}-${inflight}`);
  const producer = new PltProducer<Buffer, Buffer, string, string>({
    clientId: 'bench-platformatic',
    bootstrapBrokers: brokers,
    idempotent: true,
    acks: ProduceAcks.ALL,
    compression,
    autocreateTopics: false,
    // The default partitioner is murmur2 >>> 0, which puts about half the keys on another partition than Java does.
    partitioner: compatibilityPartitioner,
    serializers: { headerKey: stringSerializer, headerValue: stringSerializer },
  });
  await producer.send({ messages: [{ topic: warmup, key: Buffer.from('warmup'), value: Buffer.from('warmup') }] });
  const r = await drive(async (batch) => {
    await producer.send({ messages: batch.map((e) => ({ topic, key: e.key, value: e.value, headers: e.headers })) });
  }, inflight);
  await producer.close();
  row(PLT, compression, inflight, `${meanSize} B JSON`, r, await verify(topic));
}

// ---- Kafka's ProducerPerformance (the Java producer, default batch.size 16 KiB and linger.ms 5) ----
async function runJava(compression: string, payload: 'random' | 'events') {
  const topic = await createTopic(`java-${compression}-${payload}`);
  const source = payload === 'random' ? ['--record-size', String(SIZE)] : ['--payload-file', payloadFile];
  const props = [
    `bootstrap.servers=${bootstrap}`,
    'acks=all',
    'enable.idempotence=true',
    `compression.type=${compression}`,
  ];
  const args = ['-cp', kafkaPaths().classpath, 'org.apache.kafka.tools.ProducerPerformance', '--topic', topic];
  args.push('--num-records', String(N), ...source, '--throughput', '-1', '--producer-props', ...props);
  const out = await new Promise<string>((resolve) => {
    let text = '';
    const child = spawn(process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java', args);
    child.stdout.on('data', (d) => {
      text += d;
    });
    child.stderr.on('data', (d) => {
      text += d;
    });
    child.on('error', (e) => resolve(`java failed: ${e.message}`));
    child.on('close', () => resolve(text));
  });
  const line = out.split('\n').find((l) => l.includes('records sent') && l.includes('50th')) ?? '';
  const m = /([\d.]+) records\/sec \(([\d.]+) MB\/sec\).* ([\d.]+) ms 50th.* ([\d.]+) ms 99th/.exec(line);
  const arrived = (await endOffsets(topic)).reduce((a, b) => a + b, 0);
  notes.push(`ProducerPerformance ${compression}, ${payload} payload: ${line.trim() || out.trim().slice(-300)}`);
  rows.push({
    command: `java -cp <kafka lib> org.apache.kafka.tools.ProducerPerformance ${source[0]} ${payload === 'random' ? SIZE : '<1,000 of these events>'} compression.type=${compression} ...`,
    client: 'Java producer (ProducerPerformance, Kafka 4.4)',
    compression,
    'in-flight sends': '5 per connection',
    records: fmt(N),
    'record size': payload === 'random' ? `${SIZE} B random letters` : `${meanSize} B JSON`,
    'events/s': m ? fmt(Number(m[1])) : 'n/a',
    'MB/s': m ? Number(m[2]).toFixed(1) : 'n/a',
    'send p50 ms': m ? `${m[3]} (per record)` : 'n/a',
    'send p99 ms': m ? `${m[4]} (per record)` : 'n/a',
    verified: `${arrived === N ? 'ok' : 'FAIL'}: end offsets sum to ${fmt(arrived)}`,
    machine: machine(),
  });
}

const payloadFile = join(tmpdir(), `bench-kafka-payloads-${runId}.txt`);
writeFileSync(
  payloadFile,
  events
    .slice(0, 1000)
    .map((e) => e.value.toString())
    .join('\n'),
);
const warmup = await createTopic('warmup');
const zstdInNode = 'zstdCompressSync' in (await import('node:zlib'));
try {
  for (const c of ['none', 'gzip'] as const) await runKafkajs(c, 1);
  for (const c of ['snappy', 'lz4'] as const) {
    if (await kafkajsCodec(c)) await runKafkajs(c, 1);
    else notes.push(`kafkajs ${c}: skipped; needs kafkajs-${c}, not a project dependency (npm install --no-save)`);
  }
  notes.push('kafkajs zstd: skipped, @kafkajs/zstd (native cppzst) does not build on Node 20 here');
  await runKafkajs('none', 4);
  for (const c of ['none', 'gzip', 'snappy', 'lz4'] as const) await runPlatformatic(c, 1);
  if (zstdInNode) await runPlatformatic('zstd', 1);
  else notes.push(`@platformatic/kafka zstd: skipped, it uses node:zlib zstd, which Node ${process.version} lacks`);
  await runPlatformatic('none', 4);
  for (const c of ['none', 'gzip']) await runJava(c, 'random');
  for (const c of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) await runJava(c, 'events');
} finally {
  await admin.close();
  rmSync(payloadFile, { force: true });
  await broker?.stop();
}

const defaultMoved = keys.filter((k) => defaultPartitioner({ topic: '' }, k) % PARTITIONS !== javaPartition(k)).length;
notes.push(
  `@platformatic/kafka default partitioner puts ${defaultMoved} of ${STORES} store keys on another partition than Java; compatibilityPartitioner matches Java (used above).`,
);
notes.push(
  `Batches of ${BATCH} records per send call; MB/s counts value bytes / 2^20 per second, like ProducerPerformance.`,
);
printTable(rows);
console.log('');
for (const n of notes) console.log(`- ${n}`);
console.log('');
// Checked in each package's types and docs for the versions above; 'run' marks what this machine also exercised.
const yes = 'yes';
printTable([
  { feature: 'idempotent producer', [KAFKAJS]: 'yes (docs: experimental); run', [PLT]: 'yes; run' },
  {
    feature: 'concurrent send() on one idempotent producer',
    [KAFKAJS]: 'unsafe: OUT_OF_ORDER_SEQUENCE_NUMBER (run)',
    [PLT]: 'unsafe: acks dropped batches, then OUT_OF_ORDER_SEQUENCE_NUMBER (run; fixed in 2.x, Node >= 22)',
  },
  { feature: 'transactions', [KAFKAJS]: 'producer.transaction(), sendOffsets', [PLT]: 'beginTransaction(); run' },
  { feature: 'admin: create topics', [KAFKAJS]: 'admin.createTopics; run', [PLT]: 'Admin.createTopics; run' },
  {
    feature: 'admin: group offsets, end offsets (lag)',
    [KAFKAJS]: 'fetchOffsets, fetchTopicOffsets; run',
    [PLT]: 'listConsumerGroupOffsets, listOffsets; run',
  },
  {
    feature: 'SASL over TLS',
    [KAFKAJS]: 'PLAIN, SCRAM-SHA-256/512, AWS, OAUTHBEARER; ssl',
    [PLT]: 'PLAIN, SCRAM-SHA-256/512, OAUTHBEARER, GSSAPI (custom); tls',
  },
  {
    feature: 'compression',
    [KAFKAJS]: 'gzip built in; snappy/lz4/zstd by codec packages',
    [PLT]: 'gzip, snappy, lz4 built in (wasm); zstd only where node:zlib has it (Node >= 22.15)',
  },
  { feature: 'headers', [KAFKAJS]: yes, [PLT]: yes },
  { feature: 'key to partition like Java', [KAFKAJS]: 'default partitioner', [PLT]: 'compatibilityPartitioner' },
  { feature: 'module format, types', [KAFKAJS]: 'CommonJS, bundled .d.ts', [PLT]: 'ESM, TypeScript' },
]);
