/**
 * The live stream's routes, under /api/stream:
 *
 *   POST /start    body: { duration_minutes?, emit_interval_ms?, burst?, speed? (number|'max'), rate?, until?,
 *                          sink?, max_events?, name?, fresh?, source? ('simulator'|'replay'), from?, to?, restamp? }
 *                  -> 202 { status: 'started', stream, sink, resumed_from, pacing }; 409 STREAM_RUNNING
 *   POST /stop | /pause | /resume
 *                  -> 200 { status, message, statistics }; 409 STREAM_NOT_RUNNING
 *   GET  /status   -> { is_streaming, state, stream, sink, started_at, uptime_seconds, events_generated,
 *                       events_sent, events_per_second, resumed_from, pacing, failure }
 *   GET  /statistics -> Statistics: { state ('idle'|'running'|'paused'|'draining'|'stopped'), stream, sink,
 *                       started_at, uptime_seconds, events_generated, events_sent, events_failed, events_dropped,
 *                       events_retried, events_dead_lettered, events_per_second, events_per_second_by_type{},
 *                       generated_by_type{}, sent_by_type{}, sent_by_destination{}, dropped_by_type{},
 *                       dead_lettered_by_type{}, batches_sent, batch_size_avg, last_batch_size,
 *                       send_latency_ms{p50,p95,p99,count}, end_to_end_latency_ms{...}, queue_depth,
 *                       queue_capacity, queue_by_lane{critical,high,normal,low}, batched,
 *                       circuit{state,consecutiveFailures,opens,lastOpenedAt,openMs},
 *                       checkpoint{position,saved_position,ahead}, throttle{active,rate,level,signals[],adjustments[]},
 *                       consumer_lag (number|null) }
 *   GET  /health   -> { overall_healthy, components: { sink, circuit_breaker, queue, pipeline } }
 *   POST /test     body: { sink?, timeout_ms? } -> { success, sink, response_time_ms, message, error_type? }
 *   GET  /events?limit&type&partition_key -> { events: [{ destination, envelope }] } (newest last)
 *   GET  /live?interval_ms=1000&events=50  (Server-Sent Events), every interval:
 *          event: statistics   data: Statistics (as above)
 *          event: events       data: { events: [{ seq, destination, envelope }] }  (delivered since the last message)
 *          event: job          data: Job (see /api/jobs), while a job runs or when it ends
 */

import type { FastifyPluginAsync } from 'fastify';
import { DatagenError } from '../../errors.js';
import { testSinkConnection } from '../../jobs/stream-test.js';
import type { ServerContext } from '../app.js';
import { liveFeed } from '../live.js';
import { defineRoute } from '../route.js';
import {
  errorSchema,
  liveQuerySchema,
  recentEventsQuerySchema,
  recentEventsSchema,
  statisticsSchema,
  streamActionResultSchema,
  streamHealthSchema,
  streamStartResultSchema,
  streamStartSchema,
  streamStatusSchema,
  streamTestResultSchema,
  streamTestSchema,
} from '../schemas.js';

export function streamRoutes(ctx: ServerContext): FastifyPluginAsync {
  return async (app) => {
    const { stream, docs } = ctx;
    const tags = ['stream'];

    defineRoute(app, docs, {
      method: 'POST',
      url: '/start',
      summary: 'Start the live stream (continuing the history) to a sink',
      tags,
      body: streamStartSchema,
      response: { 202: streamStartResultSchema, 400: errorSchema, 409: errorSchema },
      handler: async (req, reply) => {
        if (ctx.jobs.active)
          throw new DatagenError(
            'JOB_RUNNING',
            `job ${ctx.jobs.active.id} (${ctx.jobs.active.kind}) is running; start the stream when it has ended`,
          );
        const r = await stream.start(req.body);
        reply.status(202);
        return { status: 'started' as const, ...r };
      },
    });

    const action = (name: 'stop' | 'pause' | 'resume', summary: string, act: () => Promise<void> | void) =>
      defineRoute(app, docs, {
        method: 'POST',
        url: `/${name}`,
        summary,
        tags,
        response: { 200: streamActionResultSchema, 409: errorSchema },
        handler: async () => {
          await act();
          const statistics = stream.statistics();
          return { status: statistics.state, message: `stream ${statistics.stream} ${statistics.state}`, statistics };
        },
      });
    action('stop', 'Stop the stream: drain the queue to the sink and save the checkpoint', () => stream.stop());
    action('pause', 'Pause the stream (nothing more is generated; what is queued is still sent)', () => stream.pause());
    action('resume', 'Resume a paused stream', () => stream.resume());

    defineRoute(app, docs, {
      method: 'GET',
      url: '/status',
      summary: 'Whether the stream runs, and its main counts',
      tags,
      response: { 200: streamStatusSchema },
      handler: () => stream.status(),
    });

    defineRoute(app, docs, {
      method: 'GET',
      url: '/statistics',
      summary: 'Statistics of the current (or last) stream',
      tags,
      response: { 200: statisticsSchema },
      handler: () => stream.statistics(),
    });

    defineRoute(app, docs, {
      method: 'GET',
      url: '/health',
      summary: 'Health of the stream by component (sink, circuit, queue, pipeline)',
      tags,
      response: { 200: streamHealthSchema },
      handler: () => stream.health(),
    });

    defineRoute(app, docs, {
      method: 'POST',
      url: '/test',
      summary: 'Test the connection to a sink (default: stream.sink)',
      tags,
      body: streamTestSchema,
      response: { 200: streamTestResultSchema, 400: errorSchema },
      handler: (req) =>
        testSinkConnection(ctx.config, {
          sink: req.body.sink,
          timeoutMs: req.body.timeout_ms,
        }),
    });

    defineRoute(app, docs, {
      method: 'GET',
      url: '/events',
      summary: 'Recent delivered events (newest last), filtered by type and partition key',
      tags,
      querystring: recentEventsQuerySchema,
      response: { 200: recentEventsSchema, 400: errorSchema },
      handler: (req) => ({
        events: stream.recent
          .list(req.query.limit, { type: req.query.type, partition_key: req.query.partition_key })
          .map((e) => ({ destination: e.destination, envelope: e.envelope })),
      }),
    });

    defineRoute(app, docs, {
      method: 'GET',
      url: '/live',
      summary: 'Server-Sent Events: statistics every interval, recent events, job progress',
      tags,
      querystring: liveQuerySchema,
      produces: 'text/event-stream',
      response: { 200: statisticsSchema, 400: errorSchema },
      handler: (req, reply) => liveFeed(ctx, req, reply, req.query),
    });
  };
}
