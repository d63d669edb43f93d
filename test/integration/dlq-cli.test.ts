import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { configSchema } from '../../src/config/schema.js';
import { generateMaster } from '../../src/jobs/master.js';
import { openStream } from '../../src/jobs/stream.js';
import { openDatabase } from '../../src/store/database.js';
import { runCli } from '../helpers/cli.js';
import { FaultSink } from '../helpers/fault-sink.js';

const dir = mkdtempSync(join(tmpdir(), 'rdg-dlq-'));
const dbPath = join(dir, 'd.duckdb');
const config = configSchema.parse({
  volume: { stores: 3, dcs: 1, total_customers: 1500, total_products: 500, customers_per_day: 100 },
  database: { path: dbPath },
});
{
  const db = await openDatabase(dbPath);
  await generateMaster(config, db);
  const sink = new FaultSink();
  sink.fatalWhen = (e) => e.envelope.event_type === 'store_opened' || e.envelope.event_type === 'store_closed';
  const s = await openStream(config, db, {
    pacing: { mode: 'max' },
    until: Date.parse('2024-01-04T00:00:00Z'),
    sinkInstance: sink,
  });
  await s.pipeline.start();
  await s.pipeline.finished;
  s.dispose();
  db.close();
}
const DB = ['--db', dbPath];

test('dlq stats and list show the dead letters with filters', async () => {
  const stats = await runCli(['dlq', 'stats', ...DB]);
  assert.equal(stats.code, 0, stats.stderr);
  const s = JSON.parse(stats.stdout);
  assert.ok(s.byType.store_opened > 0 && s.byType.store_closed > 0);
  assert.equal(s.byStatus.pending, s.total);
  assert.equal(s.byError.SINK_FATAL, s.total);
  const list = await runCli(['dlq', 'list', ...DB, '--type', 'store_opened', '--json']);
  const rows = list.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(rows.length, s.byType.store_opened);
  assert.ok(
    rows.every(
      (r) => r.event_type === 'store_opened' && r.envelope.event_id === r.event_id && /too large/.test(r.last_error),
    ),
  );
  const none = await runCli(['dlq', 'list', ...DB, '--to', '2000-01-01']);
  assert.match(none.stdout, /^0 dead letters$/m);
  const bad = await runCli(['dlq', 'list', ...DB, '--status', 'lost']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--status: expected pending, delivered or gave_up/);
});

test('dlq replay delivers through a sink, retry requeues, purge deletes', async () => {
  const out = join(dir, 'replayed');
  const replay = await runCli([
    'dlq',
    'replay',
    ...DB,
    '--type',
    'store_opened',
    '--sink',
    'file',
    '--set',
    `sinks.file.dir=${out}`,
  ]);
  assert.equal(replay.code, 0, replay.stderr);
  const m = /(\d+) delivered, 0 failed again, 0 given up/.exec(replay.stdout);
  assert.ok(m, replay.stdout);
  const files = readdirSync(join(out, 'retail-events'));
  const lines = files.flatMap((f) =>
    readFileSync(join(out, 'retail-events', f), 'utf8')
      .trim()
      .split('\n'),
  );
  assert.equal(lines.length, Number(m[1]));
  assert.ok(lines.every((l) => JSON.parse(l).event_type === 'store_opened'));
  const stats = JSON.parse((await runCli(['dlq', 'stats', ...DB])).stdout);
  assert.equal(stats.byStatus.delivered, Number(m[1]));
  const retry = await runCli(['dlq', 'retry', ...DB, '--type', 'store_closed']);
  assert.match(retry.stdout, new RegExp(`^${stats.byType.store_closed} dead letters due for retry`, 'm'));
  const purge = await runCli(['dlq', 'purge', ...DB, '--status', 'delivered']);
  assert.match(purge.stdout, new RegExp(`^${m[1]} dead letters purged`, 'm'));
  const after = JSON.parse((await runCli(['dlq', 'stats', ...DB])).stdout);
  assert.equal(after.total, stats.total - Number(m[1]));
});
