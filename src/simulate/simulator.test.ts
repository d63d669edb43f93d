import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../config/schema.js';
import { validateEnvelope } from '../events/envelope.js';
import { EVENT_TYPES } from '../events/types.js';
import { buildWorld } from '../world/build.js';
import { DAY_MS, dayOf, HOUR_MS, HOUR_WEIGHTS, MONTH_FACTORS, WEEKDAY_FACTORS } from './calendar.js';
import { buildContext, type SimContext } from './context.js';
import { toEnvelope } from './envelope.js';
import type { SimEvent } from './event-buffer.js';
import { partDcIds, Simulator } from './simulator.js';
import { simulateStoreDayAlone } from './store-run.js';

function context(volume: Record<string, unknown> = {}, seed = 42): SimContext {
  const config = configSchema.parse({
    seed,
    volume: {
      stores: 6,
      dcs: 3,
      total_customers: 6000,
      total_products: 1200,
      customers_per_day: 150,
      online_orders_per_day: 200,
      marketing_impressions_per_day: 3000,
      ...volume,
    },
  });
  return buildContext(config, buildWorld(config));
}

function run(ctx: SimContext, start: string, days: number, shard = { index: 1, count: 1 }): SimEvent[] {
  const sim = new Simulator(ctx, dayOf(start), shard);
  const out: SimEvent[] = [];
  for (let d = 0; d < days; d++) for (const u of sim.runDay().units) out.push(...u);
  return out;
}

const ctx = context();
const START = '2024-03-04';
const events = run(ctx, START, 5);

test('every one of the 18 event types occurs and every event is a valid envelope', () => {
  const seen = new Set(events.map((e) => e.event_type));
  for (const t of EVENT_TYPES) assert.ok(seen.has(t), `no ${t} event`);
  for (const e of events) {
    const v = validateEnvelope(toEnvelope(e));
    assert.ok(v.ok, `${e.event_id}: ${JSON.stringify(!v.ok && v.errors)}`);
  }
  assert.equal(new Set(events.map((e) => e.event_id)).size, events.length, 'event ids are unique');
});

test('the same seed gives the same events and another seed different ones', () => {
  const again = run(context(), START, 5);
  assert.deepEqual(
    again.map((e) => JSON.stringify(toEnvelope(e))),
    events.map((e) => JSON.stringify(toEnvelope(e))),
  );
  const other = run(context({}, 7), START, 2);
  assert.notDeepEqual(
    other.slice(0, 100).map((e) => e.payload),
    events.slice(0, 100).map((e) => e.payload),
  );
});

test('event_ts never goes back within a partition key', () => {
  const last = new Map<string, number>();
  for (const e of events) {
    const prev = last.get(e.partition_key) ?? 0;
    assert.ok(
      e.ts >= prev,
      `${e.partition_key}: ${e.event_id} at ${new Date(e.ts).toISOString()} after ${new Date(prev).toISOString()}`,
    );
    last.set(e.partition_key, e.ts);
  }
});

test('a store-day generated alone equals its slice of the full run', () => {
  const storeId = 2;
  const day = dayOf(START) + 3;
  const alone = simulateStoreDayAlone(ctx, storeId, dayOf(START), day);
  const prefix = `st${storeId}-${START.slice(0, 8).replace(/-/g, '')}${String(new Date(day * DAY_MS).getUTCDate()).padStart(2, '0')}-`;
  const slice = events.filter((e) => e.event_id.startsWith(prefix));
  assert.ok(slice.length > 100);
  assert.deepEqual(
    alone.map((e) => JSON.stringify(toEnvelope(e))),
    slice.map((e) => JSON.stringify(toEnvelope(e))),
  );
});

test('the union of the shards is the whole run, and shards are disjoint', () => {
  const parts = [1, 2, 3].map((index) => run(ctx, START, 5, { index, count: 3 }));
  const ids = parts.flat().map((e) => e.event_id);
  assert.equal(new Set(ids).size, ids.length, 'shards are disjoint');
  const byId = new Map(events.map((e) => [e.event_id, JSON.stringify(toEnvelope(e))]));
  assert.equal(ids.length, events.length);
  for (const e of parts.flat()) assert.equal(JSON.stringify(toEnvelope(e)), byId.get(e.event_id));
});

test('the parts of a shard split its DCs by load: disjoint, complete, and even in events', () => {
  const big = context({
    stores: 40,
    dcs: 8,
    total_customers: 20_000,
    customers_per_day: 60,
    marketing_impressions_per_day: 500,
  });
  const all = big.world.distributionCenters.map((d) => d.id);
  const parts = [1, 2].map((index) => partDcIds(big, all, { index, count: 2 }));
  assert.deepEqual(
    [...parts[0], ...parts[1]].sort((a, b) => a - b),
    all,
  );
  assert.deepEqual(partDcIds(big, all, { index: 1, count: 1 }), all);
  // The events each part simulates in a day: within 20% of half, whatever the stores per DC.
  const counts = [1, 2].map((index) => {
    const sim = new Simulator(big, dayOf(START), undefined, undefined, { index, count: 2 });
    let n = 0;
    sim.streamDay((u) => {
      n += u.length;
    });
    return n;
  });
  const share = counts[0] / (counts[0] + counts[1]);
  assert.ok(
    share > 0.4 && share < 0.6,
    `part 1 made ${(share * 100).toFixed(1)}% of the events (${counts.join(' / ')})`,
  );
});

