// `retail-datagen serve`: the HTTP API, live feed, metrics and dashboard on one database (loopback by default).

import type { Command } from 'commander';
import type { Config } from '../config/schema.js';
import { DatagenError } from '../errors.js';
import { buildServer } from '../server/app.js';
import {
  API_TOKEN_ENV,
  CORS_ORIGINS_ENV,
  checkListenSecurity,
  parseCorsOrigins,
  type SecurityOptions,
} from '../server/security.js';
import { type Database, openDatabase } from '../store/database.js';
import { configFrom, type GlobalOptions, note, withGlobalOptions } from './context.js';
import { parseCount } from './history.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8000;

export interface ServeFlags {
  host?: string;
  port?: string;
  corsOrigin?: string;
}

/**
 * Token and CORS origins for a server on `host`, from RETAIL_DATAGEN_API_TOKEN and --cors-origin (or
 * RETAIL_DATAGEN_CORS_ORIGINS); refuses a non-loopback host without a token.
 */
export function resolveSecurity(host: string, corsFlag?: string, env = process.env): SecurityOptions {
  const apiToken = env[API_TOKEN_ENV] || undefined;
  checkListenSecurity(host, apiToken);
  const corsOrigins =
    corsFlag !== undefined ? parseCorsOrigins(corsFlag, '--cors-origin') : parseCorsOrigins(env[CORS_ORIGINS_ENV]);
  return { apiToken, corsOrigins };
}

/** Adds --host, --port and --cors-origin to a command. */
export function withListenOptions(cmd: Command): Command {
  return cmd
    .option(
      '--host <address>',
      `address to listen on (loopback by default; any other needs ${API_TOKEN_ENV})`,
      DEFAULT_HOST,
    )
    .option('--port <n>', 'port to listen on (0 = any free port)', String(DEFAULT_PORT))
    .option(
      '--cors-origin <origins>',
      `origins allowed to call the API from a browser, comma-separated (default: ${CORS_ORIGINS_ENV}, else none)`,
    );
}

/** Parses --port (0 picks a free port). */
export function parsePort(text: string | undefined): number {
  return text === undefined ? DEFAULT_PORT : parseCount('--port', text, 0, 65_535);
}

/** A server listening, and how to stop it (drains the stream, closes the database). */
export interface Serving {
  url: string;
  close(): Promise<void>;
  app: Awaited<ReturnType<typeof buildServer>>['app'];
  ctx: Awaited<ReturnType<typeof buildServer>>['ctx'];
}

/**
 * Starts the server on host:port over the database (opened here unless given; closed by close() either way).
 * @example const s = await startServing(config, { host: '127.0.0.1', port: 8000 }); console.log(s.url);
 */
export async function startServing(
  config: Config,
  where: { host: string; port: number; security?: SecurityOptions },
  opened?: Database,
): Promise<Serving> {
  const security = where.security ?? resolveSecurity(where.host);
  const db = opened ?? (await openDatabase(config.database.path, { threads: config.database.threads }));
  let built: Awaited<ReturnType<typeof buildServer>>;
  try {
    built = await buildServer({ config, db, security });
    await built.app.listen({ host: where.host, port: where.port });
  } catch (err) {
    db.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL')
      throw new DatagenError(
        'CLI_USAGE',
        `cannot listen on ${where.host}:${where.port} (${code}); choose another --port or --host`,
      );
    throw err;
  }
  const { app, ctx } = built;
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : where.port;
  const host = where.host.includes(':') ? `[$where.host]` : where.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/`,
    app,
    ctx,
    close() {
      closing ??= app.close().finally(() => db.close());
      return closing;
    },
  };
}

/** Resolves on the first SIGINT or SIGTERM (a second one quits at once). */
export function untilSignal(onFirst: () => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let seen = false;
    const handler = (sig: NodeJS.Signals) => {
      if (seen) process.exit(130);
      seen = true;
      onFirst();
      resolve(sig);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}

export function registerServe(program: Command): void {
  const cmd = withGlobalOptions(program.command('serve')).description(
    'serve the HTTP API, the live feed (SSE), /metrics and the dashboard',
  );
  withListenOptions(cmd).action(async (opts: GlobalOptions & ServeFlags) => {
    const { config } = configFrom(opts);
    const port = parsePort(opts.port);
    const host = opts.host ?? DEFAULT_HOST;
    const security = resolveSecurity(host, opts.corsOrigin);
    const s = await startServing(config, { host, port, security });
    note(`retail-datagen serving ${config.database.path} at ${s.url} (API: ${s.url}openapi.json)`);
    await untilSignal(() => note('stopping: draining the stream and saving the checkpoint (again to quit at once)'));
    await s.close();
  });
}
