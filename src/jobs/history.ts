// The history job: simulates days and stores their events in the fact tables, whole days per transaction (a few,
// up to TRANSACTION_ROWS rows or TRANSACTION_MS), so that a stopped run keeps the days done, a killed one loses at
// most the transaction under way, and the next run continues from the last day written. Worker threads simulate
// while the calling thread stores (history-pipeline.ts).

import { availableParallelism } from 'node:os';
import type { Config } from '../config/schema.js';
import { DatagenError } from '../errors.js';
import { dateOf, dayOf } from '../simulate/calendar.js';
import type { Shard } from '../simulate/simulator.js';
import type { Database } from '../store/database.js';
import { historyRange, loadSimState, saveSimState } from '../store/sim-state.js';
import { readState, worldConfigHash, writeState } from '../store/state.js';
import { runPipelinedHistory } from './history-pipeline.js';

/**
 * DuckDB's memory limit during the history, in MB. DuckDB keeps its buffers up to the limit; the history needs
 * little of them (8 days, 2 alternating runs: 128 MB 292,932 and 280,415 events/s, max RSS 820 and 804 MiB;
 * 192 MB 282,866 and 286,491 events/s, 930 and 887 MiB; 20 days continuing a year's history: 128 MB 960 MiB,
 * 96 MB 925, 64 MB 926 at the same speed). A transaction holds up to TRANSACTION_ROWS rows or one day, whose
 * commit needs more with more stores: 1,000 stores failed to commit a day within 96 MB and did within 128; 300
 * stores did within 96.
 */
export function historyDbMemoryMb(stores: number): number {
  return Math.max(96, Math.ceil(32 + stores / 8));
}

/**
 * DuckDB's threads during the history: the cores the simulating workers and the storing thread leave over, at least
 * one. A commit compresses its row groups in tasks; with threads to spare DuckDB spreads them, and the thread
 * that runs the commit spins (locks, sched_yield) until the last task is done, which on a machine with no core to
 * spare takes the cores the simulation needs. Measured on 2 cores, 1 worker, 6 days from 2024-03-04, alternating:
 * 2 threads (the default) 292,970 / 300,225 / 322,283 / 331,487 events/s, 1 thread 329,913 / 369,302 / 369,330 /
 * 359,800; under perf, the default spent a fifth of the process's CPU in DuckDB threads waiting.
 */
export function historyDbThreads(workers: number): number {
  return Math.max(1, availableParallelism() - workers - 1);
}

/**
 * Runs `fn` with DuckDB settings changed, then puts them back as they were (the database may be shared, as in the
 * server, whose other work should not keep the history's settings), as DuckDB shows them: a memory limit to a tenth
 * of its unit.
 */
async function withSettings<T>(
  db: Database,
  settings: Record<string, string | number>,
  fn: () => Promise<T>,
): Promise<T> {
  const before: Record<string, string> = {};
  for (const name of Object.keys(settings)) {
    const rows = await db.all<{ v: string }>(`SELECT current_setting('${name}')::VARCHAR AS v`);
    before[name] = rows[0].v;
  }
  try {
    for (const [name, value] of Object.entries(settings)) await db.run(`SET ${name} = '${value}'`);
    return await fn();
  } finally {
    for (const [name, value] of Object.entries(before)) await db.run(`SET ${name} = '${value}'`).catch(() => {});
  }
}

/**
 * Worker threads for the history: the flag, else performance.max_workers (capped by max_cpu_percent), else one. More workers only pay on
 * machines with cores to spare beyond the database's own threads (on 2 cores, 1 worker measured faster).
 */
export function workerCount(config: Config, requested: number | undefined, dcsInShard: number): number {
  const cores = availableParallelism();
  // max_cpu_percent caps what the config asks for; an explicit --workers is taken as given.
  const cap = Math.max(1, Math.floor((cores * config.performance.max_cpu_percent) / 100));
  const wanted = requested ?? Math.min(config.performance.max_workers ?? 1, cap);
  return Math.max(1, Math.min(wanted, dcsInShard, cores * 4));
}

export interface HistoryOptions {
  days: number;
  /** First day (YYYY-MM-DD); only for a new history. Default: historical.start_date. */
  start?: string;
  shard?: Shard;
  /** Worker threads (default: from performance.max_workers / max_cpu_percent). */
  workers?: number;
  onDay?: (p: { day: string; done: number; total: number; events: number; seconds: number }) => void;
  /** Stops after the current day when it returns true (Ctrl-C). */
  shouldStop?: () => boolean;
}

