// Shared set-up of the server tests: a tiny world in a temporary database, a server over it, and polling.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Config, configSchema } from '../../src/config/schema.js';
import { runHistory } from '../../src/jobs/history.js';
import { generateMaster } from '../../src/jobs/master.js';
import { buildServer, type ServerContext } from '../../src/server/app.js';
import type { Sink } from '../../src/sinks/types.js';
import { type Database, openDatabase } from '../../src/store/database.js';

export const dir = mkdtempSync(join(tmpdir(), 'rdg-server-'));

/** A secret that must never appear in an answer. */
export const SECRET = 'Sup3rSecretKeyValue==';

export const TINY_VOLUME = {
  stores: 3,
  dcs: 1,
  total_customers: 2000,
  total_products: 600,
  customers_per_day: 150,
  online_orders_per_day: 60,
  marketing_impressions_per_day: 500,
};

let n = 0;

/** A config of the tiny world in a new database file, with fast retries and checkpoints. */
export function tinyConfig(pipeline: Record<string, unknown> = {}): Config {
  n++;
  return configSchema.parse({
    volume: TINY_VOLUME,
    realtime: {
      retry_attempts: 2,
      max_batch_size: 100,
      batch_timeout_ms: 20,
      max_buffer_size: 2000,
      azure_connection_string: `Endpoint=sb://example.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${SECRET}`,
    },
    pipeline: { retry_base_ms: 5, retry_max_ms: 40, checkpoint_interval_ms: 100, ...pipeline },
    database: { path: join(dir, `db-${n}.duckdb`) },
    // Nothing listens on port 1: the Kafka sink's connection test fails.
    sinks: { file: { dir: join(dir, `out-${n}`) }, kafka: { brokers: ['127.0.0.1:1'] } },
  });
}

/** A JSON answer, read field by field in the tests. */
// biome-ignore lint/suspicious/noExplicitAny: the tests assert on the fields they read
export type Json = any;

export interface TestServer {
  app: FastifyInstance;
  ctx: ServerContext;
  db: Database;
  config: Config;
}

/** A server over a new database; `world` builds the world and a day of history first. */
export async function testServer(
  opts: { world?: boolean; sink?: () => Sink; pipeline?: Record<string, unknown> } = {},
): Promise<TestServer> {
  const config = tinyConfig(opts.pipeline);
  const db = await openDatabase(config.database.path);
  if (opts.world) {
    await generateMaster(config, db);
    await runHistory(config, db, { days: 1 });
  }
  const { app, ctx } = await buildServer({ config, db, sinkInstance: opts.sink });
  return { app, ctx, db, config };
}

export async function closeServer(s: TestServer): Promise<void> {
  await s.app.close();
  s.db.close();
}

/** Sends a request through inject() and returns the status and the parsed JSON body. */
export async function call(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  payload?: unknown,
): Promise<{ status: number; body: Json; text: string }> {
  const r = await app.inject({ method, url, payload: payload as never });
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(r.body);
  } catch {}
  return { status: r.statusCode, body, text: r.body };
}

/** Polls `fn` until it returns a truthy value (fails after `ms`). */
export async function until<T>(fn: () => Promise<T> | T, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
