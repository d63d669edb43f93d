// Exports tables to Parquet or CSV files through DuckDB's COPY, in a stable row order.

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DatagenError } from '../errors.js';
import { type Database, sqlIdent, sqlString } from './database.js';

export type ExportFormat = 'parquet' | 'csv';

export interface ExportOptions {
  format: ExportFormat;
  outDir: string;
  /** Tables to export; all data tables when empty. */
  tables?: readonly string[];
  /** Partition fact tables by event date (Parquet only: DIR/table/date=YYYY-MM-DD/...). */
  partitionByDate?: boolean;
}

export interface ExportedTable {
  table: string;
  rows: number;
  path: string;
}

/** The data tables in the database (dimensions and facts), sorted. */
export async function dataTables(db: Database): Promise<string[]> {
  const rows = await db.all<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND (table_name LIKE 'dim\\_%' ESCAPE '\\' OR table_name LIKE 'fact\\_%' ESCAPE '\\') ORDER BY table_name",
  );
  return rows.map((r) => r.table_name);
}

async function columnsOf(db: Database, table: string): Promise<string[]> {
  const rows = await db.all<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = ${sqlString(table)} ORDER BY ordinal_position`,
  );
  return rows.map((r) => r.column_name);
}

/** Orders rows the same way every time: facts by time then id, dimensions by id. */
function orderClause(columns: readonly string[]): string {
  // Tables with several rows per event (order and promotion lines) also order by line, so ties never depend on
  // how the rows happen to be stored.
  if (columns.includes('event_ts') && columns.includes('event_id'))
    return `ORDER BY event_ts, event_id${columns.includes('line_number') ? ', line_number' : ''}`;
  if (columns.includes('id')) return 'ORDER BY id';
  return `ORDER BY ${columns.map(sqlIdent).join(', ')}`;
}

/**
 * Writes each table to `outDir/<table>.<ext>` (or a partitioned folder), returning what was written.
 * @example await exportTables(db, { format: 'parquet', outDir: 'out' });
 */
export async function exportTables(db: Database, opts: ExportOptions): Promise<ExportedTable[]> {
  const available = await dataTables(db);
  if (available.length === 0) {
    throw new DatagenError(
      'DB_NOT_INITIALISED',
      `database ${db.path} holds no tables yet: run \`retail-datagen master\` first`,
    );
  }
  const wanted = opts.tables && opts.tables.length > 0 ? [...opts.tables] : available;
  const unknown = wanted.filter((t) => !available.includes(t));
  if (unknown.length > 0) {
    throw new DatagenError(
      'CLI_USAGE',
      `--tables: unknown table ${unknown.join(', ')}; available: ${available.join(', ')}`,
    );
  }
  mkdirSync(opts.outDir, { recursive: true });
  const out: ExportedTable[] = [];
  for (const table of wanted) {
    const columns = await columnsOf(db, table);
    const partition = opts.partitionByDate && opts.format === 'parquet' && columns.includes('event_ts');
    const target = resolve(join(opts.outDir, partition ? table : `${table}.${opts.format}`));
    const select = partition
      ? `SELECT *, strftime(event_ts, '%Y-%m-%d') AS date FROM ${sqlIdent(table)} ${orderClause(columns)}`
      : `SELECT * FROM ${sqlIdent(table)} ${orderClause(columns)}`;
    const options =
      opts.format === 'parquet'
        ? `FORMAT parquet, COMPRESSION zstd${partition ? ', PARTITION_BY (date), OVERWRITE_OR_IGNORE true' : ''}`
        : 'FORMAT csv, HEADER true';
    try {
      await db.run(`COPY (${select}) TO ${sqlString(target)} (${options})`);
    } catch (err) {
      throw new DatagenError('EXPORT_FAILED', `export of ${table} to ${target} failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const [{ n }] = await db.all<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM ${sqlIdent(table)}`);
    out.push({ table, rows: Number(n), path: target });
  }
  return out;
}
