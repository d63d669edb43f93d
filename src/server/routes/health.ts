/**
 * For orchestrators and Prometheus:
 *
 *   GET /health   -> 200 { status: 'ok', uptime_seconds }  (the process answers)
 *   GET /ready    -> 200 | 503 { ready, checks: { database, sink, circuit: { ok, detail } } }
 *                    (database answers, the stream's sink is connected, its circuit is not open)
 *   GET /metrics  -> Prometheus text format; the `retail_datagen_` metrics are listed in the README
 */

import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../app.js';
import { defineRoute } from '../route.js';
import { aliveSchema, readySchema } from '../schemas.js';

const CHECK_TIMEOUT_MS = 2000;

async function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${what}: no answer within ${CHECK_TIMEOUT_MS} ms`)),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(ctx: ServerContext): FastifyPluginAsync {
  return async (app) => {
    const { docs } = ctx;
    const tags = ['health'];
    defineRoute(app, docs, {
      method: 'GET',
      url: '/health',
      summary: 'Liveness: the process answers',
      tags,
      response: { 200: aliveSchema },
      handler: () => ({ status: 'ok' as const, uptime_seconds: Math.round((Date.now() - ctx.startedAt) / 1000) }),
    });

    defineRoute(app, docs, {
      method: 'GET',
      url: '/ready',
      summary: 'Readiness: database open, sink connected, circuit not open (503 otherwise)',
      tags,
      response: { 200: readySchema, 503: readySchema },
      handler: async (_req, reply) => {
        const database = await withTimeout(ctx.db.all('SELECT 1 AS ok'), 'database')
          .then(() => ({ ok: true, detail: `${ctx.db.path} open` }))
          .catch((err: Error) => ({ ok: false, detail: ctx.redact(err.message) }));
        const s = ctx.stream.current;
        const streaming = ctx.stream.active && s !== null;
        let sink = { ok: true, detail: 'no stream running' };
        let circuit = { ok: true, detail: 'no stream running' };
        if (streaming) {
          sink = await withTimeout(s.sink.check?.() ?? Promise.resolve({ ok: true, detail: undefined }), 'sink')
            .then((h) => ({ ok: h.ok, detail: ctx.redact(h.detail ?? `${s.sink.kind} sink connected`) }))
            .catch((err: Error) => ({ ok: false, detail: ctx.redact(err.message) }));
          const c = s.pipeline.circuit.stats();
          circuit = {
            ok: c.state !== 'open',
            detail:
              c.state === 'open'
                ? `circuit open after ${c.consecutiveFailures} consecutive failures; retrying in ${Math.ceil(s.pipeline.circuit.untilRetryMs() / 1000)} s`
                : `circuit ${c.state}`,
          };
        }
        const ready = database.ok && sink.ok && circuit.ok;
        reply.status(ready ? 200 : 503);
        return { ready, checks: { database, sink, circuit } };
      },
    });

    defineRoute(app, docs, {
      method: 'GET',
      url: '/metrics',
      summary: 'Prometheus metrics (text format)',
      tags,
      produces: 'text/plain',
      response: {},
      handler: async (_req, reply) => {
        const text = await ctx.metrics.render();
        return reply.type(ctx.metrics.contentType).send(text);
      },
    });
  };
}
