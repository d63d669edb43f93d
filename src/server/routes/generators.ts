/**
 * Generating data, under /api/generators (the seed's routes):
 *
 *   POST /master/start      body: { force? }                 -> 202 Job (kind 'master'); 409 JOB_RUNNING | STREAM_RUNNING
 *   POST /historical/start  body: { days? (7), start?, workers? } -> 202 Job (kind 'history'); 409 as above
 *   GET  /state             -> { has_master_data, has_historical_data, last_generated_timestamp, master_generated_at,
 *                                history_start, history_end, history_events, seed, config_hash, counts{table: rows},
 *                                database, active_job }
 *
 * Jobs run on their own connection to the shared database; follow them with GET /api/jobs/:id or the live feed.
 */

import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../../config/schema.js';
import { DatagenError } from '../../errors.js';
import { runHistory } from '../../jobs/history.js';
import { generateMaster } from '../../jobs/master.js';
import { type Database, openConnection } from '../../store/database.js';
import { readState } from '../../store/state.js';
import type { ServerContext } from '../app.js';
import type { JobContext } from '../jobs.js';
import { defineRoute } from '../route.js';
import { errorSchema, generatorStateSchema, historyStartSchema, jobSchema, masterStartSchema } from '../schemas.js';

async function onConnection<T>(db: Database, fn: (conn: Database) => Promise<T>): Promise<T> {
  const conn = await openConnection(db);
  try {
    return await fn(conn);
  } finally {
    conn.close();
  }
}

/**
 * The master-data job's work: builds and stores the world; cancel stops it while it stores (rolled back).
 * @example jobs.start('master', (job) => masterJob(config, db, job, false));
 */
export function masterJob(config: Config, db: Database, job: JobContext, force: boolean) {
  return onConnection(db, async (conn) => {
    const r = await generateMaster(config, conn, {
      force,
      onProgress: (phase, done, total) => {
        job.throwIfCancelled();
        job.progress(phase, done, total);
      },
    });
    job.progress('done', 1, 1);
    return { unchanged: r.unchanged, counts: r.counts, rows: r.rows, seconds: r.seconds };
  });
}

/**
 * The history job's work: adds days; cancel stops it after the current day (the days written are kept).
 * @example jobs.start('history', (job) => historyJob(config, db, job, { days: 7 }));
 */
export function historyJob(
  config: Config,
  db: Database,
  job: JobContext,
  opts: { days: number; start?: string; workers?: number },
) {
  return onConnection(db, async (conn) => {
    job.progress('day', 0, opts.days);
    const r = await runHistory(config, conn, {
      ...opts,
      shouldStop: () => job.cancelled,
      onDay: (p) => job.progress('day', p.done, p.total, `${p.day}: ${p.events} events`),
    });
    return { ...r };
  });
}

export function generatorRoutes(ctx: ServerContext): FastifyPluginAsync {
  return async (app) => {
    const { config, db, jobs, docs } = ctx;
    const tags = ['generators'];
    const refuseWhileStreaming = () => {
      if (ctx.stream.active)
        throw new DatagenError(
          'STREAM_RUNNING',
          'the stream is running on this database; stop it first (POST /api/stream/stop)',
        );
    };

    defineRoute(app, docs, {
      method: 'POST',
      url: '/master/start',
      summary: 'Build the retail world (master data) into the database, as a job',
      tags,
      body: masterStartSchema,
      response: { 202: jobSchema, 400: errorSchema, 409: errorSchema },
      handler: (req, reply) => {
        refuseWhileStreaming();
        const job = jobs.start('master', (j) => masterJob(config, db, j, req.body.force));
        reply.status(202);
        return job;
      },
    });

    defineRoute(app, docs, {
      method: 'POST',
      url: '/historical/start',
      summary: 'Generate days of history into the fact tables (continuing the last run), as a job',
      tags,
      body: historyStartSchema,
      response: { 202: jobSchema, 400: errorSchema, 409: errorSchema },
      handler: (req, reply) => {
        refuseWhileStreaming();
        const job = jobs.start('history', (j) => historyJob(config, db, j, req.body));
        reply.status(202);
        return job;
      },
    });

    defineRoute(app, docs, {
      method: 'GET',
      url: '/state',
      summary: 'What the database holds: the world, the history range and the row counts',
      tags,
      response: { 200: generatorStateSchema },
      handler: async () => {
        const state = await readState(db);
        const end = state?.history_end ?? null;
        return {
          has_master_data: Boolean(state?.master_generated_at),
          has_historical_data: Boolean(state?.history_end),
          last_generated_timestamp: end ? new Date(Date.parse(`${end}T00:00:00Z`) + 86_400_000).toISOString() : null,
          master_generated_at: state?.master_generated_at ?? null,
          history_start: state?.history_start ?? null,
          history_end: end,
          history_events: state?.history_events ?? 0,
          seed: state?.seed ?? null,
          config_hash: state?.config_hash ?? null,
          counts: state?.counts ?? {},
          database: db.path,
          active_job: jobs.active,
        };
      },
    });
  };
}
