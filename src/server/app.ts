// The HTTP server: Fastify with the API's route groups, the live feed, /metrics, health and the dashboard's
// files, over one shared database. `buildServer` makes the app without listening (tests use inject()).

import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { Config } from '../config/schema.js';
import { redactText } from '../config/secret.js';
import { DatagenError, type ErrorCode } from '../errors.js';
import type { Sink } from '../sinks/types.js';
import type { Database } from '../store/database.js';
import { DeadLetterStore } from '../store/dead-letters.js';
import { JobRunner } from './jobs.js';
import { ServerMetrics } from './metrics.js';
import type { RouteDoc } from './route.js';
import { dlqRoutes } from './routes/dlq.js';
import { generatorRoutes } from './routes/generators.js';
import { healthRoutes } from './routes/health.js';
import { jobRoutes } from './routes/jobs.js';
import { openApiRoutes } from './routes/openapi.js';
import { streamRoutes } from './routes/stream.js';
import { worldRoutes } from './routes/world.js';
import { installSecurity, type SecurityOptions } from './security.js';
import { dashboardRoutes } from './static.js';
import { StreamControl } from './stream-control.js';

export interface ServerOptions {
  config: Config;
  /** The open database every route and job shares. */
  db: Database;
  /** Folder of the built dashboard (default: dist/web of the package). */
  webDir?: string;
  /** A sink to use instead of the configured one (tests). */
  sinkInstance?: () => Sink;
  /** Fastify's logger (default off). */
  logger?: boolean;
  /** Largest request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Bearer token and CORS origins (src/server/security.ts); none: open on loopback, CORS off. */
  security?: SecurityOptions;
}

/** What the route groups share. */
export interface ServerContext {
  config: Config;
  db: Database;
  jobs: JobRunner;
  stream: StreamControl;
  metrics: ServerMetrics;
  docs: RouteDoc[];
  /** Every route the app serves, as `METHOD /url` (for checking that the OpenAPI document covers them). */
  routes: string[];
  startedAt: number;
  /** Ends each open live (SSE) connection. */
  liveFeeds: Set<() => void>;
  deadLetters(): Promise<DeadLetterStore>;
  /** Removes secrets of the config from a text. */
  redact(text: string): string;
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  REQUEST_INVALID: 400,
  CLI_USAGE: 400,
  CONFIG_INVALID: 400,
  NOT_FOUND: 404,
  STREAM_RUNNING: 409,
  STREAM_NOT_RUNNING: 409,
  JOB_RUNNING: 409,
  DB_NOT_INITIALISED: 409,
  WORLD_MISMATCH: 409,
  SINK_SEND_FAILED: 502,
  SINK_FATAL: 502,
  SINK_NOT_CONNECTED: 503,
  CIRCUIT_OPEN: 503,
  CONNECTION_STRING_INVALID: 400,
};

/** Fastify's own errors that are the client's fault, as our codes. */
const FASTIFY_CODES: Record<string, { code: string; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'BODY_TOO_LARGE', message: 'body: too large; send a smaller body' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'body: unsupported content type; send application/json',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'REQUEST_INVALID',
    message: 'body: empty with content-type application/json; send {} or no content-type',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'REQUEST_INVALID', message: 'body: not valid JSON' },
};

/**
 * Builds the server (routes registered, not listening).
 * @example const { app } = await buildServer({ config, db }); await app.listen({ host: '127.0.0.1', port: 8000 });
 */
export async function buildServer(opts: ServerOptions): Promise<{ app: FastifyInstance; ctx: ServerContext }> {
  const { config, db } = opts;
  const secrets = [config.realtime.azure_connection_string, config.storage.account_key, opts.security?.apiToken];
  const redact = (text: string) => redactText(text, secrets);
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    // Closing the server must not wait for live (SSE) connections; they are ended by the live route's onClose.
    forceCloseConnections: true,
  });
  let deadLetterStore: Promise<DeadLetterStore> | undefined;
  const deadLetters = () => {
    deadLetterStore ??= DeadLetterStore.open(db);
    return deadLetterStore;
  };
  const jobs = new JobRunner();
  let metrics!: ServerMetrics;
  const stream = new StreamControl({
    config,
    db,
    sinkInstance: opts.sinkInstance,
    onBatch: (batch, ms) => metrics.observeBatch(batch, ms),
    onError: (message) => app.log.warn(redact(message)),
  });
  metrics = new ServerMetrics(stream, deadLetters);
  jobs.onChange((job) => metrics.observeJob(job));
  const ctx: ServerContext = {
    config,
    db,
    jobs,
    stream,
    metrics,
    docs: [],
    routes: [],
    startedAt: Date.now(),
    liveFeeds: new Set(),
    deadLetters,
    redact,
  };

  // Requests are parsed with zod in each route (src/server/route.ts); answers are plain JSON.
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.setErrorHandler((err: FastifyError | DatagenError, req, reply) => {
    let statusCode: number;
    let code: string;
    let message: string;
    if (err instanceof DatagenError) {
      statusCode = STATUS[err.code] ?? 500;
      code = err.code;
      message = err.message;
    } else if (err.code && FASTIFY_CODES[err.code]) {
      statusCode = err.statusCode ?? 400;
      ({ code, message } = FASTIFY_CODES[err.code]);
      if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
        message = `${message} (${err.message})`;
    } else if (err.statusCode && err.statusCode < 500) {
      statusCode = err.statusCode;
      code = 'REQUEST_INVALID';
      message = err.message;
    } else {
      statusCode = 500;
      code = 'INTERNAL';
      message = err.message ?? String(err);
      req.log.error({ err }, 'request failed');
    }
    reply.status(statusCode).send({ statusCode, code, message: redact(message) });
  });
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send({
      statusCode: 404,
      code: 'NOT_FOUND',
      message: `no route ${req.method} ${req.url.split('?')[0]}; GET /openapi.json lists the routes`,
    });
  });

  installSecurity(app, opts.security ?? {});
  app.addHook('onRoute', (r) => {
    for (const m of Array.isArray(r.method) ? r.method : [r.method]) ctx.routes.push(`${m} ${r.url}`);
  });
  await app.register(healthRoutes(ctx));
  await app.register(generatorRoutes(ctx), { prefix: '/api/generators' });
  await app.register(streamRoutes(ctx), { prefix: '/api/stream' });
  await app.register(dlqRoutes(ctx), { prefix: '/api/dlq' });
  await app.register(jobRoutes(ctx), { prefix: '/api/jobs' });
  await app.register(worldRoutes(ctx), { prefix: '/api/world' });
  await app.register(openApiRoutes(ctx));
  await app.register(dashboardRoutes(opts.webDir));

  app.addHook('preClose', async () => {
    for (const end of [...ctx.liveFeeds]) end();
  });
  app.addHook('onClose', async () => {
    await jobs.close();
    await stream.close();
  });
  return { app, ctx };
}
