// Builds fact-table rows into chunks of plain buffers laid out as DuckDB's vectors are, without touching the
// database; the appender (chunk-appender.ts) only copies them in. Numbers go into typed arrays; text into 16-byte
// string slots plus one heap per column. A built chunk owns its buffers (they can be transferred to another thread);
// the builder takes new ones from its pool, which the stored chunks' buffers refill.

import type { SimEvent } from '../simulate/event-buffer.js';
import { BufferPool } from './buffer-pool.js';
import { FACT_TABLES, type FactColumn, type FactTable, type FactValue, TABLES_BY_TYPE } from './fact-tables.js';

/** Rows per chunk: DuckDB's vector size. */
export const CHUNK_ROWS = 2048;
const TWO_32 = 4294967296;
/** Longest text DuckDB keeps inside its 16-byte string slot; longer text lives in a heap behind a pointer. */
export const INLINE_BYTES = 12;

/**
 * One column of a built chunk. `validity` is DuckDB's bitmask (bit set = value present), null when all are.
 * Text: `data` holds a slot per row (byte length, then the text itself up to 12 bytes, else its first 4 bytes and,
 * where DuckDB keeps a pointer, the text's offset in `heap`, which the appender turns into a pointer).
 */
export interface BuiltColumn {
  data: ArrayBuffer;
  /** Bytes per row in `data`. */
  width: number;
  validity: ArrayBuffer | null;
  /** Text: the long text of the column, its first `heapBytes` bytes. */
  heap?: ArrayBuffer;
  heapBytes?: number;
}

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

let isoDay = '';
let isoDayMs = 0;
/** UTC ms of an ISO-8601 `YYYY-MM-DDTHH:mm:ss.sssZ` text (the simulator's format), without Date.parse per value. */
export function isoToMs(text: string): number {
  const day = text.slice(0, 10);
  if (day !== isoDay) {
    isoDay = day;
    isoDayMs = Date.parse(`${day}T00:00:00Z`);
  }
  const h = (text.charCodeAt(11) - 48) * 10 + text.charCodeAt(12) - 48;
  const m = (text.charCodeAt(14) - 48) * 10 + text.charCodeAt(15) - 48;
  const s = (text.charCodeAt(17) - 48) * 10 + text.charCodeAt(18) - 48;
  const ms = (text.charCodeAt(20) - 48) * 100 + (text.charCodeAt(21) - 48) * 10 + text.charCodeAt(22) - 48;
  return isoDayMs + h * 3_600_000 + m * 60_000 + s * 1000 + ms;
}

const encoder = new TextEncoder();

/** Writes the UTF-8 bytes of `s` at `at` in `buf` (which must have room for 3 bytes a character); returns their count. */
function encodeInto(s: string, buf: Uint8Array, at: number): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return encoder.encodeInto(s, buf.subarray(at)).written;
    buf[at + i] = c;
  }
  return s.length;
}

/** What a column stores; TableChunk.add switches on it so that each write sees one class of column. */
enum Kind {
  Int32,
  Float64,
  Boolean,
  Int64,
  Text,
}

abstract class Column {
  validity: Uint32Array | null = null;

  constructor(
    readonly kind: Kind,
    readonly width: number,
    protected readonly pool: BufferPool,
  ) {}
  /** Hands over the buffers of the first `rows` rows and starts new ones. */
  abstract take(rows: number): BuiltColumn;

  setNull(row: number): void {
    if (!this.validity) this.validity = new Uint32Array(this.pool.get(CHUNK_ROWS / 8)).fill(0xffffffff);
    this.validity[row >>> 5] &= ~(1 << (row & 31));
  }

  protected takeValidity(): ArrayBuffer | null {
    const v = this.validity;
    this.validity = null;
    return v ? (v.buffer as ArrayBuffer) : null;
  }
}

class Int32Column extends Column {
  data: Int32Array;
  constructor(pool: BufferPool) {
    super(Kind.Int32, 4, pool);
    this.data = new Int32Array(pool.get(CHUNK_ROWS * 4));
  }
  take(): BuiltColumn {
    const data = this.data.buffer as ArrayBuffer;
    this.data = new Int32Array(this.pool.get(CHUNK_ROWS * 4));
    return { data, width: 4, validity: this.takeValidity() };
  }
}

class Float64Column extends Column {
  data: Float64Array;
  constructor(pool: BufferPool) {
    super(Kind.Float64, 8, pool);
    this.data = new Float64Array(pool.get(CHUNK_ROWS * 8));
  }
  take(): BuiltColumn {
    const data = this.data.buffer as ArrayBuffer;
    this.data = new Float64Array(this.pool.get(CHUNK_ROWS * 8));
    return { data, width: 8, validity: this.takeValidity() };
  }
}

class BooleanColumn extends Column {
  data: Uint8Array;
  constructor(pool: BufferPool) {
    super(Kind.Boolean, 1, pool);
    this.data = new Uint8Array(pool.get(CHUNK_ROWS * 1));
  }
  take(): BuiltColumn {
    const data = this.data.buffer as ArrayBuffer;
    this.data = new Uint8Array(this.pool.get(CHUNK_ROWS * 1));
    return { data, width: 1, validity: this.takeValidity() };
  }
}

