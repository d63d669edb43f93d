// The one shared retry helper: exponential backoff with full jitter, a cap, a bail-out on fatal errors and on abort.

import { setTimeout as delay } from 'node:timers/promises';
import { DatagenError } from '../errors.js';
import { Rng } from '../random.js';

/** Shape of the backoff. @example { baseMs: 100, maxMs: 30_000, multiplier: 2, random: () => 0.5 } */
export interface BackoffOptions {
  /** Cap of the first retry's delay. */
  baseMs: number;
  /** Cap of any delay. */
  maxMs: number;
  /** Growth of the cap per attempt. */
  multiplier: number;
  /** A source of floats in [0, 1). */
  random: () => number;
}

/**
 * The delay before retry number `attempt` (1 = the first retry): full jitter,
 * `random() * min(maxMs, baseMs * multiplier^(attempt-1))`. Full jitter spreads the retries of many senders
 * that failed together, so they do not hit a recovering broker in lockstep.
 * @example backoffDelay(3, { baseMs: 100, maxMs: 1000, multiplier: 2, random: () => 0.5 }) === 200
 */
export function backoffDelay(attempt: number, opts: BackoffOptions): number {
  const cap = Math.min(opts.maxMs, opts.baseMs * opts.multiplier ** Math.max(0, attempt - 1));
  return opts.random() * cap;
}

/** Options of {@link retry}. @example { attempts: 3, baseMs: 100, maxMs: 30_000, multiplier: 2, isRetriable } */
export interface RetryOptions extends Omit<BackoffOptions, 'random'> {
  /** Retries after the first try: `attempts: 3` means at most 4 calls. */
  attempts: number;
  /** False for errors that a retry cannot fix (auth, too large, unknown topic): they end the retries at once. */
  isRetriable: (err: unknown) => boolean;
  /** Default: a real timer. Tests pass a fake that records the delays. */
  sleep?: (ms: number) => Promise<void>;
  /** Default: a PRNG seeded from the clock (jitter needs no reproducibility, only spread). */
  random?: () => number;
  /** The delay to use instead of the backoff for an error, e.g. a server's Retry-After; undefined keeps the backoff. */
  delayFor?: (err: unknown, backoffMs: number) => number | undefined;
  /** Called before each wait: the error, the number of the attempt that failed (1-based) and the delay. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /** Aborting stops the retries: no new attempt starts and a pending wait ends early. */
  signal?: AbortSignal;
  /** Names the operation in the error message, e.g. 'kafka send'. */
  label?: string;
}

/** Why {@link retry} gave up; in `details` of the error it throws. @example { attempts: 4, reason: 'exhausted' } */
export interface RetryFailure {
  /** Calls made, the first try included. */
  attempts: number;
  reason: 'exhausted' | 'fatal' | 'aborted';
}

const jitter = Rng.of('retry-jitter', Date.now());
const defaultRandom = (): number => jitter.next();

/**
 * Calls `fn(attempt)` (attempt 1 is the first try) until it resolves, retrying retriable failures after a
 * backoff delay. When it gives up it throws a DatagenError whose `cause` is the last error and whose `details`
 * is a {@link RetryFailure}:
 * - `RETRY_EXHAUSTED`: every attempt failed with a retriable error;
 * - `RETRY_FATAL`: `isRetriable` said no, so it stopped at once;
 * - `ABORTED`: the signal fired (the cause is the last error, or the abort reason when no attempt failed).
 * The codes are not retriable, so an outer loop does not multiply the attempts.
 * @example
 * const acks = await retry((n) => producer.send(batch), {
 *   attempts: 3, baseMs: 100, maxMs: 10_000, multiplier: 2, isRetriable: (e) => isDatagenError(e) && e.retriable,
 * });
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const { signal } = opts;
  // The real timer is given the signal so that an abort also clears it instead of keeping the process alive.
  const sleep = opts.sleep ?? ((ms: number) => delay(ms, undefined, { signal }).catch(() => undefined));
  const random = opts.random ?? defaultRandom;
  const label = opts.label ?? 'operation';
  if (!(opts.attempts >= 0)) {
    throw new DatagenError('CONFIG_INVALID', `retry attempts must be 0 or more; got ${opts.attempts}`);
  }
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw giveUp(label, 'aborted', attempt - 1, undefined, signal.reason);
    let error: unknown;
    try {
      return await fn(attempt);
    } catch (err) {
      error = err;
    }
    if (!opts.isRetriable(error)) throw giveUp(label, 'fatal', attempt, error);
    if (attempt > opts.attempts) throw giveUp(label, 'exhausted', attempt, error);
    if (signal?.aborted) throw giveUp(label, 'aborted', attempt, error);
    const backoffMs = backoffDelay(attempt, { ...opts, random });
    const delayMs = opts.delayFor?.(error, backoffMs) ?? backoffMs;
    opts.onRetry?.(error, attempt, delayMs);
    if (!(await sleepUnlessAborted(sleep, delayMs, signal))) throw giveUp(label, 'aborted', attempt, error);
  }
}

/** The RetryFailure of an error thrown by {@link retry}, else undefined. @example retryFailure(err)?.attempts */
export function retryFailure(err: unknown): RetryFailure | undefined {
  if (!(err instanceof DatagenError)) return undefined;
  if (err.code !== 'RETRY_EXHAUSTED' && err.code !== 'RETRY_FATAL' && err.code !== 'ABORTED') return undefined;
  const d = err.details as Partial<RetryFailure> | undefined;
  return typeof d?.attempts === 'number' && d.reason ? { attempts: d.attempts, reason: d.reason } : undefined;
}

// Resolves true when the sleep ended, false when the signal fired first.
async function sleepUnlessAborted(
  sleep: (ms: number) => Promise<void>,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  if (!signal) {
    await sleep(ms);
    return true;
  }
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<false>((resolve) => {
    onAbort = () => resolve(false);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([sleep(ms).then(() => !signal.aborted), aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

function giveUp(
  label: string,
  reason: RetryFailure['reason'],
  attempts: number,
  cause: unknown,
  abortReason?: unknown,
): DatagenError {
  const details: RetryFailure = { attempts, reason };
  const why = cause === undefined ? '' : `: ${cause instanceof Error ? cause.message : String(cause)}`;
  const tries = `${attempts} attempt${attempts === 1 ? '' : 's'}`;
  switch (reason) {
    case 'exhausted':
      return new DatagenError('RETRY_EXHAUSTED', `${label} failed after ${tries}${why}`, { cause, details });
    case 'fatal':
      return new DatagenError('RETRY_FATAL', `${label} failed with a non-retriable error (${tries})${why}`, {
        cause,
        details,
      });
    case 'aborted':
      return new DatagenError('ABORTED', `${label} aborted after ${tries}${why}`, {
        cause: cause ?? abortReason,
        details,
      });
  }
}
