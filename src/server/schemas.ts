// The shapes of the HTTP API as zod schemas: request bodies and queries are parsed with them, and the OpenAPI
// document's JSON Schemas are derived from them.

import { z } from 'zod';
import { EVENT_TYPES } from '../events/types.js';
import { SINK_KINDS } from '../sinks/registry.js';

const isoTime = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(s) || s.length <= 10 ? s : `${s}Z`)), {
    message: 'expected a time such as 2024-03-01T12:00:00Z, or a date such as 2024-03-01',
  });
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD, e.g. 2024-01-01');
const counts = z.record(z.string(), z.number());

/** `{ statusCode, code, message }`: every error answer. */
export const errorSchema = z
  .object({
    statusCode: z.number().int().describe('HTTP status.'),
    code: z.string().describe('Stable error code, e.g. REQUEST_INVALID, STREAM_RUNNING.'),
    message: z.string().describe('What went wrong, naming the field and how to fix it.'),
  })
  .describe('An error.');

// ---- jobs

export const jobKindSchema = z.enum(['master', 'history']);
export const jobStatusSchema = z.enum(['running', 'succeeded', 'failed', 'cancelled']);

export const jobSchema = z.object({
  id: z.string().describe('Job id.'),
  kind: jobKindSchema,
  status: jobStatusSchema,
  progress: z.object({
    phase: z.string().describe('What the job is doing, e.g. build, store, day.'),
    done: z.number().describe('Units done (rows, days).'),
    total: z.number().describe('Units in all.'),
    fraction: z.number().min(0).max(1).describe('done / total, from 0 to 1.'),
    detail: z.string().nullable().describe('E.g. the last day written.'),
  }),
  created_at: z.string(),
  finished_at: z.string().nullable(),
  cancel_requested: z.boolean(),
  result: z.record(z.string(), z.unknown()).nullable().describe('What the job produced, once succeeded.'),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

export const jobListSchema = z.object({ jobs: z.array(jobSchema) });
export const jobParamsSchema = z.object({ id: z.string().min(1).describe('Job id.') }).strict();

// ---- generators

export const masterStartSchema = z
  .object({
    force: z
      .boolean()
      .default(false)
      .describe('Replace a world built from another seed or config, and drop its history.'),
  })
  .strict();

export const historyStartSchema = z
  .object({
    days: z.number().int().min(1).max(3660).default(7).describe('Days of history to add.'),
    start: date.optional().describe('First day of a new history (default: historical.start_date).'),
    workers: z.number().int().min(1).max(64).optional().describe('Worker threads (default: from the config).'),
  })
  .strict();

export const generatorStateSchema = z.object({
  has_master_data: z.boolean(),
  has_historical_data: z.boolean(),
  last_generated_timestamp: z.string().nullable().describe('End of the history (exclusive), ISO time.'),
  master_generated_at: z.string().nullable(),
  history_start: z.string().nullable(),
  history_end: z.string().nullable().describe('Last day of the history (inclusive).'),
  history_events: z.number(),
  seed: z.number().nullable(),
  config_hash: z.string().nullable(),
  counts: counts.describe('Rows per master-data table.'),
  database: z.string(),
  active_job: jobSchema.nullable(),
});

// ---- stream

export const streamStartSchema = z
  .object({
    duration_minutes: z.number().positive().max(525_600).optional().describe('Stop after this many minutes.'),
    emit_interval_ms: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Burst pacing (the seed): time between bursts (default: realtime.emit_interval_ms).'),
    burst: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Burst pacing (the seed): events per burst (default: realtime.burst).'),
    speed: z
      .union([z.number().positive().max(1_000_000), z.literal('max'), z.literal('live')], {
        error:
          "expected a positive number of simulated seconds per second (1 = real time), 'max', or 'live' (catch up with the clock, then real time)",
      })
      .optional()
      .describe(
        "Simulated seconds per second (1 = real time), 'max', or 'live' (each event at its simulated instant on the wall clock: catches up, then real time). Default 1.",
      ),
    rate: z
      .number()
      .positive()
      .max(10_000_000)
      .optional()
      .describe('A fixed rate (events/s) instead of simulated time.'),
    until: isoTime.optional().describe('Stop before this simulated time (ISO, UTC).'),
    sink: z
      .enum(SINK_KINDS as [string, ...string[]])
      .optional()
      .describe('Where events go (default: stream.sink).'),
    max_events: z.number().int().positive().optional().describe('Stop after this many events.'),
    name: z.string().min(1).max(200).optional().describe('Checkpoint name (default: derived from the stream).'),
    fresh: z.boolean().optional().describe('Ignore the saved checkpoint and start from the beginning.'),
    source: z
      .enum(['simulator', 'replay'])
      .default('simulator')
      .describe('The world continued live, or the stored history.'),
    from: isoTime.optional().describe('Replay: first instant (inclusive).'),
    to: isoTime.optional().describe('Replay: last instant (exclusive).'),
    restamp: z.boolean().optional().describe('Replay: shift event times so that the replay looks live.'),
  })
  .strict()
  .superRefine((v, ctx) => {
    const pacings = [
      v.speed !== undefined && 'speed',
      v.rate !== undefined && 'rate',
      (v.burst !== undefined || v.emit_interval_ms !== undefined) && 'burst/emit_interval_ms',
    ].filter(Boolean);
    if (pacings.length > 1)
      ctx.addIssue({
        code: 'custom',
        path: [String(pacings[1]).split('/')[0]],
        message: `choose one pacing: ${pacings.join(' or ')}; remove the others`,
      });
    if (v.source === 'replay' && (v.from === undefined || v.to === undefined))
      ctx.addIssue({
        code: 'custom',
        path: [v.from === undefined ? 'from' : 'to'],
        message: 'source replay needs from and to',
      });
    if (v.source !== 'replay')
      for (const k of ['from', 'to', 'restamp'] as const)
        if (v[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: 'only with source: replay' });
  });

export type StreamStartBody = z.output<typeof streamStartSchema>;

export const streamStateSchema = z.enum(['idle', 'running', 'paused', 'draining', 'stopped']);

const latency = z.object({ p50: z.number(), p95: z.number(), p99: z.number(), count: z.number() });

export const statisticsSchema = z.object({
  state: streamStateSchema,
  stream: z.string().nullable().describe('Name of the stream (its checkpoint), null before the first start.'),
  sink: z.string().nullable(),
  started_at: z.string().nullable(),
  uptime_seconds: z.number(),
  events_generated: z.number(),
  events_sent: z.number(),
  events_failed: z.number().describe('Failed send attempts (per event; retried events count each time).'),
  events_dropped: z.number(),
  events_retried: z.number(),
  events_dead_lettered: z.number(),
  events_per_second: z.number().describe('Events sent per second over the last 10 s.'),
  events_per_second_by_type: counts,
  generated_by_type: counts,
  sent_by_type: counts,
  sent_by_destination: counts,
  dropped_by_type: counts,
  dead_lettered_by_type: counts,
  batches_sent: z.number(),
  batch_size_avg: z.number(),
  last_batch_size: z.number(),
  send_latency_ms: latency,
  end_to_end_latency_ms: latency,
  queue_depth: z.number(),
  queue_capacity: z.number(),
  queue_by_lane: counts,
  batched: z.number().describe('Events waiting in partly filled batches.'),
  circuit: z.object({
    state: z.enum(['closed', 'open', 'half_open']),
    consecutiveFailures: z.number(),
    opens: z.number(),
    lastOpenedAt: z.number().nullable(),
    openMs: z.number(),
  }),
  checkpoint: z.object({ position: z.number(), saved_position: z.number(), ahead: z.number() }),
  throttle: z.object({
    active: z.boolean(),
    rate: z.number().nullable(),
    level: z.number(),
    signals: z.array(
      z.object({ name: z.string(), level: z.enum(['ok', 'high', 'critical']), value: z.number().optional() }),
    ),
    adjustments: z.array(
      z.object({ at: z.string(), from: z.number().nullable(), to: z.number().nullable(), reason: z.string() }),
    ),
  }),
  consumer_lag: z.number().nullable().describe('Events the consumer group has yet to read, when the sink knows.'),
});

export type StatisticsBody = z.output<typeof statisticsSchema>;

export const streamStatusSchema = z.object({
  is_streaming: z.boolean().describe('True while running or paused.'),
  state: streamStateSchema,
  stream: z.string().nullable(),
  sink: z.string().nullable(),
  started_at: z.string().nullable(),
  uptime_seconds: z.number(),
  events_generated: z.number(),
  events_sent: z.number(),
  events_per_second: z.number(),
  resumed_from: z.number().describe('Checkpoint position the stream resumed after.'),
  pacing: z.record(z.string(), z.unknown()).nullable(),
  failure: z.string().nullable().describe('Why the stream stopped on its own, if it failed.'),
});

export const streamStartResultSchema = z.object({
  status: z.literal('started'),
  stream: z.string(),
  sink: z.string(),
  resumed_from: z.number(),
  pacing: z.record(z.string(), z.unknown()),
});

export const streamActionResultSchema = z.object({
  status: streamStateSchema,
  message: z.string(),
  statistics: statisticsSchema,
});

export const streamHealthSchema = z.object({
  overall_healthy: z.boolean(),
  components: z.record(
    z.string(),
    z.object({ healthy: z.boolean() }).catchall(z.union([z.string(), z.number(), z.boolean(), z.null()])),
  ),
});

export const streamTestSchema = z
  .object({
    sink: z
      .enum(SINK_KINDS as [string, ...string[]])
      .optional()
      .describe('Sink to test (default: stream.sink).'),
    timeout_ms: z.number().int().min(100).max(60_000).default(10_000).describe('Give up after this long.'),
  })
  .strict();

export const streamTestResultSchema = z.object({
  success: z.boolean(),
  sink: z.string(),
  response_time_ms: z.number(),
  message: z.string(),
  error_type: z.string().optional(),
  details: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("What the destination said of itself, e.g. an event hub's partition_count."),
});

export const eventSchema = z
  .object({
    event_id: z.string(),
    event_type: z
      .string()
      .describe(`One of the retail types (${EVENT_TYPES.join(', ')}), or a configured source's record type.`),
    event_ts: z.string(),
    ingest_timestamp: z.string(),
    trace_id: z.string(),
    partition_key: z.string(),
    correlation_id: z.string().optional(),
    schema_version: z.string(),
    source: z.string(),
    payload: z.record(z.string(), z.unknown()),
  })
  .describe('An event envelope (see `retail-datagen schema` for each payload).');

export const recentEventsQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(100).describe('At most this many (newest last).'),
    type: z.string().optional().describe('Only this event type.'),
    partition_key: z.string().optional().describe('Only this partition key, e.g. store_12.'),
  })
  .strict();

