import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { configSchema } from '../../src/config/schema.js';
import { generateMaster } from '../../src/jobs/master.js';
import { openStream } from '../../src/jobs/stream.js';
import { redeliver } from '../../src/pipeline/dead-letter-retrier.js';
import type { OutEvent } from '../../src/sinks/types.js';
import { openDatabase } from '../../src/store/database.js';
import { DeadLetterStore } from '../../src/store/dead-letters.js';
import { FaultSink } from '../helpers/fault-sink.js';

const dir = mkdtempSync(join(tmpdir(), 'rdg-faults-'));
const UNTIL = Date.parse('2024-01-03T00:00:00Z');

function config(over: Record<string, unknown> = {}) {
  return configSchema.parse({
    volume: {
      stores: 3,
      dcs: 1,
      total_customers: 2000,
      total_products: 600,
      customers_per_day: 150,
      online_orders_per_day: 60,
      marketing_impressions_per_day: 500,
    },
    realtime: { retry_attempts: 4, max_batch_size: 50, batch_timeout_ms: 20, max_buffer_size: 2000 },
    pipeline: {
      retry_base_ms: 5,
      retry_max_ms: 40,
      circuit_failure_threshold: 3,
      circuit_open_ms: 300,
      checkpoint_interval_ms: 100,
      ...over,
    },
    database: { path: join(dir, `db-${Math.random().toString(36).slice(2)}.duckdb`) },
  });
}

async function run(sink: FaultSink, cfg = config(), until = UNTIL) {
  const db = await openDatabase(cfg.database.path);
  await generateMaster(cfg, db);
  const s = await openStream(cfg, db, { pacing: { mode: 'max' }, until, sinkInstance: sink });
  await s.pipeline.start();
  return { db, s, cfg };
}

async function finish(r: Awaited<ReturnType<typeof run>>) {
  await r.s.pipeline.finished;
  r.s.dispose();
  return r.s.pipeline.snapshot();
}

const clean = new FaultSink();
const cleanRun = await run(clean);
await finish(cleanRun);
cleanRun.db.close();
const all = clean.ids();

test('a clean run delivers every event once, in order per partition key', () => {
  assert.ok(all.size > 3000, `${all.size} events`);
  assert.equal(clean.delivered.length, all.size);
  const last = new Map<string, string>();
  for (const e of clean.delivered) {
    const k = e.envelope.partition_key;
    const key = `${e.envelope.event_ts} ${e.envelope.event_id}`;
    assert.ok(key >= (last.get(k) ?? ''), `order in ${k}`);
    last.set(k, key);
  }
});

test('a sink holding events back gets them again in front of the next batch: each once, in order per key', async () => {
  const sink = new FaultSink();
  sink.holdKeys = (k) => k.endsWith('1') || k === 'online';
  // Batches closed by bytes at any count: several per round, and events left in the open batch behind them.
  const r = await run(sink, config({ max_batch_bytes: 6000 }));
  const snap = await finish(r);
  r.db.close();
  assert.ok(sink.heldCount > 1000, `${sink.heldCount} events held back`);
  assert.equal(sink.delivered.length, all.size, 'no event twice');
  assert.deepEqual(sink.ids(), all);
  assert.equal(snap.events_failed, 0);
  assert.equal(snap.checkpoint.position, snap.events_generated);
  const order = (list: OutEvent[]) => {
    const m = new Map<string, string[]>();
    for (const e of list)
      m.set(e.envelope.partition_key, [...(m.get(e.envelope.partition_key) ?? []), e.envelope.event_id]);
    return m;
  };
  assert.deepEqual(order(sink.delivered), order(clean.delivered));
});

test('retries then success lose nothing', async () => {
  const sink = new FaultSink();
  sink.failNext = 3;
  const r = await run(sink);
  const snap = await finish(r);
  r.db.close();
  assert.deepEqual(sink.ids(), all);
  assert.ok(snap.events_retried > 0);
  assert.equal(snap.events_dead_lettered, 0);
  assert.equal(snap.checkpoint.position, all.size);
});

