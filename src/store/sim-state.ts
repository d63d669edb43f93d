// Saved simulator state per shard (the snapshot at the end of the last day written), for continuing a history.

import type { SimSnapshot } from '../simulate/simulator.js';
import type { Database } from './database.js';
import { sqlString } from './database.js';

// The snapshot runs to tens of megabytes (a 300-store world: about 37 MB of JSON). Saved as one value, DuckDB
// needs one block that large while the day's transaction holds its rows, which ran it out of its memory limit; so
// it is saved in pieces of PIECE_CHARS in sim_state_pieces, and sim_state.snapshot is left empty. (Databases written
// before keep the whole snapshot in sim_state.snapshot, which is still read.)
const DDL = `CREATE TABLE IF NOT EXISTS sim_state (
  shard VARCHAR PRIMARY KEY,
  first_day INTEGER NOT NULL,
  next_day INTEGER NOT NULL,
  snapshot VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS sim_state_pieces (
  shard VARCHAR NOT NULL,
  piece INTEGER NOT NULL,
  text VARCHAR NOT NULL
)`;

/** Characters of a snapshot piece. */
export const PIECE_CHARS = 1 << 20;
/** Pieces bound in one INSERT. */
const PIECES_PER_INSERT = 16;

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
  let json = rows[0].snapshot;
  if (json === '') {
    const pieces = await db.all<{ text: string }>(
      `SELECT text FROM sim_state_pieces WHERE shard = ${sqlString(shard)} ORDER BY piece`,
    );
    json = pieces.map((p) => p.text).join('');
  }
  return { shard, firstDay: rows[0].first_day, snapshot: JSON.parse(json) as SimSnapshot };
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
  const json = typeof snapshot === 'string' ? snapshot : JSON.stringify(snapshot);
  await db.run('DELETE FROM sim_state_pieces WHERE shard = $1', [shard]);
  // Bound as parameters, the pieces are neither quoted nor parsed as SQL text.
  const count = Math.ceil(json.length / PIECE_CHARS);
  for (let first = 0; first < count; first += PIECES_PER_INSERT) {
    const params: (string | number)[] = [];
    const values: string[] = [];
    for (let i = first; i < Math.min(count, first + PIECES_PER_INSERT); i++) {
      const at = params.length;
      values.push(`($${at + 1}, $${at + 2}, $${at + 3})`);
      params.push(shard, i, json.slice(i * PIECE_CHARS, (i + 1) * PIECE_CHARS));
    }
    await db.run(`INSERT INTO sim_state_pieces VALUES ${values.join(', ')}`, params);
  }
  await db.run('INSERT OR REPLACE INTO sim_state VALUES ($1, $2, $3, $4)', [shard, firstDay, nextDay, '']);
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
