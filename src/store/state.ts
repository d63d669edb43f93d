// The generation_state table: what the database holds (seed, config hash, master data, history range).

import { createHash } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { worldDefiningPart } from '../config/schema.js';
import type { Database } from './database.js';
import { sqlString } from './database.js';

export interface GenerationState {
  seed: number;
  config_hash: string;
  master_generated_at: string | null;
  counts: Record<string, number>;
  history_start: string | null;
  /** Last day written (inclusive), YYYY-MM-DD. */
  history_end: string | null;
  history_events: number;
  updated_at: string;
}

/** Stable JSON (sorted keys) for hashing. */
function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  return `{${Object.keys(v)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
    .join(',')}}`;
}

/** Hash of the parts of the config that shape the world and its events. */
export function worldConfigHash(config: Config): string {
  return createHash('sha256')
    .update(stableJson(worldDefiningPart(config)))
    .digest('hex')
    .slice(0, 16);
}

const DDL = `CREATE TABLE IF NOT EXISTS generation_state (
  id INTEGER PRIMARY KEY,
  seed BIGINT NOT NULL,
  config_hash VARCHAR NOT NULL,
  master_generated_at TIMESTAMP,
  counts VARCHAR NOT NULL,
  history_start DATE,
  history_end DATE,
  history_events BIGINT NOT NULL DEFAULT 0,
  updated_at TIMESTAMP NOT NULL
)`;

export async function readState(db: Database): Promise<GenerationState | null> {
  const exists = await db.all<{ n: number }>(
    "SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = 'generation_state' AND table_schema = 'main'",
  );
  if (exists[0].n === 0) return null;
  const rows = await db.all<Record<string, unknown>>(
    `SELECT seed::BIGINT AS seed, config_hash, strftime(master_generated_at, '%Y-%m-%dT%H:%M:%SZ') AS master_generated_at, counts,
            strftime(history_start, '%Y-%m-%d') AS history_start, strftime(history_end, '%Y-%m-%d') AS history_end,
            history_events::BIGINT AS history_events, strftime(updated_at, '%Y-%m-%dT%H:%M:%SZ') AS updated_at
       FROM generation_state WHERE id = 1`,
  );
  if (rows.length === 0) return null;
  const r = rows[0];
  return {
    seed: Number(r.seed),
    config_hash: String(r.config_hash),
    master_generated_at: (r.master_generated_at as string | null) ?? null,
    counts: JSON.parse(String(r.counts)) as Record<string, number>,
    history_start: (r.history_start as string | null) ?? null,
    history_end: (r.history_end as string | null) ?? null,
    history_events: Number(r.history_events),
    updated_at: String(r.updated_at),
  };
}

/** Writes the whole state row (insert or replace). */
export async function writeState(
  db: Database,
  s: Omit<GenerationState, 'updated_at'>,
  now: Date = new Date(),
): Promise<void> {
  await db.run(DDL);
  const ts = (v: string | null) => (v === null ? 'NULL' : `${sqlString(v)}::TIMESTAMP`);
  const date = (v: string | null) => (v === null ? 'NULL' : `${sqlString(v)}::DATE`);
  await db.run(`INSERT OR REPLACE INTO generation_state VALUES (1, ${s.seed}, ${sqlString(s.config_hash)}, ${ts(s.master_generated_at)},
    ${sqlString(JSON.stringify(s.counts))}, ${date(s.history_start)}, ${date(s.history_end)}, ${s.history_events}, ${ts(now.toISOString())})`);
}
