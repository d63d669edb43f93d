// The live feed (GET /api/stream/live): Server-Sent Events with the statistics every interval, the events
// delivered since the last message, and the running job's progress.

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from './app.js';
import type { JobView } from './jobs.js';

/**
 * Takes over the reply and writes SSE messages until the client goes away or the server closes.
 * @example liveFeed(ctx, req, reply, { interval_ms: 1000, events: 50 });
 */
export function liveFeed(
  ctx: ServerContext,
  req: FastifyRequest,
  reply: FastifyReply,
  opts: { interval_ms: number; events: number },
): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  let id = 0;
  let lastEvent = ctx.stream.recent.last;
  let lastJob: string | null = null;
  const send = (event: string, data: unknown) => {
    id++;
    res.write(`id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const tick = () => {
    send('statistics', ctx.stream.statistics());
    if (opts.events > 0) {
      const events = ctx.stream.recent.since(lastEvent, opts.events);
      if (events.length > 0) {
        lastEvent = events[events.length - 1].seq;
        send('events', { events });
      }
    }
    const job: JobView | null = ctx.jobs.active ?? (lastJob ? ctx.jobs.find(lastJob) : null);
    if (job) {
      send('job', job);
      lastJob = job.status === 'running' ? job.id : null;
    }
  };
  res.write(`retry: ${Math.max(1000, opts.interval_ms)}\n\n`);
  tick();
  const timer = setInterval(tick, opts.interval_ms);
  const end = () => {
    clearInterval(timer);
    ctx.liveFeeds.delete(end);
    if (!res.writableEnded) res.end();
  };
  ctx.liveFeeds.add(end);
  req.raw.on('close', end);
  res.on('error', end);
}
