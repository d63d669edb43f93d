// The history as a pipeline: worker threads simulate their parts of the DCs and build the fact-table chunks
// (history-worker.ts); the main thread appends the chunks as they come, whichever part sent them, and commits whole
// days, once every part has sent them, a few per transaction (TRANSACTION_ROWS). The workers simulate on while the
// main thread appends and commits.

import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { Config } from '../config/schema.js';
import { type Shard, type SimSnapshot, Simulator } from '../simulate/simulator.js';
import { ChunkAppender } from '../store/chunk-appender.js';
import { buffersOf } from '../store/chunk-builder.js';
import type { Database } from '../store/database.js';
import { WorkerLink } from '../threads.js';
import { MAX_CHUNKS_AHEAD, type WorkerInit, type WorkerMessage } from './history-messages.js';

export interface PipelineRun {
  config: Config;
  db: Database;
  startDay: number;
  days: number;
  shard: Shard;
  workers: number;
  snapshot?: SimSnapshot;
  /**
   * Called inside each transaction before it commits, after the rows of its days, to save state: the snapshot after
   * `day` (the transaction's last), as JSON, and the events of the transaction's days.
   */
  commitDays: (snapshotJson: string, events: number, day: number) => Promise<void>;
  /** Called after each day's rows are appended (their transaction may commit later). */
  onDay?: (day: number, events: number, daysDone: number) => void;
  /** Checked after each day: true ends the history there, committing the days done. */
  shouldStop?: () => boolean;
  /** Rows a transaction gathers before it commits (whole days); default TRANSACTION_ROWS. */
  transactionRows?: number;
  /** The longest a transaction stays open (ms, whole days); default TRANSACTION_MS. */
  transactionMs?: number;
}

/**
 * Rows a transaction gathers before it commits, in whole days. Each commit makes DuckDB checkpoint: it writes the
 * tables that took fewer rows than a row group through its log and compresses their last, partly filled row group
 * again, and writes the tables' metadata, which grows with the database. Fewer, larger commits do that less often
 * (CLI, 20 days from 2024-03-04 on the default world, 2 alternating runs: a day per transaction, about 1 M rows,
 * 309,851 / 298,969 events/s, 107-111 s of CPU, file 485 MB; 5 M rows 444,722 / 401,640, 74-81 s, 466 MB; 8 M rows
 * 391,563 / 377,031). A transaction commits when another day like its last would take it over: it holds at most
 * this many rows, or one day's. Committing needs memory for the rows of the tables that took less than a row group
 * (the others are written out as their row groups fill), which this bounds.
 */
export const TRANSACTION_ROWS = 5_000_000;
/**
 * The longest a transaction stays open, in ms, whatever its rows (a small world's days are small): what a killed
 * run can lose. A run that stops (Ctrl-C) commits the days done; the first day commits alone, so that a history
 * that cannot be stored fails at once.
 */
export const TRANSACTION_MS = 30_000;

/**
 * Simulating makes many short-lived objects while a unit's events are held until the unit ends: with V8's small
 * default young generation for workers they are copied from scavenge to scavenge (measured 35% slower than 64 MB).
 * Since the snapshot is saved in pieces (sim-state.ts) the history's RSS has room for more: bench/history.ts, 6
 * days, 3 alternating runs: 192 MB 259,825 events/s (max RSS 942 MiB), 96 MB 222,996 (880 MiB); earlier, 8 days:
 * 96 MB 214,975 (885 MiB), 64 MB 206,940 (854 MiB), 48 MB 198,305 (843 MiB). Since days commit a few at a time
 * the history has speed to spare and its peak comes with the year's largest days, in late December: a year of the
 * default world (`retail-datagen history --days 365`, one run each) peaked at 1,018 MiB with 192 MB and 400 chunks
 * ahead (527,018 events/s), 1,004 MiB with 160 MB and 300, 954 MiB with 128 MB and 240 (471,700, a slower hour).
 */
const YOUNG_GENERATION_MB = 128;

type Reply = Exclude<WorkerMessage, { type: 'error' }>;

/**
 * V8 marks a heap concurrently on as many helper threads as it has: beside the simulating workers, the main thread
 * and DuckDB, they only take turns with the work on a small machine. One helper per core left over (at least one)
 * is set before the workers' heaps are made (bench/history.ts on 2 cores: about 9% more events/s, 10% less CPU).
 * The flag is V8's own and process-wide; it changes how marking is spread, not what it does.
 */
function markingHelpers(workers: number): void {
  setFlagsFromString(`--concurrent-marking-max-worker-num=${Math.max(1, availableParallelism() - workers - 1)}`);
}

/** One worker thread and the messages it sent that are not consumed yet. */
class SimulationThread {
  private readonly link: WorkerLink<Reply>;
  private readonly returns: MessagePort;