/** BIGINT, TIMESTAMP (µs) and DECIMAL(12,x) (scaled): 64-bit integers, written as two 32-bit halves. */
class Int64Column extends Column {
  private data: Int32Array;
  /**
   * `scale`: the stored integer is the value times it, rounded (DECIMAL); 0 for a TIMESTAMP in µs from UTC ms
   * (event_ts) or ISO text (payload times); 1 for a BIGINT.
   */
  constructor(
    pool: BufferPool,
    private readonly scale: number,
  ) {
    super(Kind.Int64, 8, pool);
    this.data = new Int32Array(pool.get(CHUNK_ROWS * 8));
  }
  set(row: number, v: FactValue): void {
    const scale = this.scale;
    const value =
      scale === 0
        ? (typeof v === 'number' ? v : isoToMs(v as string)) * 1000
        : scale === 1
          ? (v as number)
          : Math.round((v as number) * scale);
    const hi = Math.floor(value / TWO_32);
    this.data[row * 2] = value - hi * TWO_32;
    this.data[row * 2 + 1] = hi;
  }
  take(): BuiltColumn {
    const data = this.data.buffer as ArrayBuffer;
    this.data = new Int32Array(this.pool.get(CHUNK_ROWS * 8));
    return { data, width: 8, validity: this.takeValidity() };
  }
}

class TextColumn extends Column {
  readonly values: string[] = new Array<string>(CHUNK_ROWS).fill('');
  private slots: Uint8Array;
  private view: DataView;
  private heap: Uint8Array;
  constructor(pool: BufferPool) {
    super(Kind.Text, 16, pool);
    this.slots = new Uint8Array(pool.get(CHUNK_ROWS * 16));
    this.view = new DataView(this.slots.buffer);
    this.heap = new Uint8Array(pool.get(1 << 16));
  }
  override setNull(row: number): void {
    super.setNull(row);
    this.values[row] = '';
  }
  take(rows: number): BuiltColumn {
    const { slots, view } = this;
    // Inline text is compared over the whole slot, so the bytes after it must be zero.
    slots.fill(0, 0, rows * 16);
    let used = 0;
    for (let row = 0; row < rows; row++) {
      const s = this.values[row];
      const slot = row * 16;
      const len = s.length;
      // Short ASCII text (codes, most ids) goes straight into its slot.
      if (len <= INLINE_BYTES) {
        let i = 0;
        for (; i < len; i++) {
          const c = s.charCodeAt(i);
          if (c >= 0x80) break;
          slots[slot + 4 + i] = c;
        }
        if (i === len) {
          view.setUint32(slot, len, true);
          continue;
        }
      }
      if (this.heap.length < used + len * 3) {
        const bigger = new Uint8Array(Math.max(this.heap.length * 2, used + len * 3));
        bigger.set(this.heap.subarray(0, used));
        this.heap = bigger;
      }
      const heap = this.heap;
      const n = encodeInto(s, heap, used);
      view.setUint32(slot, n, true);
      if (n <= INLINE_BYTES) {
        for (let i = 0; i < n; i++) slots[slot + 4 + i] = heap[used + i];
        for (let i = n; i < INLINE_BYTES; i++) slots[slot + 4 + i] = 0;
      } else {
        slots[slot + 4] = heap[used];
        slots[slot + 5] = heap[used + 1];
        slots[slot + 6] = heap[used + 2];
        slots[slot + 7] = heap[used + 3];
        view.setUint32(slot + 8, used, true);
        used += n;
      }
    }
    const heap = used > 0 ? (this.heap.buffer as ArrayBuffer) : undefined;
    if (heap) this.heap = new Uint8Array(this.pool.get(heap.byteLength));
    this.slots = new Uint8Array(this.pool.get(CHUNK_ROWS * 16));
    this.view = new DataView(this.slots.buffer);
    return { data: slots.buffer as ArrayBuffer, width: 16, validity: this.takeValidity(), heap, heapBytes: used };
  }
}

function columnOf(c: FactColumn, pool: BufferPool): Column {
  switch (c.sqlType) {
    case 'INTEGER':
      return new Int32Column(pool);
    case 'DOUBLE':
      return new Float64Column(pool);
    case 'BOOLEAN':
      return new BooleanColumn(pool);
    case 'BIGINT':
      return new Int64Column(pool, 1);
    case 'TIMESTAMP':
      return new Int64Column(pool, 0);
    case 'DECIMAL(12,2)':
      return new Int64Column(pool, 100);
    case 'DECIMAL(12,4)':
      return new Int64Column(pool, 10_000);
    case 'VARCHAR':
      return new TextColumn(pool);
    case 'INTEGER[]':
      throw new Error('list columns are appended row by row');
  }
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
    pool: BufferPool,
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
  constructor(readonly pool: BufferPool = new BufferPool()) {
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
