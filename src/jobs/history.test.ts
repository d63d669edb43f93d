import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { configSchema } from '../config/schema.js';
import { type Database, openConnection, openDatabase } from '../store/database.js';
import { historyDbMemoryMb, historyDbThreads, runHistory } from './history.js';
import { generateMaster } from './master.js';

const dir = mkdtempSync(join(tmpdir(), 'rdg-history-job-'));
const config = configSchema.parse({
  volume: {
    stores: 3,
    dcs: 1,
    total_customers: 2000,
    total_products: 400,
    customers_per_day: 60,
    online_orders_per_day: 20,
    marketing_impressions_per_day: 200,
  },
  historical: { start_date: '2024-05-06' },
  database: { path: join(dir, 'h.duckdb') },
});

async function settings(db: Database): Promise<{ threads: string; memory: string }> {
  const rows = await db.all<{ threads: string; memory: string }>(
    "SELECT current_setting('threads')::VARCHAR AS threads, current_setting('memory_limit')::VARCHAR AS memory",
  );
  return rows[0];
}

test('DuckDB threads for the history: the cores the workers and the storing thread leave, at least one', () => {
  const cores = availableParallelism();
  assert.equal(historyDbThreads(1), Math.max(1, cores - 2));
  assert.equal(historyDbThreads(cores * 4), 1);
});

test("the history runs with its own DuckDB threads and memory limit, and puts the database's back after", async () => {
  const db = await openDatabase(config.database.path, { threads: 3, memoryLimit: '512MiB' });
  try {
    await generateMaster(config, db);
    const before = await settings(db);
    assert.deepEqual(before, { threads: '3', memory: '512.0 MiB' });
    // Another connection of the same database sees the settings while the history runs.
    const other = await openConnection(db);
    const during: Promise<{ threads: string; memory: string }>[] = [];
    try {
      const r = await runHistory(config, db, { days: 2, workers: 1, onDay: () => during.push(settings(other)) });
      assert.equal(r.days, 2);
      const seen = await Promise.all(during);
      assert.equal(seen.length, 2);
      for (const s of seen) {
        assert.equal(s.threads, String(historyDbThreads(1)));
        // DuckDB shows the limit in MiB; the history sets it in MB.
        assert.equal(Math.round((Number.parseFloat(s.memory) * 2 ** 20) / 1e6), historyDbMemoryMb(3), s.memory);
      }
    } finally {
      other.close();
    }
    assert.deepEqual(await settings(db), before);
  } finally {
    db.close();
  }
});
