/**
 * Jobs (long work started by /api/generators), under /api/jobs:
 *
 *   GET    /             -> { jobs: Job[] } (newest first)
 *   GET    /:id          -> Job: { id, kind ('master'|'history'), status ('running'|'succeeded'|'failed'|'cancelled'),
 *                                  progress { phase, done, total, fraction (0..1), detail }, created_at, finished_at,
 *                                  cancel_requested, result, error { code, message } | null }; 404 NOT_FOUND
 *   POST   /:id/cancel   -> Job (cancel_requested true; status becomes 'cancelled' at the next safe point)
 *   DELETE /:id          -> the same as POST /:id/cancel
 */

import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../app.js';
import { defineRoute } from '../route.js';
import { errorSchema, jobListSchema, jobParamsSchema, jobSchema } from '../schemas.js';

export function jobRoutes(ctx: ServerContext): FastifyPluginAsync {
  return async (app) => {
    const { jobs, docs } = ctx;
    const tags = ['jobs'];
    defineRoute(app, docs, {
      method: 'GET',
      url: '/',
      summary: 'List the jobs (the running one and the last finished ones)',
      tags,
      response: { 200: jobListSchema },
      handler: () => ({ jobs: jobs.list() }),
    });
    defineRoute(app, docs, {
      method: 'GET',
      url: '/:id',
      summary: 'A job with its progress',
      tags,
      params: jobParamsSchema,
      response: { 200: jobSchema, 404: errorSchema },
      handler: (req) => jobs.get(req.params.id),
    });
    for (const [method, url] of [
      ['POST', '/:id/cancel'],
      ['DELETE', '/:id'],
    ] as const)
      defineRoute(app, docs, {
        method,
        url,
        summary: 'Cancel a running job',
        tags,
        params: jobParamsSchema,
        response: { 200: jobSchema, 404: errorSchema },
        handler: (req) => jobs.cancel(req.params.id),
      });
  };
}
