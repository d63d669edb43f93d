// The replay source as a configured source: the stored history between two instants, delivered once, in order.

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { configSchema } from '../../src/config/schema.js';
import { runHistory } from '../../src/jobs/history.js';
import { generateMaster } from '../../src/jobs/master.js';
import { openStream } from '../../src/jobs/stream.js';
import { ReplaySource } from '../../src/sources/replay/source.js';
import { openDatabase } from '../../src/store/database.js';
import { FaultSink } from '../helpers/fault-sink.js';

test('a configured replay source streams the stored history of its range once, tagged with its name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rdg-src-replay-'));
  const config = configSchema.parse({
    volume: {
      stores: 2,
      dcs: 1,
      total_customers: 1000,
      total_products: 400,
      customers_per_day: 60,
      online_orders_per_day: 30,
      marketing_impressions_per_day: 200,
    },
    historical: { start_date: '2024-05-06' },
    database: { path: join(dir, 'r.duckdb') },
    pipeline: { routing: { sources: { past: 'history-replayed' }, default: 'main' } },
    sources: {
      past: {
        source_type: 'replay',
        priority: 'low',
        params: { from: '2024-05-06T08:00:00Z', to: '2024-05-06T14:00:00Z' },
      },
    },
  });
  const db = await openDatabase(config.database.path);
  await generateMaster(config, db);
  await runHistory(config, db, { days: 1 });
  const expected: string[] = [];
  const direct = new ReplaySource({
    db,
    from: Date.parse('2024-05-06T08:00:00Z'),
    to: Date.parse('2024-05-06T14:00:00Z'),
    pacing: { mode: 'max' },
  });
  for await (const b of direct.batches(0, new AbortController().signal))
    expected.push(...b.map((e) => e.envelope.event_id));
  assert.ok(expected.length > 20, `${expected.length} stored events in range`);
  const sink = new FaultSink();
  const s = await openStream(config, db, { pacing: { mode: 'max' }, sinkInstance: sink });
  await s.pipeline.start();
  await s.pipeline.finished;
  s.dispose();
  db.close();
  assert.equal(s.pipeline.completed, true, 'the replay ends at its range end');
  assert.deepEqual(
    sink.delivered.map((e) => e.envelope.event_id),
    expected,
  );
  assert.ok(sink.delivered.every((e) => e.destination === 'history-replayed'));
});
