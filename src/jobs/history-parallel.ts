// History with worker threads: each worker simulates a part of the DCs (with their stores) into its own file per
// batch of days; the main thread merges each batch into the database in one transaction with the merged snapshot.

import { mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Config } from '../config/schema.js';
import { DatagenError } from '../errors.js';
import { type Shard, type SimSnapshot, Simulator } from '../simulate/simulator.js';
import type { Database } from '../store/database.js';
import { sqlString } from '../store/database.js';
import { FACT_TABLES } from '../store/fact-tables.js';
import { createFactTables } from '../store/fact-writer.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './history-worker.js';

/** Days simulated per batch: a batch is the unit of merging and of what a crash can lose. */
export const BATCH_DAYS = 3;

export interface ParallelRun {
  config: Config;
  db: Database;
  startDay: number;
  days: number;
  shard: Shard;
  workers: number;
  snapshot?: SimSnapshot;
  /** Called inside the merge transaction of each batch, to save state. */
  commitBatch: (snapshot: SimSnapshot, events: number, daysDone: number) => Promise<void>;
  shouldStop?: () => boolean;
}

function workerUrl(): URL {
  // Under the TypeScript loader (tests, benchmarks) this module is a .ts file; built, it is .js.
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./history-worker${ext}`, import.meta.url);
}

class WorkerHandle {
  private readonly worker: Worker;
  private waiting?: { resolve: (r: WorkerReply & { type: 'done' }) => void; reject: (e: Error) => void };

  constructor(init: WorkerInit) {
    const url = workerUrl();
    // Bounded heaps keep the process under 1 GiB with two workers (a worker holds about 150 MB of world and state).
    const resourceLimits = { maxOldGenerationSizeMb: 320, maxYoungGenerationSizeMb: 24 };
    // A worker thread does not inherit the TypeScript loader of the process, so a .ts worker registers it first.
    this.worker = url.pathname.endsWith('.ts')
      ? new Worker(
          `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`,
          { eval: true, workerData: init, resourceLimits },
        )
      : new Worker(url, { workerData: init, resourceLimits });
    this.worker.on('message', (r: WorkerReply) => {
      const w = this.waiting;
      this.waiting = undefined;
      if (r.type === 'done') w?.resolve(r);
      else w?.reject(new DatagenError('INTERNAL', `history worker failed: ${r.message}`));
    });
    this.worker.on('error', (err) => this.waiting?.reject(err));
  }

  run(days: number): Promise<WorkerReply & { type: 'done' }> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.worker.postMessage({ type: 'batch', days } satisfies WorkerRequest);
    });
  }

  async close(): Promise<void> {
    this.worker.postMessage({ type: 'exit' } satisfies WorkerRequest);
    await this.worker.terminate();
  }
}

// DuckDB cannot detach a database used by an open transaction, so files are attached before and detached after it.
async function attachParts(db: Database, files: readonly string[]): Promise<string[]> {
  const aliases: string[] = [];
  for (const [i, f] of files.entries()) {
    const alias = `part${i + 1}`;
    await db.run(`ATTACH ${sqlString(f)} AS ${alias} (READ_ONLY)`);
    aliases.push(alias);
  }
  return aliases;
}

async function detachParts(db: Database, aliases: readonly string[]): Promise<void> {
  for (const a of aliases) await db.run(`DETACH ${a}`).catch(() => {});
}

/** Runs the history with worker threads; returns the days done and events written. */
export async function runParallelHistory(run: ParallelRun): Promise<{ days: number; events: number; rows: number }> {
  const { db, shard } = run;
  await createFactTables(db);
  const dir = mkdtempSync(join(dirname(db.path === ':memory:' ? '.' : db.path), '.history-parts-'));
  const plain = JSON.parse(JSON.stringify(run.config));
  const workers = Array.from(
    { length: run.workers },
    (_, i) =>
      new WorkerHandle({
        config: plain,
        startDay: run.startDay,
        shard,
        part: { index: i + 1, count: run.workers },
        snapshot: run.snapshot,
        dir,
      }),
  );
  let done = 0;
  let events = 0;
  let rows = 0;
  try {
    let pending = done < run.days ? workers.map((w) => w.run(Math.min(BATCH_DAYS, run.days))) : null;
    let requested = Math.min(BATCH_DAYS, run.days);
    while (pending) {
      const replies = await Promise.all(pending);
      const batchDays = requested - done;
      // Ask for the next batch before merging this one, so simulation and merging overlap.
      const stop = run.shouldStop?.() ?? false;
      const next = !stop && requested < run.days ? Math.min(BATCH_DAYS, run.days - requested) : 0;
      pending = next > 0 ? workers.map((w) => w.run(next)) : null;
      requested += next;
      const aliases = await attachParts(
        db,
        replies.map((r) => r.file),
      );
      await db.run('BEGIN TRANSACTION');
      try {
        for (const a of aliases)
          for (const t of FACT_TABLES) await db.run(`INSERT INTO ${t.name} SELECT * FROM ${a}.${t.name}`);
        const batchEvents = replies.reduce((s, r) => s + r.events, 0);
        await run.commitBatch(Simulator.mergeSnapshots(replies.map((r) => r.snapshot)), batchEvents, done + batchDays);
        await db.run('COMMIT');
      } catch (err) {
        await db.run('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        await detachParts(db, aliases);
      }
      for (const r of replies) rmSync(r.file, { force: true });
      done += batchDays;
      events += replies.reduce((s, r) => s + r.events, 0);
      rows += replies.reduce((s, r) => s + r.rows, 0);
    }
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    rmSync(dir, { recursive: true, force: true });
  }
  return { days: done, events, rows };
}
