// Benchmark: pipeline overhead to the file sink at --speed max, send latency at a fixed rate, and memory with a
// stalled sink; and the pipeline alone (events generated beforehand, so no simulation in the measure).
// Run: node --max-semi-space-size=64 --import tsx bench/pipeline.ts [--events N] [--stall-seconds S]
//   [--cases max,rate,stall,overhead] [--stream-workers N] (performance.stream_workers; default: the config's)
// (the flag is the one `retail-datagen stream` runs with)

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../src/config/schema.js';
import { generateMaster } from '../src/jobs/master.js';
import { createSink, openStream } from '../src/jobs/stream.js';
import { Pipeline } from '../src/pipeline/pipeline.js';
import { Router } from '../src/pipeline/router.js';
import { dayOf } from '../src/simulate/calendar.js';
import { buildContext } from '../src/simulate/context.js';
import { toEnvelope } from '../src/simulate/envelope.js';
import { Simulator } from '../src/simulate/simulator.js';
import { timeOrdered } from '../src/simulate/time-order.js';
import type { Pacing } from '../src/sources/simulator/pacing.js';
import type { Source, SourceEvent } from '../src/sources/types.js';
import { openDatabase } from '../src/store/database.js';
import { buildWorld } from '../src/world/build.js';
import { FaultSink } from '../test/helpers/fault-sink.js';
import { machine, printTable } from './machine.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const events = Number(arg('events', '1000000'));
const stallSeconds = Number(arg('stall-seconds', '60'));
const streamWorkers = process.argv.includes('--stream-workers') ? arg('stream-workers', '') : undefined;
const cases = new Set(arg('cases', 'max,rate,stall,overhead').split(','));
const dir = mkdtempSync(join(tmpdir(), 'rdg-bench-pipeline-'));
const config = configSchema.parse({
  ...(streamWorkers === undefined ? {} : { performance: { stream_workers: Number(streamWorkers) } }),
  database: { path: join(dir, 'b.duckdb') },
  sinks: { file: { dir: join(dir, 'out') } },
});
const db = await openDatabase(config.database.path);
await generateMaster(config, db);
const rows: Record<string, string | number>[] = [];
// The node flags this ran with: `retail-datagen stream` runs with --max-semi-space-size=64 (bin/retail-datagen.js),
// so its figures come from `node --max-semi-space-size=64 --import tsx bench/pipeline.ts`.
const nodeFlags = process.execArgv.filter((a) => a.startsWith('--max-semi-space-size'));
const cmd = ['node', ...nodeFlags, '--import tsx bench/pipeline.ts', ...process.argv.slice(2)].join(' ');

async function measure(label: string, pacing: Pacing, n: number, sink?: FaultSink) {
  const s = await openStream(config, db, {
    pacing,
    maxEvents: n,
    fresh: true,
    name: `bench-${label}`,
    sinkInstance: sink,
  });
  let maxRss = process.memoryUsage().rss;
  // The steady rate is taken from the first event sent: before it the simulation builds its world and its first
  // day (whose events are released in time order once the day is simulated).
  let first: { at: number; sent: number; cpu: NodeJS.CpuUsage } | undefined;
  const sampler = setInterval(() => {
    maxRss = Math.max(maxRss, process.memoryUsage().rss);
    const sent = s.pipeline.snapshot().events_sent;
    if (first === undefined && sent > 0) first = { at: performance.now(), sent, cpu: process.cpuUsage() };
  }, 100);
  const t = performance.now();
  const cpu = process.cpuUsage();
  await s.pipeline.start();
  await s.pipeline.finished;
  s.dispose();
  const end = performance.now();
  const seconds = (end - t) / 1000;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  const x = s.pipeline.snapshot();
  const cpuSeconds = (used.user + used.system) / 1e6;
  const steady = first ? ((x.events_sent - first.sent) * 1000) / (end - first.at) : Number.NaN;
  // CPU of all threads (simulation, pipeline, garbage collection) per event, from the first event sent.
  const steadyCpu = first ? process.cpuUsage(first.cpu) : undefined;
  const cpuPerEvent = steadyCpu
    ? (steadyCpu.user + steadyCpu.system) / Math.max(1, x.events_sent - first!.sent)
    : Number.NaN;
  return {
    seconds,
    x,
    maxRss: Math.round(maxRss / 2 ** 20),
    cpuSeconds,
    steady,
    cpuPerEvent,
    startSeconds: first ? (first.at - t) / 1000 : Number.NaN,
  };
}

