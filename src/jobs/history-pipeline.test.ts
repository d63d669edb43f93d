import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../config/schema.js';
import { dayOf } from '../simulate/calendar.js';
import { openDatabase } from '../store/database.js';
import { FACT_TABLES } from '../store/fact-tables.js';
import { type PipelineRun, runPipelinedHistory } from './history-pipeline.js';
import { generateMaster } from './master.js';

const config = configSchema.parse({
  volume: {
    stores: 3,
    dcs: 2,
    total_customers: 2000,
    total_products: 400,
    customers_per_day: 60,
    online_orders_per_day: 20,
    marketing_impressions_per_day: 200,
  },
});
const START = dayOf('2024-05-06');

/** A database with the world, and a pipelined history run on it that notes its days and commits. */
async function setUp(overrides: Partial<PipelineRun> = {}) {
  const db = await openDatabase(':memory:');
  await generateMaster(config, db);
  const days: { day: number; events: number }[] = [];
  const commits: { day: number; events: number; committedBefore: number }[] = [];
  const run: PipelineRun = {
    config,
    db,
    startDay: START,
    days: 6,
    shard: { index: 1, count: 1 },
    workers: 1,
    onDay: (day, events) => days.push({ day, events }),
    commitDays: async (_snapshot, events, day) => {
      commits.push({ day, events, committedBefore: await committedRows() });
    },
    ...overrides,
  };
  /** Rows in the fact tables that other connections see (committed). */
  async function committedRows(): Promise<number> {
    const other = await db.instance.connect();
    try {
      const sql = FACT_TABLES.map((t) => `(SELECT count(*) FROM ${t.name})`).join(' + ');
      const r = await other.runAndReadAll(`SELECT (${sql})::DOUBLE AS n`);
      return Number(r.getRowObjectsJS()[0].n);
    } finally {
      other.closeSync();
    }
  }
  return { db, run, days, commits, committedRows };
}

test('a transaction holds several whole days: the first day commits alone, then up to the rows allowed', async () => {
  const probe = await setUp({ days: 1 });
  const oneDay = await runPipelinedHistory(probe.run);
  probe.db.close();
  // About three days' rows per transaction after the first (it commits before another day would take it over).
  const { db, run, days, commits, committedRows } = await setUp({ transactionRows: Math.round(oneDay.rows * 3.5) });
  try {
    const r = await runPipelinedHistory(run);
    assert.equal(r.days, 6);
    assert.deepEqual(
      days.map((d) => d.day),
      [0, 1, 2, 3, 4, 5].map((d) => START + d),
    );
    assert.equal(commits[0].day, START, 'the first day commits alone');
    assert.ok(commits.length >= 3 && commits.length <= 4, `${commits.length} commits`);
    assert.ok(
      commits.slice(1).some((c, i) => c.day - commits[i].day >= 2),
      'a later transaction holds several days',
    );
    assert.equal(commits.at(-1)!.day, START + 5);
    // Each commit's events are those of its days; before it, only the earlier transactions were visible.
    let d = 0;
    for (const c of commits) {
      let events = 0;
      for (; d < days.length && days[d].day <= c.day; d++) events += days[d].events;
      assert.equal(c.events, events);
    }
    assert.equal(commits[0].committedBefore, 0);
    assert.ok(commits[1].committedBefore > 0);
    assert.equal(await committedRows(), r.rows);
    assert.equal(
      r.events,
      days.reduce((n, x) => n + x.events, 0),
    );
  } finally {
    db.close();
  }
});

test('a history asked to stop commits the days done; one that fails rolls back the transaction under way', async () => {
  const stopped = await setUp({ days: 6, shouldStop: () => stopped.days.length >= 3 });
  try {
    const r = await runPipelinedHistory(stopped.run);
    assert.equal(r.days, 3);
    assert.deepEqual(
      stopped.commits.map((c) => c.day),
      [START, START + 2],
    );
    assert.equal(await stopped.committedRows(), r.rows);
  } finally {
    stopped.db.close();
  }
  let calls = 0;
  const failing = await setUp({
    days: 6,
    commitDays: async () => {
      calls++;
      if (calls === 2) throw new Error('disk full');
    },
  });
  try {
    const first = await setUp({ days: 1 });
    const oneDay = await runPipelinedHistory(first.run);
    first.db.close();
    await assert.rejects(runPipelinedHistory(failing.run), /disk full/);
    assert.equal(await failing.committedRows(), oneDay.rows, 'only the first day is kept');
  } finally {
    failing.db.close();
  }
});
