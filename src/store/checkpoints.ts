// Stream checkpoints: per stream, the position below which every event was delivered or dead-lettered.

import type { Database } from './database.js';
import { sqlString } from './database.js';

const DDL = `CREATE TABLE IF NOT EXISTS stream_checkpoints (
  stream VARCHAR PRIMARY KEY,
  position BIGINT NOT NULL,
  source VARCHAR NOT NULL,
  updated_at TIMESTAMP NOT NULL
)`;

export async function readCheckpoint(
  db: Database,
  stream: string,
): Promise<{ position: number; source: Record<string, unknown> } | null> {
  await db.run(DDL);
  const rows = await db.all<{ position: bigint; source: string }>(
    `SELECT position, source FROM stream_checkpoints WHERE stream = ${sqlString(stream)}`,
  );
  return rows.length === 0
    ? null
    : { position: Number(rows[0].position), source: JSON.parse(rows[0].source) as Record<string, unknown> };
}

export async function writeCheckpoint(
  db: Database,
  stream: string,
  position: number,
  source: Record<string, unknown>,
): Promise<void> {
  await db.run(DDL);
  await db.run(
    `INSERT OR REPLACE INTO stream_checkpoints VALUES (${sqlString(stream)}, ${Math.floor(position)}, ${sqlString(JSON.stringify(source))}, now())`,
  );
}

export async function clearCheckpoint(db: Database, stream: string): Promise<void> {
  await db.run(DDL);
  await db.run(`DELETE FROM stream_checkpoints WHERE stream = ${sqlString(stream)}`);
}

/** Every saved checkpoint, newest first. */
export async function listCheckpoints(
  db: Database,
): Promise<{ stream: string; position: number; source: Record<string, unknown>; updated_at: string }[]> {
  await db.run(DDL);
  const rows = await db.all<{ stream: string; position: bigint; source: string; updated_at: string }>(
    'SELECT stream, position, source, CAST(updated_at AS VARCHAR) AS updated_at FROM stream_checkpoints ORDER BY updated_at DESC',
  );
  return rows.map((r) => ({
    stream: r.stream,
    position: Number(r.position),
    source: JSON.parse(r.source) as Record<string, unknown>,
    updated_at: r.updated_at,
  }));
}