test('fatal failures land in the dead-letter store, and replaying them delivers them', async () => {
  const sink = new FaultSink();
  sink.fatalWhen = (e) => e.envelope.event_type === 'store_opened';
  const r = await run(sink);
  const snap = await finish(r);
  const store = await DeadLetterStore.open(r.db);
  const dead = await store.list();
  const opened = [...clean.delivered]
    .filter((e) => e.envelope.event_type === 'store_opened')
    .map((e) => e.envelope.event_id);
  assert.ok(opened.length > 0);
  assert.deepEqual(dead.map((d) => d.event_id).sort(), opened.sort());
  assert.equal(snap.events_dead_lettered, opened.length);
  assert.equal(dead[0].error_code, 'SINK_FATAL');
  assert.match(dead[0].last_error, /too large/);
  assert.equal(dead[0].destination, 'retail-events');
  assert.equal(snap.checkpoint.position, all.size, 'dead letters do not hold the checkpoint back');
  const replay = new FaultSink();
  const result = await redeliver(store, replay, {
    replay: { filter: { type: 'store_opened' } },
    maxAttempts: 5,
    baseMs: 10,
    maxMs: 100,
    multiplier: 2,
  });
  assert.equal(result.delivered, opened.length);
  assert.deepEqual([...replay.ids()].sort(), opened.sort());
  assert.equal((await store.stats()).byStatus.delivered, opened.length);
  r.db.close();
});

test('an open circuit stops sending and closes again when the sink recovers', async () => {
  const sink = new FaultSink();
  sink.down = true;
  const r = await run(sink, config({ circuit_failure_threshold: 2, circuit_open_ms: 300 }));
  // From the first send: the simulation starts on its own thread first.
  while (sink.calls.length === 0) await new Promise((res) => setTimeout(res, 20));
  await new Promise((res) => setTimeout(res, 700));
  const during = r.s.pipeline.snapshot();
  assert.ok(during.circuit.opens >= 1, 'the circuit opened');
  // While open, sends are at least the open time apart.
  const fails = sink.calls.filter((c) => !c.ok);
  const gaps = fails.slice(1).map((c, i) => c.at - fails[i].at);
  assert.ok(
    gaps.some((g) => g >= 250),
    `gaps ${gaps.join(',')}`,
  );
  assert.ok(fails.length < 12, `only a few probes while down: ${fails.length}`);
  sink.down = false;
  const snap = await finish(r);
  r.db.close();
  assert.equal(snap.circuit.state, 'closed');
  // Events whose retries ran out while down went to the dead-letter store; together nothing is lost.
  const store = await (async () => {
    const db = await openDatabase(r.cfg.database.path);
    const st = await DeadLetterStore.open(db);
    const ids = (await st.list()).map((d) => d.event_id);
    db.close();
    return ids;
  })();
  assert.deepEqual(new Set([...sink.ids(), ...store]), all);
});

test('a stalled sink fills the queue, the source waits, and nothing is lost once it moves again', async () => {
  const sink = new FaultSink();
  sink.stallSends();
  const r = await run(sink, config());
  await new Promise((res) => setTimeout(res, 600));
  const stalled = r.s.pipeline.snapshot();
  const heapStalled = process.memoryUsage().heapUsed;
  assert.ok(stalled.queue_depth <= stalled.queue_capacity);
  assert.ok(
    stalled.events_generated <= stalled.queue_capacity + 2 * 50 + 1,
    `generated ${stalled.events_generated} while stalled`,
  );
  await new Promise((res) => setTimeout(res, 400));
  const later = r.s.pipeline.snapshot();
  assert.equal(later.events_generated, stalled.events_generated, 'the source waits');
  assert.ok(process.memoryUsage().heapUsed < heapStalled + 50 * 2 ** 20);
  sink.release();
  const snap = await finish(r);
  r.db.close();
  assert.equal(snap.events_sent, snap.events_generated);
  assert.equal(snap.checkpoint.position, snap.events_generated);
});

test('pause and resume lose nothing and duplicate nothing', async () => {
  const sink = new FaultSink();
  sink.delayMs = 2;
  const r = await run(sink);
  await new Promise((res) => setTimeout(res, 150));
  r.s.pipeline.pause();
  await new Promise((res) => setTimeout(res, 300));
  const paused = r.s.pipeline.snapshot();
  await new Promise((res) => setTimeout(res, 200));
  assert.equal(r.s.pipeline.snapshot().events_generated, paused.events_generated, 'nothing is generated while paused');
  assert.equal(paused.state, 'paused');
  r.s.pipeline.resume();
  await finish(r);
  r.db.close();
  assert.equal(sink.delivered.length, all.size);
  assert.deepEqual(sink.ids(), all);
});
