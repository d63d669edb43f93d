import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../../config/schema.js';
import type { EventType } from '../../events/types.js';
import { dayOf } from '../../simulate/calendar.js';
import type { SourceEvent } from '../types.js';
import { SimulatorSource, simulationOf } from './source.js';

const config = (streamWorkers: number) =>
  configSchema.parse({
    seed: 11,
    volume: {
      stores: 7,
      dcs: 3,
      total_customers: 5000,
      total_products: 900,
      customers_per_day: 120,
      online_orders_per_day: 150,
      marketing_impressions_per_day: 2000,
    },
    performance: { stream_workers: streamWorkers },
  });
const START = dayOf('2024-11-27');
// Two and a half simulated days: the stream crosses day boundaries, where the parts' releases interleave.
const UNTIL = Date.parse('2024-11-29T12:00:00Z');

/** Everything a stream of the source gives after `after`, with a clock that moves 1 ms per event. */
async function collect(
  streamWorkers: number,
  after = 0,
  typeRates?: Partial<Record<EventType, number>>,
  simulation = simulationOf(config(streamWorkers)),
) {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const source = new SimulatorSource({
    simulation,
    startDay: START,
    pacing: { mode: 'max' },
    until: UNTIL,
    typeRates,
    now: () => clock++,
  });
  const out: SourceEvent[] = [];
  for await (const batch of source.batches(after, new AbortController().signal)) out.push(...batch);
  return out;
}

/** What must not depend on the threads: positions, ids, types, keys and the envelope as JSON (ingest time aside). */
const shape = (e: SourceEvent) => ({
  seq: e.seq,
  json: JSON.stringify({ ...e.envelope, ingest_timestamp: undefined }),
});

test('the simulation on worker threads gives the events of the simulation in this thread, in the same order', async () => {
  const local = await collect(0);
  assert.ok(local.length > 5000, `a substantial stream (${local.length} events)`);
  assert.ok(local.every((e) => e.envelope.event_ts < new Date(UNTIL).toISOString()));
  for (const threads of [1, 3]) {
    const threaded = await collect(threads);
    assert.equal(threaded.length, local.length, `${threads} threads: as many events`);
    for (let i = 0; i < local.length; i++) {
      const t = threaded[i];
      assert.deepEqual(shape(t), shape(local[i]), `${threads} threads: event ${i + 1}`);
      // The pipeline's fields agree with the envelope, and the JSON is the envelope, stamped when it was taken.
      assert.equal(t.type, t.envelope.event_type);
      assert.equal(t.key, t.envelope.partition_key);
      assert.equal(t.id, t.envelope.event_id);
      assert.equal(t.envelope.ingest_timestamp, new Date(t.at!).toISOString());
      assert.equal(t.json, JSON.stringify(t.envelope));
      assert.equal(Buffer.from(t.bytes!).toString(), t.json, 'the bytes are the JSON');
    }
  }
});

test('batches larger than a slot of the ring go in buffers of their own, with the same events', async () => {
  const local = await collect(0);
  // Slots of 64 kB: batches of a thousand events (~600 kB) do not fit, the small ones around a day's end do.
  const threaded = await collect(2, 0, undefined, { config: config(2), threads: 2, slotBytes: 64 * 1024 });
  assert.deepEqual(threaded.map(shape), local.map(shape));
  for (const t of threaded.slice(0, 2000)) assert.equal(Buffer.from(t.bytes!).toString(), t.json);
});

test('a threaded stream resumed after a position, with type rates, continues with the same events', async () => {
  const rates = { ble_ping_detected: 0.3, inventory_updated: 0.5 };
  const whole = await collect(0, 0, rates);
  const resumed = await collect(2, 1234, rates);
  assert.deepEqual(resumed.map(shape), whole.slice(1234).map(shape));
});

test('a part with nothing to simulate (more threads than DCs) does not hold the others back', async () => {
  const oneDc = { ...config(0), volume: { ...config(0).volume, dcs: 1 } };
  const local = await collect(0, 0, undefined, simulationOf(oneDc));
  // simulationOf would start one thread here; two are forced, the second with an empty part.
  const threaded = await collect(2, 0, undefined, { config: oneDc, threads: 2 });
  assert.ok(local.length > 1000);
  assert.deepEqual(threaded.map(shape), local.map(shape));
});
