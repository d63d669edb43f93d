// Appends simulated events to the fact tables through one DuckDB appender per table.

import { type DuckDBAppender, DuckDBTimestampValue, INTEGER, LIST } from '@duckdb/node-api';
import type { SimEvent } from '../simulate/event-buffer.js';
import { ChunkWriter, chunkable } from './chunk-writer.js';
import type { Database } from './database.js';
import {
  createFactTableSql,
  FACT_TABLES,
  type FactColumn,
  type FactTable,
  type FactValue,
  TABLES_BY_TYPE,
} from './fact-tables.js';

const INT_LIST = LIST(INTEGER);

type Put = (a: DuckDBAppender, v: FactValue) => void;

function putterOf(c: FactColumn): Put {
  const put: Put = (() => {
    switch (c.sqlType) {
      case 'INTEGER':
        return (a, v) => a.appendInteger(v as number);
      case 'BIGINT':
        return (a, v) => a.appendBigInt(BigInt(v as number));
      case 'DOUBLE':
      case 'DECIMAL(12,2)':
      case 'DECIMAL(12,4)':
        // The appender casts the double into the DECIMAL column, rounding to its scale.
        return (a, v) => a.appendDouble(v as number);
      case 'BOOLEAN':
        return (a, v) => a.appendBoolean(v as boolean);
      case 'INTEGER[]':
        return (a, v) => a.appendList(v as number[], INT_LIST);
      case 'TIMESTAMP':
        // event_ts arrives as UTC ms (no text to format and parse); payload times are ISO text.
        return (a, v) =>
          typeof v === 'number'
            ? a.appendTimestamp(new DuckDBTimestampValue(BigInt(v) * 1000n))
            : a.appendVarchar(v as string);
      default:
        return (a, v) => a.appendVarchar(v as string);
    }
  })();
  return c.nullable ? (a, v) => (v === null ? a.appendNull() : put(a, v)) : put;
}

interface Target {
  table: FactTable;
  appender: DuckDBAppender;
  /** Chunked writing for tables whose column types allow it; the row appender otherwise. */
  chunks?: ChunkWriter;
  puts: Put[];
}

/** Creates the fact tables that do not exist yet. */
export async function createFactTables(db: Database): Promise<void> {
  for (const t of FACT_TABLES) await db.run(createFactTableSql(t));
}

/**
 * Writes events into their fact tables.
 * @example const w = await FactWriter.open(db); w.write(events); await w.flush(); w.close();
 */
export class FactWriter {
  rows = 0;
  events = 0;

  private constructor(private readonly appenders: Map<string, Target>) {}

  static async open(db: Database): Promise<FactWriter> {
    await createFactTables(db);
    const m = new Map<string, Target>();
    for (const t of FACT_TABLES) {
      const appender = await db.conn.createAppender(t.name);
      m.set(t.name, {
        table: t,
        appender,
        chunks: chunkable(t.columns) ? new ChunkWriter(appender, t.columns) : undefined,
        puts: t.columns.map(putterOf),
      });
    }
    return new FactWriter(m);
  }

  write(events: readonly SimEvent[]): void {
    for (const e of events) {
      this.events++;
      for (const t of TABLES_BY_TYPE.get(e.event_type) ?? []) {
        const target = this.appenders.get(t.name)!;
        for (const row of t.rows(e)) {
          this.rows++;
          if (target.chunks) {
            target.chunks.add(row);
            continue;
          }
          const { appender, puts } = target;
          for (let i = 0; i < row.length; i++) puts[i](appender, row[i]);
          appender.endRow();
        }
      }
    }
  }

  /** Makes everything written so far part of the current transaction. */
  flush(): void {
    for (const { appender, chunks } of this.appenders.values()) {
      chunks?.flush();
      appender.flushSync();
    }
  }

  close(): void {
    for (const { appender } of this.appenders.values()) appender.closeSync();
  }
}