  constructor(init: Omit<WorkerInit, 'flow' | 'returns'>, youngGenerationMb: number) {
    const channel = new MessageChannel();
    this.returns = channel.port1;
    // Bounded heaps keep the process under 1 GiB (a worker holds about 150 MB of world and state); chunks in
    // flight live outside the heap.
    this.link = new WorkerLink<Reply>(import.meta.url, './history-worker', 'history worker', (flow) => ({
      workerData: { ...init, flow, returns: channel.port2 } satisfies WorkerInit,
      transferList: [channel.port2],
      resourceLimits: { maxOldGenerationSizeMb: 320, maxYoungGenerationSizeMb: youngGenerationMb },
    }));
  }

  /** The worker's next message if one has arrived, in the order it sent them. */
  poll(): Reply | undefined {
    return this.link.poll();
  }

  /** Resolves once there is a message to poll. */
  arrival(): Promise<void> {
    return this.link.arrival();
  }

  /** Gives a stored chunk's buffers back and lets the worker send another. */
  stored(buffers: ArrayBuffer[]): void {
    this.returns.postMessage(buffers, buffers);
    this.link.done();
  }

  async close(): Promise<void> {
    this.returns.close();
    await this.link.close();
  }
}

/** Runs the history on worker threads; returns the days done and events and rows written. */
export async function runPipelinedHistory(run: PipelineRun): Promise<{ days: number; events: number; rows: number }> {
  const { db } = run;
  markingHelpers(run.workers);
  const appender = await ChunkAppender.open(db);
  const plain = JSON.parse(JSON.stringify(run.config));
  // The workers share the young generation budget: each also holds the world (measured when the budget was 48 MB:
  // two workers with 24 MB each had 967 MiB of RSS, with 48 MB each 1,156 MiB).
  const youngMb = Math.max(16, Math.floor(YOUNG_GENERATION_MB / run.workers));
  const threads = Array.from(
    { length: run.workers },
    (_, i) =>
      new SimulationThread(
        {
          config: plain,
          startDay: run.startDay,
          days: run.days,
          shard: run.shard,
          part: { index: i + 1, count: run.workers },
          snapshot: run.snapshot,
          chunksAhead: Math.ceil(MAX_CHUNKS_AHEAD / run.workers),
        },
        youngMb,
      ),
  );
  let done = 0;
  let events = 0;
  let rows = 0;
  const maxRows = run.transactionRows ?? TRANSACTION_ROWS;
  const maxMs = run.transactionMs ?? TRANSACTION_MS;
  let open = false;
  let openedAt = 0;
  try {
    // The transaction's days: events and rows not yet committed, and the parts' snapshots after the last.
    let txEvents = 0;
    let txRows = 0;
    let snapshots: string[] = [];
    let day = 0;
    while (done < run.days && !(done === 0 && run.shouldStop?.())) {
      if (!open) {
        await db.run('BEGIN TRANSACTION');
        open = true;
        openedAt = performance.now();
      }
      snapshots = [];
      let dayEvents = 0;
      let dayRows = 0;
      // The chunks of the parts are appended as they come, whichever part sent them (the tables' row order is
      // not part of the history: exports and replays order by time and id), so that no worker waits for
      // another's day to be stored. The chunks of a part's next day wait until all parts have sent this one.
      const active = new Set(threads.keys());
      while (active.size > 0) {
        let idle = true;
        for (const i of active) {
          const t = threads[i];
          const m = t.poll();
          if (m === undefined) continue;
          idle = false;
          if (m.type === 'day') {
            snapshots[i] = m.snapshot;
            dayEvents += m.events;
            dayRows += m.rows;
            day = m.day;
            active.delete(i);
            continue;
          }
          appender.append(m.chunk);
          t.stored(buffersOf(m.chunk));
        }
        if (idle) await Promise.race([...active].map((i) => threads[i].arrival()));
      }
      appender.flush();
      done++;
      txEvents += dayEvents;
      txRows += dayRows;
      run.onDay?.(day, dayEvents, done);
      const stop = run.shouldStop?.() ?? false;
      // Another day like this one would take the transaction over its rows: commit now.
      const full = txRows + dayRows > maxRows || performance.now() - openedAt >= maxMs;
      const commit = done === 1 || done === run.days || stop || full;
      if (commit) {
        const snapshot =
          snapshots.length === 1
            ? snapshots[0]
            : JSON.stringify(Simulator.mergeSnapshots(snapshots.map((s) => JSON.parse(s) as SimSnapshot)));
        await run.commitDays(snapshot, txEvents, day);
        await db.run('COMMIT');
        open = false;
        events += txEvents;
        rows += txRows;
        txEvents = 0;
        txRows = 0;
      }
      if (stop) break;
    }
  } catch (err) {
    if (open) await db.run('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    await Promise.all(threads.map((t) => t.close()));
    appender.close();
  }
  return { days: done, events, rows };
}
