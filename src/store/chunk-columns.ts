// The columns of a fact-table chunk being built, laid out as DuckDB's vectors are: numbers in typed arrays, text in
// 16-byte string slots plus one heap per column. Each takes its buffers from a pool and hands them over whole.

import type { ChunkBufferPool } from './chunk-buffer-pool.js';
import type { FactColumn, FactValue } from './fact-tables.js';

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
export enum Kind {
  Int32,
  Float64,
  Boolean,
  Int64,
  Text,
}

export abstract class Column {
  validity: Uint32Array | null = null;

  constructor(
    readonly kind: Kind,
    readonly width: number,
    protected readonly pool: ChunkBufferPool,
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

export class Int32Column extends Column {
  data: Int32Array;
  constructor(pool: ChunkBufferPool) {
    super(Kind.Int32, 4, pool);
    this.data = new Int32Array(pool.get(CHUNK_ROWS * 4));
  }
  take(): BuiltColumn {
    const data = this.data.buffer as ArrayBuffer;
    this.data = new Int32Array(this.pool.get(CHUNK_ROWS * 4));
    return { data, width: 4, validity: this.takeValidity() };
  }
}

export class Float64Column extends Column {
  data: Float64Array;
  constructor(pool: ChunkBufferPool) {
    super(Kind.Float64, 8, pool);
    this.data = new Float64Array(pool.get(CHUNK_ROWS * 8));
  }
  take(): BuiltColumn {
    const data = this.data.buffer as ArrayBuffer;
    this.data = new Float64Array(this.pool.get(CHUNK_ROWS * 8));
    return { data, width: 8, validity: this.takeValidity() };
  }
}

export class BooleanColumn extends Column {
  data: Uint8Array;
  constructor(pool: ChunkBufferPool) {
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
export class Int64Column extends Column {
  private data: Int32Array;
  /**
   * `scale`: the stored integer is the value times it, rounded (DECIMAL); 0 for a TIMESTAMP in µs from UTC ms
   * (event_ts) or ISO text (payload times); 1 for a BIGINT.
   */
  constructor(
    pool: ChunkBufferPool,
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

export class TextColumn extends Column {
  readonly values: string[] = new Array<string>(CHUNK_ROWS).fill('');
  private slots: Uint8Array;
  private view: DataView;
  private heap: Uint8Array;
  constructor(pool: ChunkBufferPool) {
    super(Kind.Text, 16, pool);
    this.slots = new Uint8Array(pool.get(CHUNK_ROWS * 16));
    this.view = new DataView(this.slots.buffer);
    this.heap = new Uint8Array(pool.get(1 << 16));
  }
  override setNull(row: number): void {
    super.setNull(row);
    this.values[row] = '';
  }
  /**
   * Lays the first `rows` values out as DuckDB's string slots. The values are joined into one string and encoded in
   * one call, which reads text that V8 keeps in pieces (ids made by concatenation) without first copying each into
   * one piece, and runs natively; each row then only writes its slot from the encoded bytes. Value by value, a row's
   * text cost 100-300 ns (a third of it reading ids made by concatenation), now 50-80 ns; bench/history.ts --days 6
   * --sim-only, building the chunks of the default world, 3 alternating runs: 671 / 756 / 835 -> 578 / 570 / 670 ns
   * a row. Text that is not all ASCII is laid out value by value.
   */
  take(rows: number): BuiltColumn {
    const slots = this.slots;
    // Inline text is compared over the whole slot, so the bytes after it must be zero.
    slots.fill(0, 0, rows * 16);
    const values = this.values;
    const text = rows === values.length ? values.join('') : values.slice(0, rows).join('');
    const chars = text.length;
    if (this.heap.length < chars) this.heap = new Uint8Array(Math.max(this.heap.length * 2, chars));
    const heap = this.heap;
    const done = chars === 0 ? { read: 0, written: 0 } : encoder.encodeInto(text, heap);
    const used = done.read === chars && done.written === chars ? this.slotsFromAscii(rows, heap) : this.eachValue(rows);
    const out = used > 0 ? (this.heap.buffer as ArrayBuffer) : undefined;
    if (out) this.heap = new Uint8Array(this.pool.get(out.byteLength));
    this.slots = new Uint8Array(this.pool.get(CHUNK_ROWS * 16));
    this.view = new DataView(this.slots.buffer);
    return { data: slots.buffer as ArrayBuffer, width: 16, validity: this.takeValidity(), heap: out, heapBytes: used };
  }

  /**
   * Writes the slot at `slot` for text of `len` bytes found at `at` in `heap`: inline when short, else its first 4
   * bytes and its offset. Returns true when the slot points into the heap.
   */
  private writeSlot(slot: number, heap: Uint8Array, at: number, len: number): boolean {
    const slots = this.slots;
    this.view.setUint32(slot, len, true);
    if (len <= INLINE_BYTES) {
      for (let i = 0; i < len; i++) slots[slot + 4 + i] = heap[at + i];
      return false;
    }
    slots[slot + 4] = heap[at];
    slots[slot + 5] = heap[at + 1];
    slots[slot + 6] = heap[at + 2];
    slots[slot + 7] = heap[at + 3];
    this.view.setUint32(slot + 8, at, true);
    return true;
  }

  /**
   * The slots of all-ASCII values already encoded one after another in `heap`: long values point into it. Returns
   * the heap's bytes to keep, 0 when no value is long (the heap is then not sent).
   */
  private slotsFromAscii(rows: number, heap: Uint8Array): number {
    const values = this.values;
    let at = 0;
    let long = false;
    for (let row = 0; row < rows; row++) {
      const len = values[row].length;
      if (this.writeSlot(row * 16, heap, at, len)) long = true;
      at += len;
    }
    return long ? at : 0;
  }

  /** The slots of values laid out one at a time, in UTF-8; returns the heap's bytes used. */
  private eachValue(rows: number): number {
    let used = 0;
    for (let row = 0; row < rows; row++) {
      const s = this.values[row];
      const len = s.length;
      if (this.heap.length < used + len * 3) {
        const bigger = new Uint8Array(Math.max(this.heap.length * 2, used + len * 3));
        bigger.set(this.heap.subarray(0, used));
        this.heap = bigger;
      }
      const n = encodeInto(s, this.heap, used);
      if (this.writeSlot(row * 16, this.heap, used, n)) used += n;
    }
    return used;
  }
}

export function columnOf(c: FactColumn, pool: ChunkBufferPool): Column {
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
