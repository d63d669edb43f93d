// Writes simulated events into their fact tables in the calling thread: rows are built into chunks
// (chunk-builder.ts) and appended (chunk-appender.ts).

import type { SimEvent } from '../simulate/event-buffer.js';
import { ChunkAppender } from './chunk-appender.js';
import { type BuiltChunk, buffersOf, FactChunkBuilder } from './chunk-builder.js';
import type { Database } from './database.js';
import { createFactTableSql, FACT_TABLES } from './fact-tables.js';

/** Creates the fact tables that do not exist yet. */
export async function createFactTables(db: Database): Promise<void> {
  for (const t of FACT_TABLES) await db.run(createFactTableSql(t));
}

/**
 * Writes events into their fact tables.
 * @example const w = await FactWriter.open(db); w.write(events); await w.flush(); w.close();
 */
export class FactWriter {
  private readonly builder = new FactChunkBuilder();
  private readonly append: (chunk: BuiltChunk) => void;

  private constructor(private readonly appender: ChunkAppender) {
    this.append = (chunk) => {
      appender.append(chunk);
      this.builder.pool.put(buffersOf(chunk));
    };
  }

  static async open(db: Database): Promise<FactWriter> {
    return new FactWriter(await ChunkAppender.open(db));
  }

  get rows(): number {
    return this.builder.rows;
  }

  get events(): number {
    return this.builder.events;
  }

  write(events: readonly SimEvent[]): void {
    this.builder.add(events, this.append);
  }

  /** Makes everything written so far part of the current transaction. */
  flush(): void {
    this.builder.flush(this.append);
    this.appender.flush();
  }

  close(): void {
    this.appender.close();
  }
}