if (cases.has('max')) {
  const { seconds, x, maxRss, cpuSeconds, steady, cpuPerEvent, startSeconds } = await measure(
    'max',
    { mode: 'max' },
    events,
  );
  rows.push({
    command: cmd,
    input: `${x.events_sent.toLocaleString('en-US')} events, default world`,
    case: 'file sink, --speed max',
    result: `${Math.round(steady).toLocaleString('en-US')} events/s end to end from the first event sent (${startSeconds.toFixed(1)} s after the start; ${cpuPerEvent.toFixed(1)} µs of CPU per event, all threads); ${Math.round(x.events_sent / seconds).toLocaleString('en-US')} events/s over the whole run (${Math.round(x.events_sent / cpuSeconds).toLocaleString('en-US')} per CPU second); batch p99 ${x.send_latency_ms.p99} ms; max RSS ${maxRss} MiB`,
    machine: machine(),
  });
}
if (cases.has('rate')) {
  const n = 10_000 * 20;
  const { x } = await measure('rate', { mode: 'rate', eventsPerSecond: 10_000 }, n);
  rows.push({
    command: cmd,
    input: `${n.toLocaleString('en-US')} events at 10,000/s`,
    case: 'file sink, --rate 10000',
    result: `send p50/p95/p99 ${x.send_latency_ms.p50}/${x.send_latency_ms.p95}/${x.send_latency_ms.p99} ms; generation to ack p99 ${x.end_to_end_latency_ms.p99} ms`,
    machine: machine(),
  });
}
if (cases.has('stall')) {
  const sink = new FaultSink();
  sink.stallSends();
  const s = await openStream(config, db, {
    pacing: { mode: 'max' },
    fresh: true,
    name: 'bench-stall',
    sinkInstance: sink,
  });
  await s.pipeline.start();
  let maxRss = 0;
  const t = Date.now();
  while (Date.now() - t < stallSeconds * 1000) {
    await new Promise((r) => setTimeout(r, 500));
    maxRss = Math.max(maxRss, process.memoryUsage().rss);
  }
  const x = s.pipeline.snapshot();
  sink.release();
  await s.pipeline.stop();
  s.dispose();
  rows.push({
    command: cmd,
    input: `sink stalled ${stallSeconds} s`,
    case: 'backpressure',
    result: `queue ${x.queue_depth}/${x.queue_capacity}, ${x.events_generated} generated while stalled, max RSS ${Math.round(maxRss / 2 ** 20)} MiB`,
    machine: machine(),
  });
}
if (cases.has('overhead')) {
  // The same events as the simulator source gives, made and serialised beforehand: what is measured is the pipeline
  // and the sink.
  const n = Math.min(events, 500_000);
  const sim = new Simulator(buildContext(config, buildWorld(config)), dayOf(config.historical.start_date));
  const prepared: SourceEvent[] = [];
  const at = Date.now();
  for (const day of timeOrdered(sim, Number.MAX_SAFE_INTEGER)) {
    for (const e of day) {
      if (prepared.length >= n) break;
      const envelope = toEnvelope(e, at);
      // Serialised, as the simulator source's thread hands events over.
      const json = JSON.stringify(envelope);
      const { event_type: type, partition_key: key, event_id: id } = envelope;
      prepared.push({ envelope, json, type, key, id, seq: prepared.length + 1, at });
    }
    if (prepared.length >= n) break;
  }
  const source: Source = {
    name: 'prepared',
    describe: () => ({}),
    async *batches(after) {
      for (let i = after; i < prepared.length; i += 500) yield prepared.slice(i, i + 500);
    },
  };
  const p = config.pipeline;
  const pipeline = new Pipeline({
    stream: 'bench-overhead',
    source,
    sink: createSink(config, 'file', db),
    router: new Router({ default: config.stream.hub }),
    queue: { capacity: config.realtime.max_buffer_size, overflow: p.overflow },
    batch: {
      maxEvents: config.realtime.max_batch_size,
      maxBytes: p.max_batch_bytes,
      lingerMs: config.realtime.batch_timeout_ms,
    },
    retry: { attempts: config.realtime.retry_attempts, baseMs: p.retry_base_ms, maxMs: p.retry_max_ms, multiplier: 2 },
    circuit: { enabled: true, failureThreshold: p.circuit_failure_threshold, openMs: p.circuit_open_ms },
  });
  const t = performance.now();
  const cpu = process.cpuUsage();
  await pipeline.start();
  await pipeline.finished;
  const seconds = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  const x = pipeline.snapshot();
  rows.push({
    command: cmd,
    input: `${x.events_sent.toLocaleString('en-US')} events made beforehand`,
    case: 'pipeline and file sink alone',
    result: `${Math.round(x.events_sent / seconds).toLocaleString('en-US')} events/s (${Math.round(x.events_sent / ((used.user + used.system) / 1e6)).toLocaleString('en-US')} per CPU second)`,
    machine: machine(),
  });
}
db.close();
rmSync(dir, { recursive: true, force: true });
printTable(rows);
