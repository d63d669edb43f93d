// The DuckDB sink: an outbox table in the project's database, one row per event (for a relay or for checks).

import { DatagenError } from '../../errors.js';
import type { Database } from '../../store/database.js';
import { allOutcomes, eventId, eventKey, eventType, type SendOutcome, type Sink, type SinkBatch } from '../types.js';
import type { DuckdbSinkConfig } from './config.js';

export class DuckdbSink implements Sink {
  readonly kind = 'duckdb';

  constructor(
    private readonly config: DuckdbSinkConfig,
    private readonly db: Database | undefined,
  ) {}

  async open(): Promise<void> {
    if (!this.db) throw new DatagenError('SINK_FATAL', 'duckdb sink: no database is open for the outbox');
    await this.db.run(`CREATE TABLE IF NOT EXISTS ${this.config.table} (
      event_id VARCHAR NOT NULL, event_type VARCHAR NOT NULL, destination VARCHAR NOT NULL, partition_key VARCHAR NOT NULL,
      event_ts TIMESTAMP NOT NULL, envelope VARCHAR NOT NULL, written_at TIMESTAMP NOT NULL)`);
  }

  async send(batch: SinkBatch): Promise<SendOutcome[]> {
    const db = this.db!;
    try {
      const appender = await db.conn.createAppender(this.config.table);
      const now = new Date().toISOString();
      for (const e of batch.events) {
        appender.appendVarchar(eventId(e));
        appender.appendVarchar(eventType(e));
        appender.appendVarchar(e.destination);
        appender.appendVarchar(eventKey(e));
        appender.appendVarchar(e.envelope.event_ts);
        appender.appendVarchar(e.json);
        appender.appendVarchar(now);
        appender.endRow();
      }
      appender.flushSync();
      appender.closeSync();
      return allOutcomes(batch, { ok: true });
    } catch (err) {
      const error = new DatagenError('SINK_SEND_FAILED', `duckdb sink: ${(err as Error).message}`, { cause: err });
      return allOutcomes(batch, { ok: false, retriable: true, error });
    }
  }

  async close(): Promise<void> {}
}
