// Table specs (name, columns and how to read them from a row) and writing rows with DuckDB's appender.

import type { DuckDBAppender } from '@duckdb/node-api';
import type { Database } from './database.js';

export type ColumnType =
  | 'INTEGER'
  | 'BIGINT'
  | 'DOUBLE'
  | 'BOOLEAN'
  | 'VARCHAR'
  | 'DATE'
  | 'TIMESTAMP'
  | 'DECIMAL(12,2)'
  | 'DECIMAL(8,5)';

export interface ColumnSpec<Row> {
  name: string;
  type: ColumnType;
  nullable?: boolean;
  get: (row: Row) => string | number | boolean | null;
  description?: string;
}

export interface TableSpec<Row> {
  name: string;
  description: string;
  columns: readonly ColumnSpec<Row>[];
  primaryKey?: string;
}

/** CREATE TABLE statement for a spec. */
export function createTableSql(spec: TableSpec<never>, opts: { ifNotExists?: boolean } = {}): string {
  const cols = spec.columns.map(
    (c) => `  ${c.name} ${c.type}${c.nullable ? '' : ' NOT NULL'}${c.name === spec.primaryKey ? ' PRIMARY KEY' : ''}`,
  );
  return `CREATE TABLE ${opts.ifNotExists ? 'IF NOT EXISTS ' : ''}${spec.name} (\n${cols.join(',\n')}\n)`;
}

function appendValue(appender: DuckDBAppender, type: ColumnType, v: string | number | boolean | null): void {
  if (v === null) {
    appender.appendNull();
    return;
  }
  switch (type) {
    case 'INTEGER':
      appender.appendInteger(v as number);
      return;
    case 'BIGINT':
      appender.appendBigInt(BigInt(v as number));
      return;
    case 'BOOLEAN':
      appender.appendBoolean(v as boolean);
      return;
    case 'DOUBLE':
    case 'DECIMAL(12,2)':
    case 'DECIMAL(8,5)':
      // The appender casts the double to the DECIMAL column, rounding to its scale.
      appender.appendDouble(v as number);
      return;
    case 'VARCHAR':
    case 'DATE':
    case 'TIMESTAMP':
      appender.appendVarchar(String(v));
      return;
  }
}

/**
 * Appends rows to an existing table through one appender (never row-by-row INSERT).
 * `onProgress` is called every `every` rows.
 */
export async function appendRows<Row>(
  db: Database,
  spec: TableSpec<Row>,
  rows: Iterable<Row>,
  onProgress?: (done: number) => void,
  every = 20_000,
): Promise<number> {
  const appender = await db.conn.createAppender(spec.name);
  let n = 0;
  try {
    for (const row of rows) {
      for (const col of spec.columns) appendValue(appender, col.type, col.get(row));
      appender.endRow();
      n++;
      if (onProgress && n % every === 0) onProgress(n);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  onProgress?.(n);
  return n;
}
