// Builds fact-table rows into chunks of plain buffers laid out as DuckDB's vectors are (the columns: chunk-columns.ts),
// without touching the database; the appender (chunk-appender.ts) only copies them in. A built chunk owns its buffers
// (they can be transferred to another thread); the builder takes new ones from its pool, which the stored chunks'
// buffers refill.

import type { SimEvent } from '../simulate/event-buffer.js';
import { ChunkBufferPool } from './chunk-buffer-pool.js';
import {
  type BooleanColumn,
  type BuiltColumn,
  CHUNK_ROWS,
  type Column,
  columnOf,
  type Float64Column,
  type Int32Column,
  type Int64Column,
  Kind,
  type TextColumn,
} from './chunk-columns.js';
import { FACT_TABLES, type FactColumn, type FactTable, type FactValue, TABLES_BY_TYPE } from './fact-tables.js';

/** The rows of one table ready to append: columns for most tables, plain rows for the few with list columns. */
export interface BuiltChunk {
  /** Index of the table in FACT_TABLES. */
  table: number;
  rows: number;
  columns?: BuiltColumn[];
  values?: FactValue[][];
}

/** Column types the chunk buffers handle (lists go through the row appender). */
export function chunkable(columns: readonly FactColumn[]): boolean {
  return columns.every((c) => c.sqlType !== 'INTEGER[]');
}

/** How a row writer stores a present value `v` in column `c` (a parameter of the generated function). */
function storeValue(kind: Kind, c: string): string {
  switch (kind) {
    case Kind.Int32:
    case Kind.Float64:
      return `${c}.data[row] = v;`;
    case Kind.Boolean:
      return `${c}.data[row] = v ? 1 : 0;`;
    case Kind.Int64:
      return `${c}.set(row, v);`;
    case Kind.Text:
      return `${c}.values[row] = v;`;
  }
}

/** Writes an event's row at `row` of a chunk being built. */
export type RowWriter = (e: SimEvent, row: number) => void;

/**
 * The row of an event in a one-row-per-event table, written straight into the columns by a function made for the
 * table: each reads its payload fields by constant name and writes each column through its own class, where one
 * loop shared by all tables saw every payload shape and column class (measured: that loop and the row arrays it
 * filled took about 15% of a history worker's time). The code is generated from the table definition only: field
 * names are embedded as JSON string literals, columns are passed in as arguments.
 */
function rowWriter(table: FactTable, columns: readonly Column[]): RowWriter {
  const fields = table.payloadFields ?? [];
  const first = columns.length - fields.length;
  const body = ['const p = e.payload;', 'let v;'];
  const sources = ['e.event_id', 'e.ts', 'e.event_type'];
  for (let i = 0; i < first; i++) body.push(`v = ${sources[i]};`, storeValue(columns[i].kind, `c${i}`));
  fields.forEach((f, k) => {
    const i = first + k;
    body.push(
      `v = p[${JSON.stringify(f)}];`,
      `if (v == null) c${i}.setNull(row); else ${storeValue(columns[i].kind, `c${i}`)}`,
    );
  });
  const params = columns.map((_, i) => `c${i}`);
  const make = new Function(...params, `return function write(e, row) {\n${body.join('\n')}\n};`);
  return make(...columns) as RowWriter;
}

/** The rows of one table being gathered into a chunk. */
class TableChunk {
  private readonly columns: Column[] | null;
  private values: FactValue[][] = [];
  private row = 0;
  /** Writes an event's row at a given row (tables of one row per event stored in columns), else null. */
  readonly writer: RowWriter | null;

  constructor(
    readonly index: number,
    table: FactTable,
    pool: ChunkBufferPool,
  ) {
    this.columns = chunkable(table.columns) ? table.columns.map((c) => columnOf(c, pool)) : null;
    this.writer = this.columns && table.payloadFields ? rowWriter(table, this.columns) : null;
  }

  /** Writes `e`'s row with the writer; returns true when the chunk is full. */
  write(e: SimEvent): boolean {
    this.writer!(e, this.row);
    return ++this.row === CHUNK_ROWS;
  }

  /** Adds a row; returns true when the chunk is full. */
  add(values: readonly FactValue[]): boolean {
    const cols = this.columns;
    if (!cols) {
      this.values.push([...values]);
      return ++this.row === CHUNK_ROWS;
    }
    const row = this.row;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const col = cols[i];
      if (v === null) {
        col.setNull(row);
        continue;
      }
      switch (col.kind) {
        case Kind.Int32:
          (col as Int32Column).data[row] = v as number;
          break;
        case Kind.Float64:
          (col as Float64Column).data[row] = v as number;
          break;
        case Kind.Boolean:
          (col as BooleanColumn).data[row] = v ? 1 : 0;
          break;
        case Kind.Int64:
          (col as Int64Column).set(row, v);
          break;
        case Kind.Text:
          (col as TextColumn).values[row] = v as string;
          break;
      }
    }
    return ++this.row === CHUNK_ROWS;
  }

  take(): BuiltChunk | null {
    const rows = this.row;
    if (rows === 0) return null;
    this.row = 0;
    if (!this.columns) {
      const values = this.values;
      this.values = [];
      return { table: this.index, rows, values };
    }
    return { table: this.index, rows, columns: this.columns.map((c) => c.take(rows)) };
  }
}

/** The buffers a built chunk owns: to transfer it to another thread, and to give back to the pool once stored. */
export function buffersOf(chunk: BuiltChunk): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const c of chunk.columns ?? []) {
    out.push(c.data);
    if (c.validity) out.push(c.validity);
    if (c.heap) out.push(c.heap);
  }
  return out;
}

/**
 * Turns simulated events into the chunks of their fact tables, handing each chunk over as soon as it is full.
 * @example const b = new FactChunkBuilder(pool); b.add(events, (c) => send(c)); b.flush((c) => send(c));
 */
export class FactChunkBuilder {
  events = 0;
  rows = 0;
  private readonly tables: TableChunk[];
  /** Per event type, the tables it feeds with their chunks. */
  private readonly targets: Map<string, readonly { table: FactTable; chunk: TableChunk }[]>;

  /** `pool` supplies the buffers of new chunks; fill it with those of stored chunks (buffersOf). */
  constructor(readonly pool: ChunkBufferPool = new ChunkBufferPool()) {
    this.tables = FACT_TABLES.map((t, i) => new TableChunk(i, t, pool));
    this.targets = new Map(
      [...TABLES_BY_TYPE].map(([type, tables]) => [
        type,
        tables.map((table) => ({ table, chunk: this.tables[FACT_TABLES.indexOf(table)] })),
      ]),
    );
  }

  /** Adds the rows of `events`; chunks that fill up go to `emit`. */
  add(events: readonly SimEvent[], emit: (chunk: BuiltChunk) => void): void {
    let rows = 0;
    for (const e of events) {
      const targets = this.targets.get(e.event_type);
      if (!targets) continue;
      for (const { table, chunk } of targets) {
        if (chunk.writer) {
          if (table.when && !table.when(e)) continue;
          rows++;
          if (chunk.write(e)) emit(chunk.take()!);
          continue;
        }
        const out = table.rows(e);
        for (let i = 0; i < out.length; i++) {
          rows++;
          if (chunk.add(out[i])) emit(chunk.take()!);
        }
      }
    }
    this.events += events.length;
    this.rows += rows;
  }

  /** Hands the partly filled chunks to `emit`. */
  flush(emit: (chunk: BuiltChunk) => void): void {
    for (const t of this.tables) {
      const c = t.take();
      if (c) emit(c);
    }
  }
}