export const recentEventsSchema = z.object({
  events: z.array(z.object({ destination: z.string(), envelope: eventSchema })),
});

export const liveQuerySchema = z
  .object({
    interval_ms: z.coerce.number().int().min(100).max(60_000).default(1000).describe('Time between messages.'),
    events: z.coerce.number().int().min(0).max(500).default(50).describe('Recent events per message, at most.'),
  })
  .strict();

// ---- dead letters

const statusFilter = z.enum(['pending', 'delivered', 'gave_up']);

export const dlqFilterSchema = z
  .object({
    type: z.string().optional().describe('Only this event type.'),
    error: z.string().optional().describe('Only this error code, or errors containing this text.'),
    destination: z.string().optional(),
    status: statusFilter.optional(),
    from: isoTime.optional().describe('Last failure at or after this time.'),
    to: isoTime.optional().describe('Last failure before this time.'),
    limit: z.coerce.number().int().min(1).max(100_000).optional(),
  })
  .strict();

export const dlqActionSchema = dlqFilterSchema
  .extend({
    ids: z.array(z.number().int().positive()).max(100_000).optional().describe('Only these dead-letter ids.'),
    sink: z
      .enum(SINK_KINDS as [string, ...string[]])
      .optional()
      .describe('Replay: sink to send through.'),
  })
  .strict();

