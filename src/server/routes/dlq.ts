/**
 * The dead-letter store, under /api/dlq (filters: type, error, destination, status, from, to, limit):
 *
 *   GET  /?filters          -> { dead_letters: DeadLetter[], count }  (envelope parsed; newest last)
 *   GET  /stats?filters     -> { total, byStatus{}, byType{}, byError{} }
 *   POST /retry   body: { filters..., ids? }        -> { count, message }  (due now; a running stream retries them)
 *   POST /replay  body: { filters..., ids?, sink? } -> { sink, delivered, failed, gaveUp }
 *   POST /purge   body: { filters..., ids? }        -> { count, message }
 */

import type { FastifyPluginAsync } from 'fastify';
import { parseInstant } from '../../commands/stream.js';
import { replayDeadLetters } from '../../jobs/dead-letters.js';
import type { DeadLetterFilter } from '../../store/dead-letters.js';
import type { ServerContext } from '../app.js';
import { defineRoute } from '../route.js';
import {
  dlqActionSchema,
  dlqCountResultSchema,
  dlqFilterSchema,
  dlqListSchema,
  dlqReplayResultSchema,
  dlqStatsSchema,
  errorSchema,
} from '../schemas.js';

const iso = (field: string, s: string | undefined) =>
  s === undefined ? undefined : new Date(parseInstant(field, s)).toISOString();

function filterOf(q: {
  type?: string;
  error?: string;
  destination?: string;
  status?: DeadLetterFilter['status'];
  from?: string;
  to?: string;
  limit?: number;
  ids?: number[];
}): DeadLetterFilter {
  return { ...q, from: iso('from', q.from), to: iso('to', q.to) };
}

export function dlqRoutes(ctx: ServerContext): FastifyPluginAsync {
  return async (app) => {
    const { docs } = ctx;
    const tags = ['dead letters'];
    defineRoute(app, docs, {
      method: 'GET',
      url: '/',
      summary: 'List dead letters',
      tags,
      querystring: dlqFilterSchema,
      response: { 200: dlqListSchema, 400: errorSchema },
      handler: async (req) => {
        const store = await ctx.deadLetters();
        const rows = await store.list(filterOf({ limit: 1000, ...req.query }));
        const dead_letters = rows.map((r) => {
          let envelope: unknown = r.envelope;
          try {
            envelope = JSON.parse(r.envelope);
          } catch {}
          return { ...r, envelope, last_error: ctx.redact(r.last_error) };
        });
        return { dead_letters, count: dead_letters.length };
      },
    });
    defineRoute(app, docs, {
      method: 'GET',
      url: '/stats',
      summary: 'Dead-letter counts by status, event type and error',
      tags,
      querystring: dlqFilterSchema,
      response: { 200: dlqStatsSchema, 400: errorSchema },
      handler: async (req) => (await ctx.deadLetters()).stats(filterOf(req.query)),
    });
    defineRoute(app, docs, {
      method: 'POST',
      url: '/retry',
      summary: 'Make matching dead letters due now (a running stream retries them on its schedule)',
      tags,
      body: dlqActionSchema.omit({ sink: true }),
      response: { 200: dlqCountResultSchema, 400: errorSchema },
      handler: async (req) => {
        const count = await (await ctx.deadLetters()).requeue(filterOf(req.body));
        return { count, message: `${count} dead letters due for retry` };
      },
    });
    defineRoute(app, docs, {
      method: 'POST',
      url: '/replay',
      summary: 'Send matching dead letters now through a sink and mark the delivered ones',
      tags,
      body: dlqActionSchema,
      response: { 200: dlqReplayResultSchema, 400: errorSchema },
      handler: async (req) => {
        const { sink, ...filter } = req.body;
        return replayDeadLetters(ctx.config, ctx.db, await ctx.deadLetters(), filterOf(filter), sink);
      },
    });
    defineRoute(app, docs, {
      method: 'POST',
      url: '/purge',
      summary: 'Delete matching dead letters',
      tags,
      body: dlqActionSchema.omit({ sink: true }),
      response: { 200: dlqCountResultSchema, 400: errorSchema },
      handler: async (req) => {
        const count = await (await ctx.deadLetters()).purge(filterOf(req.body));
        return { count, message: `${count} dead letters purged` };
      },
    });
  };
}
