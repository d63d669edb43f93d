// Appends built chunks (chunk-builder.ts) to the fact tables: a few copies per column into a reused DuckDB data
// chunk, then one append. No call into DuckDB per value.

import { createRequire } from 'node:module';
import {
  BIGINT,
  BOOLEAN,
  DECIMAL,
  DOUBLE,
  type DuckDBAppender,
  DuckDBDataChunk,
  DuckDBTimestampValue,
  type DuckDBType,
  INTEGER,
  LIST,
  TIMESTAMP,
  VARCHAR,
} from '@duckdb/node-api';
import { type BuiltChunk, chunkable } from './chunk-builder.js';
import { INLINE_BYTES } from './chunk-columns.js';
import type { Database } from './database.js';
import { createFactTableSql, FACT_TABLES, type FactColumn, type FactValue } from './fact-tables.js';

// The bindings that @duckdb/node-api itself loads: its chunk and vector handles only work with that instance.
const bindings = createRequire(import.meta.resolve('@duckdb/node-api'))(
  '@duckdb/node-bindings',
) as typeof import('@duckdb/node-bindings');
type RawVector = ReturnType<typeof bindings.data_chunk_get_vector>;

const TWO_32 = 4294967296;
/**
 * Rows a table's appender gathers before it hands them to the transaction: one of DuckDB's row groups, which the
 * transaction can then write to the file as it goes. Left alone, an appender holds all its rows of the day until
 * the commit flushes it, and a day grows with the world.
 */
const FLUSH_ROWS = 122_880;
const INT_LIST = LIST(INTEGER);

function typeOf(c: FactColumn): DuckDBType {
  switch (c.sqlType) {
    case 'INTEGER':
      return INTEGER;
    case 'BIGINT':
      return BIGINT;
    case 'DOUBLE':
      return DOUBLE;
    case 'BOOLEAN':
      return BOOLEAN;
    case 'TIMESTAMP':
      return TIMESTAMP;
    case 'DECIMAL(12,2)':
      return DECIMAL(12, 2);
    case 'DECIMAL(12,4)':
      return DECIMAL(12, 4);
    case 'INTEGER[]':
      return INT_LIST;
    case 'VARCHAR':
      return VARCHAR;
  }
}

/** Appends one row through the row appender (tables with list columns, a few rows a day). */
function appendRow(a: DuckDBAppender, columns: readonly FactColumn[], row: readonly FactValue[]): void {
  for (let i = 0; i < columns.length; i++) {
    const v = row[i];
    if (v === null) {
      a.appendNull();
      continue;
    }
    switch (columns[i].sqlType) {
      case 'INTEGER':
        a.appendInteger(v as number);
        break;
      case 'BIGINT':
        a.appendBigInt(BigInt(v as number));
        break;
      case 'DOUBLE':
      case 'DECIMAL(12,2)':
      case 'DECIMAL(12,4)':
        // The appender casts the double into the DECIMAL column, rounding to its scale.
        a.appendDouble(v as number);
        break;
      case 'BOOLEAN':
        a.appendBoolean(v as boolean);
        break;
      case 'INTEGER[]':
        a.appendList(v as number[], INT_LIST);
        break;
      case 'TIMESTAMP':
        if (typeof v === 'number') a.appendTimestamp(new DuckDBTimestampValue(BigInt(v) * 1000n));
        else a.appendVarchar(v as string);
        break;
      case 'VARCHAR':
        a.appendVarchar(v as string);
        break;
    }
  }
  a.endRow();
}

interface Target {
  columns: readonly FactColumn[];
  appender: DuckDBAppender;
  /** Rows appended since the appender was last flushed. */
  unflushed: number;
  chunk?: DuckDBDataChunk;
  vectors: RawVector[];
}

/**
 * Copies a text column into a vector. All the long text of the column goes to DuckDB in one call, as one value that
 * DuckDB copies into the vector's own heap; each long slot then points into that copy. The heap lives as long as the
 * chunk's contents, and appending copies the strings out of it.
 */
function copyText(vector: RawVector, rows: number, data: ArrayBuffer, heap: Uint8Array | undefined): void {
  if (heap) {
    bindings.vector_assign_string_element_len(vector, 0, heap);
    const first = bindings.vector_get_data(vector, 16);
    const base = new DataView(first.buffer, first.byteOffset, 16);
    const lo = base.getUint32(8, true);
    const hi = base.getUint32(12, true);
    const view = new DataView(data, 0, rows * 16);
    for (let slot = 0; slot < rows * 16; slot += 16) {
      if (view.getUint32(slot, true) <= INLINE_BYTES) continue;
      const ptr = lo + view.getUint32(slot + 8, true);
      view.setUint32(slot + 8, ptr % TWO_32, true);
      view.setUint32(slot + 12, hi + Math.floor(ptr / TWO_32), true);
    }
  }
  bindings.copy_data_to_vector(vector, 0, data, 0, rows * 16);
}

/**
 * Appends built chunks to the fact tables, one appender per table.
 * @example const a = await ChunkAppender.open(db); for (const c of chunks) a.append(c); a.flush(); a.close();
 */
export class ChunkAppender {
  private constructor(private readonly targets: Target[]) {}

  static async open(db: Database): Promise<ChunkAppender> {
    for (const t of FACT_TABLES) await db.run(createFactTableSql(t));
    const targets: Target[] = [];
    for (const t of FACT_TABLES) {
      const appender = await db.conn.createAppender(t.name);
      const chunk = chunkable(t.columns) ? DuckDBDataChunk.create(t.columns.map(typeOf)) : undefined;
      const vectors = chunk ? t.columns.map((_, i) => bindings.data_chunk_get_vector(chunk.chunk, i)) : [];
      targets.push({ columns: t.columns, appender, chunk, vectors, unflushed: 0 });
    }
    return new ChunkAppender(targets);
  }

  append(c: BuiltChunk): void {
    const t = this.targets[c.table];
    if (c.values) {
      for (const row of c.values) appendRow(t.appender, t.columns, row);
      return;
    }
    const chunk = t.chunk!;
    chunk.reset();
    const columns = c.columns!;
    for (let i = 0; i < columns.length; i++) {
      const col = columns[i];
      const vector = t.vectors[i];
      if (col.width === 16) {
        copyText(vector, c.rows, col.data, col.heap && new Uint8Array(col.heap, 0, col.heapBytes));
      } else bindings.copy_data_to_vector(vector, 0, col.data, 0, c.rows * col.width);
      if (col.validity) {
        bindings.vector_ensure_validity_writable(vector);
        bindings.copy_data_to_vector_validity(vector, 0, col.validity, 0, Math.ceil(c.rows / 64) * 8);
      }
    }
    bindings.data_chunk_set_size(chunk.chunk, c.rows);
    t.appender.appendDataChunk(chunk);
    t.unflushed += c.rows;
    if (t.unflushed >= FLUSH_ROWS) {
      t.appender.flushSync();
      t.unflushed = 0;
    }
  }

  /** Makes everything appended so far part of the current transaction. */
  flush(): void {
    for (const t of this.targets) {
      t.appender.flushSync();
      t.unflushed = 0;
    }
  }

  close(): void {
    for (const t of this.targets) t.appender.closeSync();
  }
}
