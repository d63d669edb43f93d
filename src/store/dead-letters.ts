// The dead-letter store: events that could not be delivered, with destination, last error, attempts and times;
// retried on a schedule, listed, replayed and purged from the CLI and the API.

import type { Database } from './database.js';
import { sqlString } from './database.js';

const DDL = `CREATE TABLE IF NOT EXISTS dead_letters (
  id BIGINT PRIMARY KEY,
  stream VARCHAR NOT NULL,
  event_id VARCHAR NOT NULL,
  event_type VARCHAR NOT NULL,
  destination VARCHAR NOT NULL,
  envelope VARCHAR NOT NULL,
  error_code VARCHAR NOT NULL,
  last_error VARCHAR NOT NULL,
  retriable BOOLEAN NOT NULL,
  attempts INTEGER NOT NULL,
  first_failed_at TIMESTAMP NOT NULL,
  last_failed_at TIMESTAMP NOT NULL,
  next_retry_at TIMESTAMP,
  status VARCHAR NOT NULL
)`;

export type DeadLetterStatus = 'pending' | 'delivered' | 'gave_up';

export interface DeadLetter {
  id: number;
  stream: string;
  event_id: string;
  event_type: string;
  destination: string;
  envelope: string;
  error_code: string;
  last_error: string;
  retriable: boolean;
  attempts: number;
  first_failed_at: string;
  last_failed_at: string;
  next_retry_at: string | null;
  status: DeadLetterStatus;
}

/** What the pipeline records for a failed event; the store adds the id, status and times. */
export type NewDeadLetter = Pick<
  DeadLetter,
  | 'stream'
  | 'event_id'
  | 'event_type'
  | 'destination'
  | 'envelope'
  | 'error_code'
  | 'last_error'
  | 'retriable'
  | 'attempts'
> & { failedAt: number; nextRetryAt: number | null };

export interface DeadLetterFilter {
  type?: string;
  /** Matches the error code exactly or a part of the error text. */
  error?: string;
  destination?: string;
  status?: DeadLetterStatus;
  /** Last failure at or after (ISO time). */
  from?: string;
  /** Last failure before (ISO time). */
  to?: string;
  ids?: readonly number[];
  limit?: number;
}

const ts = (ms: number | null) => (ms === null ? 'NULL' : `${sqlString(new Date(ms).toISOString())}::TIMESTAMP`);

function where(f: DeadLetterFilter, extra: readonly string[] = []): string {
  const c: string[] = [...extra];
  if (f.type) c.push(`event_type = ${sqlString(f.type)}`);
  if (f.error) c.push(`(error_code = ${sqlString(f.error)} OR contains(last_error, ${sqlString(f.error)}))`);
  if (f.destination) c.push(`destination = ${sqlString(f.destination)}`);
  if (f.status) c.push(`status = ${sqlString(f.status)}`);
  if (f.from) c.push(`last_failed_at >= ${sqlString(f.from)}::TIMESTAMP`);
  if (f.to) c.push(`last_failed_at < ${sqlString(f.to)}::TIMESTAMP`);
  if (f.ids) c.push(f.ids.length === 0 ? 'false' : `id IN (${f.ids.map((i) => Math.floor(i)).join(', ')})`);
  return c.length === 0 ? '' : `WHERE ${c.join(' AND ')}`;
}

const COLUMNS = `id, stream, event_id, event_type, destination, envelope, error_code, last_error, retriable, attempts,
  strftime(first_failed_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS first_failed_at, strftime(last_failed_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS last_failed_at,
  strftime(next_retry_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS next_retry_at, status`;

/**
 * The dead-letter table of a database.
 * @example const dlq = await DeadLetterStore.open(db); await dlq.add([...]); await dlq.list({ type: 'receipt_created' });
 */
export class DeadLetterStore {
  private constructor(private readonly db: Database) {}

  static async open(db: Database): Promise<DeadLetterStore> {
    await db.run(DDL);
    await db.run('CREATE SEQUENCE IF NOT EXISTS dead_letters_id');
    return new DeadLetterStore(db);
  }

