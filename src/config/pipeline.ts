// The `pipeline`, `sinks` and stream-sink settings: queue, batching, retries, circuit breaker, dead letters,
// checkpoints, priorities, routing, throttling, and each sink's own config.

import { z } from 'zod';
import { EVENT_TYPES } from '../events/types.js';
import { PRIORITIES } from '../pipeline/queue.js';
import { routingRulesSchema } from '../pipeline/router.js';
import { SINK_KINDS, SINKS } from '../sinks/registry.js';

const eventType = z.enum(EVENT_TYPES);

export const pipelineSchema = z
  .object({
    overflow: z
      .enum(['block', 'drop_oldest', 'drop_newest'])
      .default('block')
      .describe(
        'When the queue is full: block the source (no loss), or drop and count the oldest or the newest events.',
      ),
    max_batch_bytes: z.number().int().min(1024).default(1_048_576).describe('Largest batch in bytes of JSON.'),
    retry_base_ms: z
      .number()
      .int()
      .min(1)
      .default(100)
      .describe('Cap of the first retry delay (full jitter below it).'),
    retry_max_ms: z.number().int().min(1).default(30_000).describe('Cap of any retry delay.'),
    circuit_failure_threshold: z
      .number()
      .int()
      .min(1)
      .default(5)
      .describe('Consecutive failed sends that open the circuit.'),
    circuit_open_ms: z
      .number()
      .int()
      .min(10)
      .default(30_000)
      .describe('How long the circuit stays open before a probe send.'),
    dead_letter_retry_ms: z.number().int().min(100).default(60_000).describe('How often dead letters are retried.'),
    dead_letter_max_attempts: z
      .number()
      .int()
      .min(1)
      .default(10)
      .describe('Attempts after which a dead letter is given up (kept, status gave_up).'),
    checkpoint_interval_ms: z
      .number()
      .int()
      .min(50)
      .default(1000)
      .describe('How often the delivery watermark is saved.'),
    priorities: z
      .partialRecord(eventType, z.enum(PRIORITIES))
      .default({})
      .describe(
        'Queue lane per event type (critical, high, normal, low; others normal). Lanes overtake each other, so giving types of one store different lanes trades their per-store order for urgency; by default all share one lane and every partition key stays in order.',
      ),
    routing: routingRulesSchema
      .nullable()
      .default(null)
      .describe(
        'Destination per event type, content rules, patterns and a default; null sends everything to stream.hub.',
      ),
    type_rates: z
      .partialRecord(eventType, z.number().min(0).max(1))
      .default({})
      .describe('Keep only this share of an event type in the live stream, e.g. {ble_ping_detected: 0.1}.'),
    throttle_latency_high_ms: z
      .number()
      .positive()
      .default(500)
      .describe('Send latency p95 above which the source slows down.'),
    throttle_latency_critical_ms: z
      .number()
      .positive()
      .default(2000)
      .describe('Send latency p95 above which it slows down hard.'),
    throttle_error_rate_high: z
      .number()
      .min(0)
      .max(1)
      .default(0.05)
      .describe('Share of failed sends above which the source slows down.'),
    throttle_error_rate_critical: z
      .number()
      .min(0)
      .max(1)
      .default(0.25)
      .describe('Share of failed sends above which it slows down hard.'),
    throttle_min_rate: z.number().positive().default(10).describe('Lowest events/s the throttle goes down to.'),
    throttle_consumer_group: z
      .string()
      .min(1)
      .nullable()
      .default(null)
      .describe(
        "Kafka consumer group whose lag on the stream's topics paces the source (kafka sink); null: no lag throttling.",
      ),
    throttle_lag_target: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe('Consumer lag (events) above which the source slows down.'),
    throttle_lag_critical: z
      .number()
      .int()
      .positive()
      .default(5000)
      .describe('Consumer lag (events) above which it slows down hard.'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.throttle_lag_target > v.throttle_lag_critical)
      ctx.addIssue({
        code: 'custom',
        path: ['throttle_lag_target'],
        input: v.throttle_lag_target,
        message: `must be <= throttle_lag_critical (${v.throttle_lag_critical})`,
      });
  });

export const sinkKindSchema = z
  .enum(SINK_KINDS as [string, ...string[]])
  .describe(`Where the live stream goes: ${SINK_KINDS.join(', ')}.`);

export const sinksSchema = z
  .object(
    Object.fromEntries(
      Object.entries(SINKS).map(([k, f]) => [k, (f.configSchema as z.ZodType).prefault({})]),
    ) as Record<string, z.ZodType>,
  )
  .strict();