test('a run continued from a snapshot equals a single run', () => {
  const first = new Simulator(ctx, dayOf(START));
  const out: SimEvent[] = [];
  for (let d = 0; d < 2; d++) for (const u of first.runDay().units) out.push(...u);
  const snap = JSON.parse(JSON.stringify(first.snapshot()));
  const second = new Simulator(ctx, 0, { index: 1, count: 1 }, snap);
  for (let d = 0; d < 3; d++) for (const u of second.runDay().units) out.push(...u);
  assert.deepEqual(
    out.map((e) => JSON.stringify(toEnvelope(e))),
    events.map((e) => JSON.stringify(toEnvelope(e))),
  );
});

test('nothing happens in a closed store but deliveries', () => {
  for (const e of events) {
    const id = e.payload.store_id as number | undefined;
    if (id === undefined || !e.partition_key.startsWith('store_')) continue;
    const s = ctx.storeById(id);
    if (s.open_hour === 0 && s.close_hour === 24) continue;
    if (
      [
        'truck_arrived',
        'truck_departed',
        'inventory_updated',
        'online_order_created',
        'payment_processed',
        'reorder_triggered',
      ].includes(e.event_type)
    )
      continue;
    const local = (((e.ts / HOUR_MS + s.utc_offset_hours) % 24) + 24) % 24;
    assert.ok(
      local >= s.open_hour && local <= s.close_hour,
      `${e.event_type} at local hour ${local.toFixed(2)} in store ${id} open ${s.open_hour}-${s.close_hour}`,
    );
  }
});

test('traffic follows the hour-of-day curve, weekends are busier and December beats February', () => {
  const big = context({ stores: 8, customers_per_day: 400, online_orders_per_day: 0 });

  const entered = (evs: SimEvent[]) => evs.filter((e) => e.event_type === 'customer_entered');
  const weeks = entered(run(big, '2024-02-05', 14));
  // Hour-of-day shape over stores open from 8 to 22, compared with the curve restricted to those hours.
  const standard = new Set(big.world.stores.filter((s) => s.open_hour === 8 && s.close_hour === 22).map((s) => s.id));
  const hours = new Array(24).fill(0);
  for (const e of weeks) {
    const s = big.storeById(e.payload.store_id as number);
    if (!standard.has(s.id)) continue;
    hours[Math.floor((((e.ts / HOUR_MS + s.utc_offset_hours) % 24) + 24) % 24)]++;
  }
  const total = hours.reduce((a, b) => a + b, 0);
  const weights = HOUR_WEIGHTS.map((w, h) => (h >= 8 && h < 22 ? w : 0));
  const wsum = weights.reduce((a, b) => a + b, 0);
  assert.ok(total > 2000, `enough visits in standard stores: ${total}`);
  for (let h = 8; h < 22; h++) {
    const expected = weights[h] / wsum;
    assert.ok(
      Math.abs(hours[h] / total - expected) < 0.02,
      `hour ${h}: ${(hours[h] / total).toFixed(3)} vs ${expected.toFixed(3)}`,
    );
  }
  const perDay = new Map<number, number>();
  for (const e of weeks) {
    const s = big.storeById(e.payload.store_id as number);
    const d = Math.floor((e.ts + s.utc_offset_hours * HOUR_MS) / DAY_MS);
    perDay.set(d, (perDay.get(d) ?? 0) + 1);
  }
  const weekday = (d: number) => new Date(d * DAY_MS).getUTCDay();
  const mean = (pred: (wd: number) => boolean) => {
    const xs = [...perDay].filter(([d]) => pred(weekday(d))).map(([, n]) => n);
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  const weekendRatio = mean((wd) => wd === 0 || wd === 6) / mean((wd) => wd >= 1 && wd <= 5);
  const expectedRatio =
    (WEEKDAY_FACTORS[0] + WEEKDAY_FACTORS[6]) /
    2 /
    ((WEEKDAY_FACTORS[1] + WEEKDAY_FACTORS[2] + WEEKDAY_FACTORS[3] + WEEKDAY_FACTORS[4] + WEEKDAY_FACTORS[5]) / 5);
  assert.ok(
    Math.abs(weekendRatio - expectedRatio) < 0.06,
    `weekend/weekday ${weekendRatio.toFixed(3)} vs ${expectedRatio.toFixed(3)}`,
  );
  const dec = entered(run(big, '2024-12-02', 7)).length;
  const feb = entered(run(big, '2024-02-05', 7)).length;
  const expectedDecFeb = MONTH_FACTORS[11] / MONTH_FACTORS[1];
  assert.ok(
    Math.abs(dec / feb - expectedDecFeb) < 0.08,
    `December/February ${(dec / feb).toFixed(3)} vs ${expectedDecFeb.toFixed(3)}`,
  );
});
