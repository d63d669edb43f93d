import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { configSchema } from '../../src/config/schema.js';
import { validateEnvelope } from '../../src/events/envelope.js';
import { runHistory } from '../../src/jobs/history.js';
import { generateMaster } from '../../src/jobs/master.js';
import { openStream } from '../../src/jobs/stream.js';
import { dayOf } from '../../src/simulate/calendar.js';
import { buildContext } from '../../src/simulate/context.js';
import { toEnvelope } from '../../src/simulate/envelope.js';
import { Simulator } from '../../src/simulate/simulator.js';
import { ReplaySource } from '../../src/sources/replay/source.js';
import { openDatabase } from '../../src/store/database.js';
import { buildWorld } from '../../src/world/build.js';
import { FaultSink } from '../helpers/fault-sink.js';

const dir = mkdtempSync(join(tmpdir(), 'rdg-replay-'));
const config = configSchema.parse({
  volume: {
    stores: 4,
    dcs: 2,
    total_customers: 3000,
    total_products: 700,
    customers_per_day: 120,
    online_orders_per_day: 80,
    marketing_impressions_per_day: 800,
  },
  historical: { start_date: '2024-05-06' },
  database: { path: join(dir, 'r.duckdb') },
});
const db = await openDatabase(config.database.path);
await generateMaster(config, db);
await runHistory(config, db, { days: 3 });

const FROM = Date.parse('2024-05-07T00:00:00Z');
const TO = Date.parse('2024-05-08T00:00:00Z');

async function replayAll(restamp = false) {
  const src = new ReplaySource({ db, from: FROM, to: TO, pacing: { mode: 'max' }, restamp, pageSize: 1000 });
  const out = [];
  for await (const b of src.batches(0, new AbortController().signal)) out.push(...b);
  return out;
}

test('replay rebuilds the stored events, in event-time order, as they were generated', async () => {
  const replayed = await replayAll();
  const sim = new Simulator(buildContext(config, buildWorld(config)), dayOf('2024-05-06'));
  const original = [];
  for (let d = 0; d < 3; d++) for (const u of sim.runDay().units) original.push(...u.map((e) => toEnvelope(e)));
  const expected = original
    .filter((e) => Date.parse(e.event_ts) >= FROM && Date.parse(e.event_ts) < TO)
    .sort((a, b) =>
      a.event_ts === b.event_ts ? (a.event_id < b.event_id ? -1 : 1) : a.event_ts < b.event_ts ? -1 : 1,
    );
  assert.ok(replayed.length > 5000);
  assert.equal(replayed.length, expected.length);
  replayed.forEach((r, i) => {
    const e = expected[i];
    assert.equal(r.envelope.event_id, e.event_id);
    assert.equal(r.envelope.event_ts, e.event_ts);
    assert.equal(r.envelope.partition_key, e.partition_key, e.event_id);
    // As on the wire: the simulator sets absent optional fields to undefined, which JSON leaves out.
    assert.deepEqual(r.envelope.payload, JSON.parse(JSON.stringify(e.payload)), e.event_id);
    assert.equal(r.seq, i + 1);
  });
  for (const r of replayed.slice(0, 2000)) assert.ok(validateEnvelope(r.envelope).ok);
});

test('restamped replay moves event times to now and keeps their spacing', async () => {
  const before = Date.now();
  const replayed = await replayAll(true);
  const first = Date.parse(replayed[0].envelope.event_ts);
  const last = Date.parse(replayed[replayed.length - 1].envelope.event_ts);
  assert.ok(first >= before - 1000 && first <= Date.now() + 1000, 'the first event is now');
  const original = await replayAll(false);
  const span = Date.parse(original[original.length - 1].envelope.event_ts) - Date.parse(original[0].envelope.event_ts);
  assert.equal(last - first, span);
});

test('a replay streams through the pipeline to a sink', async () => {
  const sink = new FaultSink();
  const s = await openStream(config, db, {
    pacing: { mode: 'max' },
    replay: { from: FROM, to: TO },
    sinkInstance: sink,
    name: 'replay-test',
  });
  await s.pipeline.start();
  await s.pipeline.finished;
  s.dispose();
  const replayed = await replayAll();
  assert.deepEqual(sink.ids(), new Set(replayed.map((r) => r.envelope.event_id)));
  db.close();
});
