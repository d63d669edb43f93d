// Opening the embedded DuckDB database and running SQL on it.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { DatagenError } from '../errors.js';

export interface Database {
  readonly path: string;
  readonly instance: DuckDBInstance;
  readonly conn: DuckDBConnection;
  /** Runs statements that return nothing; `params` fill `$1`, `$2`, ... without being parsed as SQL text. */
  run(sql: string, params?: DuckDBValue[]): Promise<void>;
  /** Runs a query and returns its rows as objects (numbers as JS numbers where they fit). */
  all<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  close(): void;
}

export interface OpenOptions {
  threads?: number | null;
  /** Open without creating the file (for read-only commands). */
  mustExist?: boolean;
  readOnly?: boolean;
  /** DuckDB's memory limit, e.g. '512MB' (its default is 80% of the machine's memory). */
  memoryLimit?: string;
  /** How long to wait for another process to release the file (default LOCK_WAIT_MS). */
  lockWaitMs?: number;
}

/**
 * How long opening waits for another process to let go of the file: a command killed with its process group, or
 * one whose child process (bin/retail-datagen.js) is still ending, releases it within moments.
 */
export const LOCK_WAIT_MS = 10_000;
const LOCKED = /Could not set lock on file/;

/**
 * Opens (and creates, with its folder) a DuckDB database file; `:memory:` for an in-memory one.
 * @example const db = await openDatabase('data/retail.duckdb'); await db.all('select 1 as x');
 */
export async function openDatabase(path: string, opts: OpenOptions = {}): Promise<Database> {
  if (path !== ':memory:' && !opts.readOnly) mkdirSync(dirname(path), { recursive: true });
  const options: Record<string, string> = {};
  if (opts.threads) options.threads = String(opts.threads);
  if (opts.readOnly) options.access_mode = 'READ_ONLY';
  if (opts.memoryLimit) options.memory_limit = opts.memoryLimit;
  let instance: DuckDBInstance;
  const giveUpAt = Date.now() + (opts.lockWaitMs ?? LOCK_WAIT_MS);
  for (;;) {
    try {
      instance = await DuckDBInstance.create(path, options);
      break;
    } catch (err) {
      const message = (err as Error).message;
      if (LOCKED.test(message) && Date.now() < giveUpAt) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      const pid = message.match(/\(PID (\d+)\)/)?.[1];
      const detail = LOCKED.test(message)
        ? `another process${pid ? ` (PID ${pid})` : ''} has it open: stop that process, or use another --db`
        : message;
      throw new DatagenError('DB_FAILED', `cannot open database ${path}: ${detail}`, { cause: err });
    }
  }
  const opened = instance;
  return onConnection(path, opened, await opened.connect(), () => opened.closeSync());
}

/**
 * A Database over one connection; `close` closes the connection, then runs `after`. A close while a query of this
 * Database runs waits for it to end: closing a DuckDB connection under a running query deadlocks its thread (the
 * query's end then destroys the connection while holding its lock), and the process never exits.
 */
function onConnection(path: string, instance: DuckDBInstance, conn: DuckDBConnection, after?: () => void): Database {
  let running = 0;
  /** Set by close(): no new query; the connection closes once none runs. */
  let closing = false;
  const shut = () => {
    conn.closeSync();
    after?.();
  };
  const tracked = async <T>(work: () => Promise<T>): Promise<T> => {
    if (closing) throw new DatagenError('DB_FAILED', `database ${path} is closed`);
    running++;
    try {
      return await work();
    } finally {
      if (--running === 0 && closing) shut();
    }
  };
  return {
    path,
    instance,
    conn,
    run(sql, params) {
      return tracked(async () => {
        await conn.run(sql, params);
      });
    },
    all<T>(sql: string) {
      return tracked(async () => (await conn.runAndReadAll(sql)).getRowObjectsJS() as T[]);
    },
    close() {
      if (closing) return;
      closing = true;
      if (running === 0) shut();
    },
  };
}

/**
 * Another connection to an open database (same file, same instance): its own transactions, so that a long job
 * does not hold a transaction open on the connection others use. Closing it leaves the database open.
 * @example const jobDb = await openConnection(db); try { await runHistory(config, jobDb, { days: 1 }); } finally { jobDb.close(); }
 */
export async function openConnection(db: Database): Promise<Database> {
  return onConnection(db.path, db.instance, await db.instance.connect());
}

/** Quotes an SQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Quotes an SQL identifier. */
export function sqlIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}