export const deadLetterSchema = z.object({
  id: z.number(),
  stream: z.string(),
  event_id: z.string(),
  event_type: z.string(),
  destination: z.string(),
  envelope: z.unknown().describe('The event envelope as it was sent.'),
  error_code: z.string(),
  last_error: z.string(),
  retriable: z.boolean(),
  attempts: z.number(),
  first_failed_at: z.string(),
  last_failed_at: z.string(),
  next_retry_at: z.string().nullable(),
  status: statusFilter,
});

export const dlqListSchema = z.object({ dead_letters: z.array(deadLetterSchema), count: z.number() });

export const dlqStatsSchema = z.object({
  total: z.number(),
  byStatus: counts,
  byType: counts,
  byError: counts,
});

export const dlqCountResultSchema = z.object({ count: z.number(), message: z.string() });

export const dlqReplayResultSchema = z.object({
  sink: z.string(),
  delivered: z.number(),
  failed: z.number(),
  gaveUp: z.number(),
});

// ---- health

export const aliveSchema = z.object({ status: z.literal('ok'), uptime_seconds: z.number() });

export const readySchema = z.object({
  ready: z.boolean(),
  checks: z.object({
    database: z.object({ ok: z.boolean(), detail: z.string() }),
    sink: z.object({ ok: z.boolean(), detail: z.string() }),
    circuit: z.object({ ok: z.boolean(), detail: z.string() }),
  }),
});

export const emptyQuerySchema = z.object({}).strict();
