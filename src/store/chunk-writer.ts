// Appends rows to a table in DuckDB data chunks of 2048 rows: numbers go straight into the chunk's typed
// arrays (no call into DuckDB per value), text is handed over per value. Several times cheaper than the row
// appender for the history's number-heavy rows.

import {
  BIGINT,
  BOOLEAN,
  DECIMAL,
  DOUBLE,
  type DuckDBAppender,
  DuckDBDataChunk,
  type DuckDBType,
  type DuckDBVector,
  INTEGER,
  TIMESTAMP,
  VARCHAR,
} from '@duckdb/node-api';
import type { FactColumn, FactValue } from './fact-tables.js';

export const CHUNK_ROWS = 2048;
const TWO_32 = 4294967296;

/** Column types the chunk writer handles (lists go through the row appender). */
export function chunkable(columns: readonly FactColumn[]): boolean {
  return columns.every((c) => c.sqlType !== 'INTEGER[]');
}

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
    default:
      return VARCHAR;
  }
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

/** Writes a 64-bit integer (exact up to 2^53) into little-endian halves, avoiding a BigInt per value. */
function setInt64(view: Int32Array, row: number, value: number): void {
  const hi = Math.floor(value / TWO_32);
  view[row * 2] = value - hi * TWO_32;
  view[row * 2 + 1] = hi;
}

type Setter = (row: number, v: FactValue) => void;

interface RawVector {
  items?: { buffer: ArrayBufferLike; byteOffset: number; length: number };
  dataView?: DataView;
  validity: { setItemValid(i: number, valid: boolean): void };
  setItem(i: number, v: unknown): void;
}

function setterOf(c: FactColumn, vector: DuckDBVector): Setter {
  const raw = vector as unknown as RawVector;
  let set: Setter;
  const halves = () => {
    // BIGINT and TIMESTAMP vectors keep a BigInt64Array and DECIMAL(12,x) a DataView over the same bytes.
    const src = raw.items ?? raw.dataView!;
    return new Int32Array(src.buffer, src.byteOffset, CHUNK_ROWS * 2);
  };
  switch (c.sqlType) {
    case 'BIGINT': {
      const view = halves();
      set = (row, v) => setInt64(view, row, v as number);
      break;
    }
    case 'TIMESTAMP': {
      const view = halves();
      set = (row, v) => setInt64(view, row, (typeof v === 'number' ? v : isoToMs(v as string)) * 1000);
      break;
    }
    case 'DECIMAL(12,2)':
    case 'DECIMAL(12,4)': {
      const view = halves();
      const scale = c.sqlType === 'DECIMAL(12,2)' ? 100 : 10_000;
      set = (row, v) => setInt64(view, row, Math.round((v as number) * scale));
      break;
    }
    default:
      set = (row, v) => raw.setItem(row, v);
  }
  if (!c.nullable) return set;
  return (row, v) => {
    if (v === null) raw.validity.setItemValid(row, false);
    else {
      raw.validity.setItemValid(row, true);
      set(row, v);
    }
  };
}

/**
 * Buffers rows of one table and appends them a chunk at a time.
 * @example const w = new ChunkWriter(appender, columns); w.add(row); w.flush();
 */
export class ChunkWriter {
  private chunk!: DuckDBDataChunk;
  private vectors!: DuckDBVector[];
  private setters!: Setter[];
  private row = 0;
  private readonly types: DuckDBType[];

  constructor(
    private readonly appender: DuckDBAppender,
    private readonly columns: readonly FactColumn[],
  ) {
    this.types = columns.map(typeOf);
    this.fresh();
  }

  private fresh(): void {
    this.chunk = DuckDBDataChunk.create(this.types, CHUNK_ROWS);
    this.vectors = this.columns.map((_, i) => this.chunk.getColumnVector(i));
    this.setters = this.columns.map((c, i) => setterOf(c, this.vectors[i]));
    this.row = 0;
  }

  add(values: readonly FactValue[]): void {
    const row = this.row;
    for (let i = 0; i < values.length; i++) this.setters[i](row, values[i]);
    if (++this.row === CHUNK_ROWS) this.flush();
  }

  /** Appends the buffered rows (the appender still needs flushSync to reach the table). */
  flush(): void {
    if (this.row === 0) return;
    for (const v of this.vectors) (v as unknown as { flush(): void }).flush();
    this.chunk.rowCount = this.row;
    this.appender.appendDataChunk(this.chunk);
    this.fresh();
  }
}