  async add(entries: readonly NewDeadLetter[]): Promise<void> {
    if (entries.length === 0) return;
    const values = entries.map(
      (e) =>
        `(nextval('dead_letters_id'), ${sqlString(e.stream)}, ${sqlString(e.event_id)}, ${sqlString(e.event_type)}, ${sqlString(e.destination)}, ${sqlString(e.envelope)}, ${sqlString(e.error_code)}, ${sqlString(e.last_error)}, ${e.retriable}, ${e.attempts}, ${ts(e.failedAt)}, ${ts(e.failedAt)}, ${ts(e.nextRetryAt)}, 'pending')`,
    );
    await this.db.run(`INSERT INTO dead_letters VALUES ${values.join(', ')}`);
  }

  async list(f: DeadLetterFilter = {}): Promise<DeadLetter[]> {
    const rows = await this.db.all<DeadLetter & { id: bigint }>(
      `SELECT ${COLUMNS} FROM dead_letters ${where(f)} ORDER BY id${f.limit ? ` LIMIT ${Math.floor(f.limit)}` : ''}`,
    );
    return rows.map((r) => ({ ...r, id: Number(r.id) }));
  }

  async stats(f: DeadLetterFilter = {}): Promise<{
    total: number;
    byStatus: Record<string, number>;
    byType: Record<string, number>;
    byError: Record<string, number>;
  }> {
    const rows = await this.db.all<{ status: string; event_type: string; error_code: string; n: bigint }>(
      `SELECT status, event_type, error_code, count(*) AS n FROM dead_letters ${where(f)} GROUP BY ALL`,
    );
    const out = {
      total: 0,
      byStatus: {} as Record<string, number>,
      byType: {} as Record<string, number>,
      byError: {} as Record<string, number>,
    };
    for (const r of rows) {
      const n = Number(r.n);
      out.total += n;
      out.byStatus[r.status] = (out.byStatus[r.status] ?? 0) + n;
      out.byType[r.event_type] = (out.byType[r.event_type] ?? 0) + n;
      out.byError[r.error_code] = (out.byError[r.error_code] ?? 0) + n;
    }
    return out;
  }

  /** Pending entries whose retry time has come (all pending ones with `all`). */
  async due(now: number, limit: number, all = false): Promise<DeadLetter[]> {
    const rows = await this.db.all<DeadLetter & { id: bigint }>(
      `SELECT ${COLUMNS} FROM dead_letters WHERE status = 'pending'${all ? '' : ` AND next_retry_at IS NOT NULL AND next_retry_at <= ${ts(now)}`} ORDER BY id LIMIT ${Math.floor(limit)}`,
    );
    return rows.map((r) => ({ ...r, id: Number(r.id) }));
  }

  async markDelivered(ids: readonly number[]): Promise<void> {
    if (ids.length > 0)
      await this.db.run(`UPDATE dead_letters SET status = 'delivered', next_retry_at = NULL ${where({ ids })}`);
  }

  /** Records another failed attempt; `nextRetryAt` null gives up on the entry. */
  async markFailed(id: number, error: string, code: string, at: number, nextRetryAt: number | null): Promise<void> {
    await this.db.run(
      `UPDATE dead_letters SET attempts = attempts + 1, last_error = ${sqlString(error)}, error_code = ${sqlString(code)}, last_failed_at = ${ts(at)}, next_retry_at = ${ts(nextRetryAt)}, status = ${nextRetryAt === null ? "'gave_up'" : "'pending'"} WHERE id = ${Math.floor(id)}`,
    );
  }

  /** Makes entries due now (for `dlq retry`), including ones given up on; delivered ones stay as they are. */
  async requeue(f: DeadLetterFilter): Promise<number> {
    const w = where(f, ["status <> 'delivered'"]);
    const rows = await this.db.all<{ n: bigint }>(`SELECT count(*) AS n FROM dead_letters ${w}`);
    await this.db.run(`UPDATE dead_letters SET status = 'pending', next_retry_at = now() ${w}`);
    return Number(rows[0].n);
  }

  async purge(f: DeadLetterFilter): Promise<number> {
    const n = await this.count(f);
    await this.db.run(`DELETE FROM dead_letters ${where(f)}`);
    return n;
  }

  async count(f: DeadLetterFilter = {}): Promise<number> {
    const rows = await this.db.all<{ n: bigint }>(`SELECT count(*) AS n FROM dead_letters ${where(f)}`);
    return Number(rows[0].n);
  }
}
