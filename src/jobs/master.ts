// The master-data job: builds the world from the config and stores it in DuckDB, all or nothing.

import type { Config } from '../config/schema.js';
import { DatagenError } from '../errors.js';
import { type Database, openDatabase } from '../store/database.js';
import { readState, worldConfigHash, writeState } from '../store/state.js';
import { worldRowCount, writeWorldTables } from '../store/world-tables.js';
import { buildWorld } from '../world/build.js';

export interface MasterResult {
  /** True when the database already held this exact world and nothing was written. */
  unchanged: boolean;
  counts: Record<string, number>;
  rows: number;
  seconds: number;
}

export interface MasterOptions {
  /** Replace a world built from another seed or config (and drop its history). */
  force?: boolean;
  onProgress?: (phase: 'build' | 'store', done: number, total: number) => void;
}

async function dropFactTables(db: Database): Promise<void> {
  const rows = await db.all<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_name LIKE 'fact\\_%' ESCAPE '\\'",
  );
  for (const r of rows) await db.run(`DROP TABLE ${r.table_name}`);
}

/**
 * Generates and stores the world. A database that already holds another world is refused unless `force`.
 * @example await generateMaster(config, db);
 */
export async function generateMaster(config: Config, db: Database, opts: MasterOptions = {}): Promise<MasterResult> {
  const started = performance.now();
  const hash = worldConfigHash(config);
  const state = await readState(db);
  if (state?.master_generated_at && state.config_hash === hash && !opts.force) {
    return {
      unchanged: true,
      counts: state.counts,
      rows: Object.values(state.counts).reduce((a, b) => a + b, 0),
      seconds: 0,
    };
  }
  if (state?.master_generated_at && state.config_hash !== hash && !opts.force) {
    throw new DatagenError(
      'WORLD_MISMATCH',
      `database ${db.path} already holds a world built from another seed or config (seed ${state.seed}, config ${state.config_hash}; yours: seed ${config.seed}, config ${hash})` +
        `${state.history_end ? ` with history to ${state.history_end}` : ''}. Use --force to replace it, or --db to write a new database.`,
    );
  }
  opts.onProgress?.('build', 0, 1);
  const world = buildWorld(config);
  const total = worldRowCount(world);
  opts.onProgress?.('build', 1, 1);
  await db.run('BEGIN TRANSACTION');
  try {
    if (state) await dropFactTables(db);
    const counts = await writeWorldTables(db, world, (done) => opts.onProgress?.('store', done, total));
    await writeState(db, {
      seed: config.seed,
      config_hash: hash,
      master_generated_at: new Date().toISOString(),
      counts,
      history_start: null,
      history_end: null,
      history_events: 0,
    });
    await db.run('COMMIT');
    await db.run('CHECKPOINT');
    return { unchanged: false, counts, rows: total, seconds: (performance.now() - started) / 1000 };
  } catch (err) {
    await db.run('ROLLBACK').catch(() => {});
    throw err;
  }
}

/** Opens the database at `path`, runs the job, closes it. */
export async function generateMasterAt(config: Config, path: string, opts: MasterOptions = {}): Promise<MasterResult> {
  const db = await openDatabase(path, { threads: config.database.threads });
  try {
    return await generateMaster(config, db, opts);
  } finally {
    db.close();
  }
}
