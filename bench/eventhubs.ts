// Benchmark: the Event Hubs sink against the local protocol double (test/helpers/eventhubs-double.ts, on a worker
// thread as a remote service would be): events/s, batch fill ratio (bytes sent / batch limit) and the most batches
// in flight, overall and to one partition, at the default config (hash routing: partly filled batches are held
// back while more events come, up to realtime.batch_timeout_ms), with key routing, and at a fixed lower rate.
// The double is not Event Hubs: the figures measure the client and the sink, not the service.
// Run: node --import tsx bench/eventhubs.ts [--events N] [--partitions N]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { configSchema } from '../src/config/schema.js';
import { generateMaster } from '../src/jobs/master.js';
import { openStream } from '../src/jobs/stream.js';
import type { EventHubsSink } from '../src/sinks/eventhubs/sink.js';
import type { Pacing } from '../src/sources/simulator/pacing.js';
import { openDatabase } from '../src/store/database.js';
import type { PeerStats } from './eventhubs-peer.js';
import { machine, printTable } from './machine.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const events = Number(arg('events', '300000'));
const partitions = Number(arg('partitions', '4'));
const dir = mkdtempSync(join(tmpdir(), 'rdg-bench-eh-'));
// A worker thread does not inherit the TypeScript loader: it registers it before loading the peer.
const peerUrl = new URL('./eventhubs-peer.ts', import.meta.url).href;
const peer = new Worker(
  `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(peerUrl)}); });`,
  { eval: true, workerData: { partitions } },
);
const next = <T>() => new Promise<T>((resolve) => peer.once('message', resolve));
const { connectionString } = await next<{ connectionString: string }>();
const peerStats = () => {
  const answer = next<PeerStats>();
  peer.postMessage('stats');
  return answer;
};

type Case = [label: string, sink: Record<string, unknown>, pacing: Pacing, count: number, lingerMs?: number];
const cases: Case[] = [
  ['default (hash routing), --speed max', {}, { mode: 'max' }, events],
  ['realtime.batch_timeout_ms=5000, --speed max', {}, { mode: 'max' }, events, 5000],
  ['partition_routing=key, --speed max', { partition_routing: 'key' }, { mode: 'max' }, events],
  ['default, --rate 2000', {}, { mode: 'rate', eventsPerSecond: 2000 }, Math.min(events, 30_000)],
];
const rows: Record<string, string | number>[] = [];
let n = 0;
for (const [label, sink, pacing, count, lingerMs] of cases) {
  const config = configSchema.parse({
    stream: { sink: 'eventhubs' },
    realtime: { azure_connection_string: connectionString, ...(lingerMs ? { batch_timeout_ms: lingerMs } : {}) },
    sinks: { eventhubs: sink },
    database: { path: join(dir, `b${++n}.duckdb`) },
  });
  const db = await openDatabase(config.database.path);
  await generateMaster(config, db);
  await peerStats();
  const s = await openStream(config, db, { pacing, maxEvents: count });
  const started = performance.now();
  await s.pipeline.start();
  await s.pipeline.finished;
  const seconds = (performance.now() - started) / 1000;
  s.dispose();
  db.close();
  const st = (s.sink as EventHubsSink).stats;
  const got = await peerStats();
  if (got.events !== st.events) throw new Error(`the double received ${got.events} events, the sink sent ${st.events}`);
  rows.push({
    config: label,
    partitions,
    events: st.events,
    'events/s': Math.round(st.events / seconds),
    batches: st.batches,
    'events/batch': Math.round(st.events / st.batches),
    'fill ratio': `${((100 * st.bytes) / st.capacity).toFixed(1)}%`,
    'largest batch (bytes)': got.largest,
    'max in flight': st.maxInFlight,
    'max in flight to a partition': st.maxInFlightPerPartition,
  });
}
peer.postMessage('close');
rmSync(dir, { recursive: true, force: true });
console.log(`node --import tsx bench/eventhubs.ts --events ${events} --partitions ${partitions}; ${machine()}`);
printTable(rows);
