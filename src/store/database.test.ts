import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DatagenError } from '../errors.js';
import { openDatabase } from './database.js';

/** Another process that opens `path` and holds it for `ms`; resolves once the file is held. */
async function holdElsewhere(path: string, ms: number) {
  const script = `
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(${JSON.stringify(path)});
    console.log('held');
    setTimeout(() => { db.closeSync(); process.exit(0); }, ${ms});`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => resolve());
    child.on('exit', (code) => reject(new Error(`the holder ended first (${code})`)));
  });
  return { pid: child.pid!, ended: new Promise((r) => child.once('exit', r)) };
}

test('a database another process holds is waited for, then opened', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'rdg-lock-')), 'a.duckdb');
  const holder = await holdElsewhere(path, 700);
  const t = Date.now();
  const db = await openDatabase(path, { lockWaitMs: 10_000 });
  assert.ok(Date.now() - t >= 300, 'it waited for the other process');
  db.close();
  await holder.ended;
});

test('a database held past the wait is refused, naming the process that holds it and the fix', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'rdg-lock-')), 'b.duckdb');
  const holder = await holdElsewhere(path, 5_000);
  await assert.rejects(openDatabase(path, { lockWaitMs: 300 }), (err: unknown) => {
    assert.ok(err instanceof DatagenError);
    assert.equal(err.code, 'DB_FAILED');
    assert.match(err.message, new RegExp(`another process \\(PID ${holder.pid}\\) has it open: stop that process`));
    return true;
  });
  process.kill(holder.pid);
  await holder.ended;
});

test('a close while a query runs waits for it, and the database is closed after', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rdg-db-close-'));
  const db = await openDatabase(join(dir, 'a.duckdb'));
  // Long enough to be running on DuckDB's side when close() is called.
  const query = db.all<{ n: bigint }>('SELECT count(*) AS n FROM range(30000000) t(i) WHERE i % 7 = 3');
  db.close();
  const [row] = await query;
  assert.equal(Number(row.n), Math.floor((30000000 - 3 - 1) / 7) + 1);
  await assert.rejects(db.run('SELECT 1'), (e) => e instanceof DatagenError && /is closed/.test(e.message));
  // The file is free again: another open of it works at once.
  const again = await openDatabase(join(dir, 'a.duckdb'), { lockWaitMs: 0 });
  assert.deepEqual(await again.all('SELECT 1 AS x'), [{ x: 1 }]);
  again.close();
});
