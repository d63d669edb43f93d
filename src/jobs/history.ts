// The history job: simulates days and stores their events in the fact tables, a day per transaction, so that a
// stopped run loses at most the day in progress and the next run continues from the last day written.

import type { Config } from '../config/schema.js';
import { DatagenError } from '../errors.js';
import { dateOf, dayOf } from '../simulate/calendar.js';
import { buildContext } from '../simulate/context.js';
import { type Shard, Simulator } from '../simulate/simulator.js';
import type { Database } from '../store/database.js';
import { FactWriter } from '../store/fact-writer.js';
import { historyRange, loadSimState, saveSimState } from '../store/sim-state.js';
import { readState, worldConfigHash, writeState } from '../store/state.js';
import { buildWorld } from '../world/build.js';

export interface HistoryOptions {
  days: number;
  /** First day (YYYY-MM-DD); only for a new history. Default: historical.start_date. */
  start?: string;
  shard?: Shard;
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
  const world = buildWorld(config);
  const ctx = buildContext(config, world);
  const sim = new Simulator(ctx, startDay, shard, saved?.snapshot);
  const writer = await FactWriter.open(db);
  const started = performance.now();
  let done = 0;
  try {
    for (; done < opts.days; done++) {
      if (opts.shouldStop?.()) break;
      await db.run('BEGIN TRANSACTION');
      try {
        const { day, units } = sim.runDay();
        for (const u of units) writer.write(u);
        writer.flush();
        await saveSimState(db, key, firstDay, sim.snapshot());
        const range = await historyRange(db);
        const fresh = await readState(db);
        await writeState(db, {
          ...(fresh ?? state),
          history_start: range ? dateOf(range.first) : null,
          history_end: range ? dateOf(range.last) : null,
          history_events: (fresh?.history_events ?? 0) + units.reduce((s, u) => s + u.length, 0),
        });
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
  await db.run('CHECKPOINT');
  return {
    firstDay: dateOf(startDay),
    lastDay: dateOf(startDay + done - 1),
    days: done,
    events: writer.events,
    rows: writer.rows,
    seconds: (performance.now() - started) / 1000,
  };
}
