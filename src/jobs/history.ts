// The history job: simulates days and stores their events in the fact tables, a day per transaction, so that a
// stopped run loses at most the day in progress and the next run continues from the last day written.

import { availableParallelism } from 'node:os';
import type { Config } from '../config/schema.js';
import { DatagenError } from '../errors.js';
import { dateOf, dayOf } from '../simulate/calendar.js';
import { buildContext } from '../simulate/context.js';
import { type Shard, type SimSnapshot, Simulator } from '../simulate/simulator.js';
import type { Database } from '../store/database.js';
import { FactWriter } from '../store/fact-writer.js';
import { historyRange, loadSimState, saveSimState } from '../store/sim-state.js';
import { readState, worldConfigHash, writeState } from '../store/state.js';
import { buildWorld } from '../world/build.js';
import { runParallelHistory } from './history-parallel.js';

/** DuckDB memory limit of the database during the history (each worker's own file gets less). */
export const HISTORY_DB_MEMORY = '256MB';

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
  // DuckDB would otherwise keep up to 80% of the machine's memory in its buffers; the history needs little.
  await db.run(`SET memory_limit = '${HISTORY_DB_MEMORY}'`);
  const dcsInShard =
    config.volume.dcs >= shard.index ? Math.ceil((config.volume.dcs - shard.index + 1) / shard.count) : 0;
  const workers = workerCount(config, opts.workers, dcsInShard);
  const started = performance.now();
  const commit = async (snapshot: SimSnapshot, newEvents: number) => {
    await saveSimState(db, key, firstDay, snapshot);
    const range = await historyRange(db);
    const fresh = await readState(db);
    await writeState(db, {
      ...(fresh ?? state),
      history_start: range ? dateOf(range.first) : null,
      history_end: range ? dateOf(range.last) : null,
      history_events: (fresh?.history_events ?? 0) + newEvents,
    });
  };
  let done = 0;
  let events = 0;
  let rows = 0;
  if (workers > 1) {
    const r = await runParallelHistory({
      config,
      db,
      startDay,
      days: opts.days,
      shard,
      workers,
      snapshot: saved?.snapshot,
      shouldStop: opts.shouldStop,
      commitBatch: async (snapshot, batchEvents, daysDone) => {
        await commit(snapshot, batchEvents);
        events += batchEvents;
        opts.onDay?.({
          day: dateOf(snapshot.day - 1),
          done: daysDone,
          total: opts.days,
          events,
          seconds: (performance.now() - started) / 1000,
        });
      },
    });
    ({ days: done, events, rows } = r);
  } else {
    const ctx = buildContext(config, buildWorld(config));
    const sim = new Simulator(ctx, startDay, shard, saved?.snapshot);
    const writer = await FactWriter.open(db);
    try {
      for (; done < opts.days; done++) {
        if (opts.shouldStop?.()) break;
        await db.run('BEGIN TRANSACTION');
        try {
          const before = writer.events;
          const day = sim.streamDay((events) => writer.write(events));
          writer.flush();
          await commit(sim.snapshot(), writer.events - before);
          await db.run('COMMIT');
          opts.onDay?.({
            day: dateOf(day),
            done: done + 1,
            total: opts.days,
            events: writer.events,
            seconds: (performance.now() - started) / 1000,
          });
        } catch (err) {
          await db.run('ROLLBACK').catch(() => {});
          throw err;
        }
      }
    } finally {
      writer.close();
    }
    events = writer.events;
    rows = writer.rows;
  }
  await db.run('CHECKPOINT');
  return {
    firstDay: dateOf(startDay),
    lastDay: dateOf(startDay + done - 1),
    days: done,
    events,
    rows,
    workers,
    seconds: (performance.now() - started) / 1000,
  };
}
