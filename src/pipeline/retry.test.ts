// Tests of the retry helper: full-jitter backoff, giving up on fatal errors and exhaustion, and aborting.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DatagenError, isDatagenError } from '../errors.js';
import { Rng } from '../random.js';
import { backoffDelay, type RetryOptions, retry, retryFailure } from './retry.js';

const transient = () => new DatagenError('SINK_SEND_FAILED', 'timeout');
const fatal = () => new DatagenError('SINK_FATAL', 'unknown topic');

function options(overrides: Partial<RetryOptions> = {}) {
  const delays: number[] = [];
  const opts: RetryOptions = {
    attempts: 5,
    baseMs: 100,
    maxMs: 1000,
    multiplier: 2,
    isRetriable: (err) => isDatagenError(err) && err.retriable,
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 0.999,
    ...overrides,
  };
  return { opts, delays };
}

test('backoffDelay is random() times the capped exponential', () => {
  const o = { baseMs: 100, maxMs: 1000, multiplier: 2 };
  assert.equal(backoffDelay(1, { ...o, random: () => 1 }), 100);
  assert.equal(backoffDelay(3, { ...o, random: () => 0.5 }), 200);
  assert.equal(backoffDelay(10, { ...o, random: () => 1 }), 1000);
  assert.equal(backoffDelay(10, { ...o, random: () => 0 }), 0);
});

test('backoffDelay stays within [0, cap] for any draw', () => {
  const rng = Rng.of(7, 'backoff');
  for (let attempt = 1; attempt < 40; attempt++) {
    const cap = Math.min(5000, 50 * 3 ** (attempt - 1));
    for (let i = 0; i < 50; i++) {
      const d = backoffDelay(attempt, { baseMs: 50, maxMs: 5000, multiplier: 3, random: () => rng.next() });
      assert.ok(d >= 0 && d <= cap, `attempt ${attempt}: ${d} outside [0, ${cap}]`);
    }
  }
});

test('retry returns the first success and passes the attempt number', async () => {
  const { opts, delays } = options();
  const seen: number[] = [];
  const result = await retry(async (attempt) => {
    seen.push(attempt);
    if (attempt < 3) throw transient();
    return 'ok';
  }, opts);
  assert.equal(result, 'ok');
  assert.deepEqual(seen, [1, 2, 3]);
  assert.equal(delays.length, 2);
});

test('retry waits growing delays bounded by the cap', async () => {
  const { opts, delays } = options({ attempts: 6 });
  const retried: Array<[number, number]> = [];
  opts.onRetry = (_err, attempt, ms) => retried.push([attempt, ms]);
  await assert.rejects(
    retry(async () => {
      throw transient();
    }, opts),
  );
  assert.deepEqual(
    delays.map((d) => Math.round(d)),
    [100, 200, 400, 799, 999, 999],
  );
  for (let i = 1; i < delays.length; i++) assert.ok(delays[i] >= delays[i - 1]);
  assert.ok(delays.every((d) => d <= 1000));
  assert.deepEqual(
    retried.map(([a]) => a),
    [1, 2, 3, 4, 5, 6],
  );
  assert.deepEqual(
    retried.map(([, ms]) => ms),
    delays,
  );
});

test('retry gives up after the configured retries with the last error and the attempt count', async () => {
  const { opts } = options({ attempts: 2 });
  let calls = 0;
  const err = await retry(async () => {
    calls++;
    throw new DatagenError('SINK_SEND_FAILED', `timeout ${calls}`);
  }, opts).catch((e: unknown) => e);
  assert.equal(calls, 3);
  assert.ok(isDatagenError(err, 'RETRY_EXHAUSTED'));
  assert.equal(err.retriable, false);
  assert.equal((err.cause as Error).message, 'timeout 3');
  assert.deepEqual(retryFailure(err), { attempts: 3, reason: 'exhausted' });
  assert.match(err.message, /failed after 3 attempts: timeout 3/);
});

test('a fatal error ends the retries at once', async () => {
  const { opts, delays } = options();
  let calls = 0;
  const err = await retry(async () => {
    calls++;
    throw calls === 1 ? transient() : fatal();
  }, opts).catch((e: unknown) => e);
  assert.equal(calls, 2);
  assert.equal(delays.length, 1);
  assert.ok(isDatagenError(err, 'RETRY_FATAL'));
  assert.ok(isDatagenError(err.cause, 'SINK_FATAL'));
  assert.deepEqual(retryFailure(err), { attempts: 2, reason: 'fatal' });
});

test('zero attempts means one try and no wait', async () => {
  const { opts, delays } = options({ attempts: 0 });
  const err = await retry(async () => {
    throw transient();
  }, opts).catch((e: unknown) => e);
  assert.deepEqual(retryFailure(err), { attempts: 1, reason: 'exhausted' });
  assert.deepEqual(delays, []);
});

test('aborting during a wait ends the retries without another attempt', async () => {
  const controller = new AbortController();
  let calls = 0;
  const { opts } = options({
    signal: controller.signal,
    sleep: () => new Promise<void>(() => controller.abort()),
  });
  const err = await retry(async () => {
    calls++;
    throw transient();
  }, opts).catch((e: unknown) => e);
  assert.equal(calls, 1);
  assert.ok(isDatagenError(err, 'ABORTED'));
  assert.ok(isDatagenError(err.cause, 'SINK_SEND_FAILED'));
  assert.deepEqual(retryFailure(err), { attempts: 1, reason: 'aborted' });
});

test('an already aborted signal prevents the first try', async () => {
  const { opts } = options({ signal: AbortSignal.abort(new Error('shutting down')) });
  let calls = 0;
  const err = await retry(async () => {
    calls++;
    return 1;
  }, opts).catch((e: unknown) => e);
  assert.equal(calls, 0);
  assert.ok(isDatagenError(err, 'ABORTED'));
  assert.equal((err.cause as Error).message, 'shutting down');
});

test('the real timer is cleared when the signal aborts', async () => {
  const controller = new AbortController();
  const started = performance.now();
  setTimeout(() => controller.abort(), 20);
  const err = await retry(
    async () => {
      throw transient();
    },
    { ...options().opts, sleep: undefined, baseMs: 60_000, maxMs: 60_000, signal: controller.signal },
  ).catch((e: unknown) => e);
  assert.ok(isDatagenError(err, 'ABORTED'));
  assert.ok(performance.now() - started < 5000);
});

test('negative or NaN attempts are refused', async () => {
  for (const attempts of [-1, Number.NaN]) {
    await assert.rejects(
      retry(async () => 1, options({ attempts }).opts),
      (err) => isDatagenError(err, 'CONFIG_INVALID'),
    );
  }
});

test('retryFailure ignores errors that retry did not throw', () => {
  assert.equal(retryFailure(new Error('x')), undefined);
  assert.equal(retryFailure(transient()), undefined);
});