export interface HistoryResult {
  firstDay: string;
  lastDay: string;
  days: number;
  events: number;
  rows: number;
  workers: number;
  seconds: number;
}

/** Checks that the database holds the world of this config, and returns its generation state. */
export async function requireWorld(db: Database, config: Config) {
  const state = await readState(db);
  if (!state?.master_generated_at) {
    throw new DatagenError(
      'DB_NOT_INITIALISED',
      `database ${db.path} holds no world yet: run \`retail-datagen master\` first`,
    );
  }
  const hash = worldConfigHash(config);
  if (state.config_hash !== hash) {
    throw new DatagenError(
      'WORLD_MISMATCH',
      `database ${db.path} holds a world built from another seed or config (seed ${state.seed}, config ${state.config_hash}; yours: seed ${config.seed}, config ${hash}); use the same config, or run \`retail-datagen master --force\``,
    );
  }
  return state;
}

/**
 * Generates `days` more days of history into the fact tables.
 * @example await runHistory(config, db, { days: 7 });
 */
export async function runHistory(config: Config, db: Database, opts: HistoryOptions): Promise<HistoryResult> {
  const state = await requireWorld(db, config);
  const shard = opts.shard ?? { index: 1, count: 1 };
  const key = `${shard.index}/${shard.count}`;
  const others = await db
    .all<{ shard: string }>(`SELECT shard FROM sim_state WHERE shard NOT LIKE '%/${shard.count}'`)
    .catch(() => []);
  if (others.length > 0) {
    throw new DatagenError(
      'CLI_USAGE',
      `--shard ${key}: this database holds a history split as ${others[0].shard}; use the same number of shards`,
    );
  }
  const saved = await loadSimState(db, key);
  let startDay: number;
  if (saved) {
    startDay = saved.snapshot.day;
    if (opts.start !== undefined && dayOf(opts.start) !== startDay) {
      throw new DatagenError(
        'CLI_USAGE',
        `--start ${opts.start}: the history already runs from ${dateOf(saved.firstDay)} to ${dateOf(startDay - 1)}; run without --start to continue from ${dateOf(startDay)}`,
      );
    }
  } else {
    startDay = dayOf(opts.start ?? config.historical.start_date);
  }
  const firstDay = saved?.firstDay ?? startDay;
  const dcsInShard =
    config.volume.dcs >= shard.index ? Math.ceil((config.volume.dcs - shard.index + 1) / shard.count) : 0;
  const workers = workerCount(config, opts.workers, dcsInShard);
  const started = performance.now();
  let events = 0;
  // DuckDB would otherwise keep up to 80% of the machine's memory in its buffers; the history needs little.
  const settings = { memory_limit: `${historyDbMemoryMb(config.volume.stores)}MB`, threads: historyDbThreads(workers) };
  const r = await withSettings(db, settings, async () => {
    const run = await runPipelinedHistory({
      config,
      db,
      startDay,
      days: opts.days,
      shard,
      workers,
      snapshot: saved?.snapshot,
      shouldStop: opts.shouldStop,
      commitDays: async (snapshot, txEvents, day) => {
        await saveSimState(db, key, firstDay, day + 1, snapshot);
        const range = await historyRange(db);
        const fresh = await readState(db);
        await writeState(db, {
          ...(fresh ?? state),
          history_start: range ? dateOf(range.first) : null,
          history_end: range ? dateOf(range.last) : null,
          history_events: (fresh?.history_events ?? 0) + txEvents,
        });
      },
      onDay: (day, dayEvents, daysDone) => {
        events += dayEvents;
        opts.onDay?.({
          day: dateOf(day),
          done: daysDone,
          total: opts.days,
          events,
          seconds: (performance.now() - started) / 1000,
        });
      },
    });
    await db.run('CHECKPOINT');
    return run;
  });
  const done = r.days;
  return {
    firstDay: dateOf(startDay),
    lastDay: dateOf(startDay + done - 1),
    days: done,
    events: r.events,
    rows: r.rows,
    workers,
    seconds: (performance.now() - started) / 1000,
  };
}
