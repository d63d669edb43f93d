// Saved simulator state per shard (the snapshot at the end of the last day written), for continuing a history.

import type { SimSnapshot } from '../simulate/simulator.js';
import type { Database } from './database.js';
import { sqlString } from './database.js';

const DDL = `CREATE TABLE IF NOT EXISTS sim_state (
  shard VARCHAR PRIMARY KEY,
  first_day INTEGER NOT NULL,
  next_day INTEGER NOT NULL,
  snapshot VARCHAR NOT NULL
)`;

export interface SavedState {
  shard: string;
  firstDay: number;
  snapshot: SimSnapshot;
}

export async function loadSimState(db: Database, shard: string): Promise<SavedState | null> {
  await db.run(DDL);
  const rows = await db.all<{ first_day: number; snapshot: string }>(
    `SELECT first_day, snapshot FROM sim_state WHERE shard = ${sqlString(shard)}`,
  );
  if (rows.length === 0) return null;
  return { shard, firstDay: rows[0].first_day, snapshot: JSON.parse(rows[0].snapshot) as SimSnapshot };
}

/** Saves a shard's state; `snapshot` is a SimSnapshot or its JSON (as the history's worker threads send it). */
export async function saveSimState(
  db: Database,
  shard: string,
  firstDay: number,
  nextDay: number,
  snapshot: SimSnapshot | string,
): Promise<void> {
  await db.run(DDL);
  // The snapshot runs to megabytes: bound as a parameter, it is neither quoted nor parsed as SQL text.
  await db.run('INSERT OR REPLACE INTO sim_state VALUES ($1, $2, $3, $4)', [
    shard,
    firstDay,
    nextDay,
    typeof snapshot === 'string' ? snapshot : JSON.stringify(snapshot),
  ]);
}

/** The days every saved shard has written: [first, last], or null when there is no history. */
export async function historyRange(db: Database): Promise<{ first: number; last: number } | null> {
  await db.run(DDL);
  const rows = await db.all<{ first: number | null; last: number | null }>(
    'SELECT min(first_day) AS first, min(next_day) - 1 AS last FROM sim_state',
  );
  const r = rows[0];
  return r.first === null || r.last === null ? null : { first: Number(r.first), last: Number(r.last) };
}
