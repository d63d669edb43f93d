// Ingestion modes: when a polling source pulls and how it hands records on. A small strategy interface; each mode
// is its own implementation (batch, real_time, continuous_streaming), none derived from another.

import { z } from 'zod';
import { Channel } from '../channel.js';
import { cronProblem } from './cron.js';

/** What one pull gave: records, and whether another page is there right now (follow it before waiting). */
export interface PollResult<T> {
  records: T[];
  more: boolean;
}

/** One pull of the source (an HTTP request, a read of new lines). */
export type Poll<T> = (signal: AbortSignal) => Promise<PollResult<T>>;

/** Hands records on; resolves once downstream took them (backpressure). */
export type Deliver<T> = (records: T[]) => Promise<void>;

/** Counters of a mode. @example mode.metrics().polls */
export interface ModeMetrics {
  mode: ModeKind;
  running: boolean;
  polls: number;
  poll_errors: number;
  records: number;
  /** Records pulled but not yet handed on (continuous_streaming's buffer). */
  buffered: number;
  last_poll_at: string | null;
  last_error: string | null;
  next_poll_at: string | null;
}

/**
 * An ingestion mode: starts a loop that polls on its schedule and delivers what it gets, until stopped.
 * @example mode.start(poll, deliver); ...; await mode.stop();
 */
export interface IngestionMode {
  readonly kind: ModeKind;
  readonly running: boolean;
  start<T>(poll: Poll<T>, deliver: Deliver<T>, onError?: (err: unknown) => void): void;
  /** Stops polling; resolves once the loop has ended. A mode can be started again afterwards. */
  stop(): Promise<void>;
  metrics(): ModeMetrics;
}

export const MODE_KINDS = ['batch', 'real_time', 'continuous_streaming'] as const;
/** @example const k: ModeKind = 'real_time'; */
export type ModeKind = (typeof MODE_KINDS)[number];

const seconds = (what: string, dflt: number, min: number) =>
  z
    .number()
    .min(min)
    .max(86_400 * 31)
    .default(dflt)
    .describe(what);

/**
 * The `ingestion` setting of a source, by mode. The key names follow seed 003's config.
 * @example ingestionSchema.parse({ mode: 'real_time', polling_interval_seconds: 30 })
 */
export const ingestionSchema = z.discriminatedUnion('mode', [
  z
    .object({
      mode: z.literal('batch').describe('Scheduled bulk pull: every page at each tick, then wait.'),
      schedule_interval_seconds: z
        .number()
        .min(0.01)
        .max(86_400 * 31)
        .optional()
        .describe('Seconds between pulls (give this or cron).'),
      cron: z
        .string()
        .superRefine((t, ctx) => {
          const p = cronProblem(t);
          if (p) ctx.addIssue({ code: 'custom', message: p });
        })
        .optional()
        .describe("Five-field UTC cron of the pulls, e.g. '0 * * * *' (give this or schedule_interval_seconds)."),
      batch_size: z.number().int().min(1).max(1_000_000).default(1000).describe('Records handed on at a time.'),
    })
    .strict()
    .superRefine((m, ctx) => {
      if ((m.schedule_interval_seconds === undefined) === (m.cron === undefined)) {
        ctx.addIssue({ code: 'custom', message: 'batch mode needs exactly one of schedule_interval_seconds or cron' });
      }
    }),
  z
    .object({
      mode: z.literal('real_time').describe('Poll every polling_interval_seconds (following pages at once).'),
      polling_interval_seconds: seconds('Seconds between polls.', 30, 0.01),
    })
    .strict(),
  z
    .object({
      mode: z
        .literal('continuous_streaming')
        .describe('High-frequency polling into a buffer that is drained as fast as the pipeline takes it.'),
      polling_interval_seconds: seconds('Seconds between polls.', 1, 0.01),
      buffer_size: z
        .number()
        .int()
        .min(1)
        .max(1_000_000)
        .default(200)
        .describe('Records held between polling and the pipeline; polling waits while it is full.'),
    })
    .strict(),
]);

/** Parsed ingestion settings. @example const i: IngestionConfig = { mode: 'real_time', polling_interval_seconds: 5 }; */
export type IngestionConfig = z.output<typeof ingestionSchema>;

/** Clock and timers, injectable for tests. */
export interface ModeClock {
  now?: () => number;
}

/**
 * Runs a mode until `signal` aborts and yields what `toEvents` makes of each delivery, one batch at a time
 * (the mode waits while the consumer has not taken the last batch).
 * @example yield* runMode(this.mode, (s) => this.poll(s), (got) => this.toEvents(got), signal, onError);
 */
export async function* runMode<T, E>(
  mode: IngestionMode,
  poll: Poll<T>,
  toEvents: (delivered: T[]) => E[],
  signal: AbortSignal,
  onError?: (err: unknown) => void,
): AsyncGenerator<E[]> {
  const out = new Channel<E[]>(1);
  mode.start(
    poll,
    async (delivered) => {
      const events = toEvents(delivered);
      if (events.length > 0) await out.put(events);
    },
    onError,
  );
  const onAbort = () => {
    void mode.stop().then(() => out.close());
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const batch of out) yield batch;
  } finally {
    signal.removeEventListener('abort', onAbort);
    out.close();
    await mode.stop();
  }
}
