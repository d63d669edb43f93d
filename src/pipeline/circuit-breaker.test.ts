// Tests of the circuit breaker on a virtual clock: opening, the single probe, closing and growing open times.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDatagenError } from '../errors.js';
import { CircuitBreaker, type CircuitBreakerOptions, type CircuitState } from './circuit-breaker.js';

function setup(options: CircuitBreakerOptions = {}) {
  let time = 1_000;
  const changes: Array<[CircuitState, CircuitState]> = [];
  const breaker = new CircuitBreaker({
    now: () => time,
    onStateChange: (from, to) => changes.push([from, to]),
    ...options,
  });
  const advance = (ms: number) => {
    time += ms;
  };
  return { breaker, changes, advance, now: () => time };
}

const fail = (b: CircuitBreaker, n: number) => {
  for (let i = 0; i < n; i++) b.onFailure();
};

test('the circuit opens after the threshold of consecutive failures and then refuses calls', () => {
  const { breaker, changes } = setup({ failureThreshold: 3 });
  fail(breaker, 2);
  assert.equal(breaker.state, 'closed');
  assert.equal(breaker.canPass(), true);
  breaker.onFailure();
  assert.equal(breaker.state, 'open');
  assert.equal(breaker.canPass(), false);
  assert.deepEqual(changes, [['closed', 'open']]);
});

test('a success resets the count of consecutive failures', () => {
  const { breaker } = setup({ failureThreshold: 3 });
  fail(breaker, 2);
  breaker.onSuccess();
  fail(breaker, 2);
  assert.equal(breaker.state, 'closed');
  assert.equal(breaker.stats().consecutiveFailures, 2);
});

test('the default threshold is five failures', () => {
  const { breaker } = setup();
  fail(breaker, 4);
  assert.equal(breaker.state, 'closed');
  breaker.onFailure();
  assert.equal(breaker.state, 'open');
});

test('after the open time exactly one probe passes until its outcome is known', () => {
  const { breaker, advance } = setup({ failureThreshold: 1, openMs: 10_000 });
  breaker.onFailure();
  advance(9_999);
  assert.equal(breaker.canPass(), false);
  assert.equal(breaker.untilRetryMs(), 1);
  advance(1);
  assert.equal(breaker.state, 'half_open');
  assert.equal(breaker.untilRetryMs(), 0);
  assert.equal(breaker.canPass(), true);
  assert.equal(breaker.canPass(), false);
  advance(60_000);
  assert.equal(breaker.canPass(), false, 'time alone does not release a second probe');
});

test('a successful probe closes the circuit', () => {
  const { breaker, advance, changes } = setup({ failureThreshold: 2, openMs: 1000 });
  fail(breaker, 2);
  advance(1000);
  assert.equal(breaker.canPass(), true);
  breaker.onSuccess();
  assert.equal(breaker.state, 'closed');
  assert.equal(breaker.canPass(), true);
  assert.equal(breaker.canPass(), true);
  assert.deepEqual(changes, [
    ['closed', 'open'],
    ['open', 'half_open'],
    ['half_open', 'closed'],
  ]);
  assert.equal(breaker.stats().consecutiveFailures, 0);
});

test('a failed probe reopens the circuit for twice as long, up to the maximum', () => {
  const { breaker, advance, now } = setup({ failureThreshold: 1, openMs: 60_000, maxOpenMs: 300_000 });
  breaker.onFailure();
  const openTimes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const wait = breaker.untilRetryMs();
    openTimes.push(wait);
    advance(wait - 1);
    assert.equal(breaker.canPass(), false);
    advance(1);
    assert.equal(breaker.canPass(), true);
    breaker.onFailure();
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.stats().lastOpenedAt, now());
  }
  assert.deepEqual(openTimes, [60_000, 120_000, 240_000, 300_000, 300_000]);
  assert.equal(breaker.stats().opens, 6);
});

test('the open time starts over after the circuit closes', () => {
  const { breaker, advance } = setup({ failureThreshold: 1, openMs: 1000 });
  breaker.onFailure();
  advance(1000);
  breaker.canPass();
  breaker.onFailure();
  assert.equal(breaker.untilRetryMs(), 2000);
  advance(2000);
  breaker.canPass();
  breaker.onSuccess();
  breaker.onFailure();
  assert.equal(breaker.untilRetryMs(), 1000);
});

test('outcomes reported while open are ignored', () => {
  const { breaker, advance } = setup({ failureThreshold: 1, openMs: 1000 });
  breaker.onFailure();
  advance(500);
  breaker.onSuccess();
  assert.equal(breaker.state, 'open');
  breaker.onFailure();
  assert.equal(breaker.untilRetryMs(), 500, 'a late failure does not extend the open time');
});

test('stats report the state, failures, opens and when it last opened', () => {
  const { breaker, advance } = setup({ failureThreshold: 2, openMs: 1000 });
  assert.deepEqual(breaker.stats(), {
    state: 'closed',
    consecutiveFailures: 0,
    opens: 0,
    lastOpenedAt: null,
    openMs: 1000,
  });
  advance(5);
  fail(breaker, 2);
  assert.deepEqual(breaker.stats(), {
    state: 'open',
    consecutiveFailures: 2,
    opens: 1,
    lastOpenedAt: 1005,
    openMs: 1000,
  });
});

test('a disabled breaker always lets calls pass', () => {
  const { breaker, changes } = setup({ enabled: false, failureThreshold: 1 });
  fail(breaker, 50);
  assert.equal(breaker.canPass(), true);
  assert.equal(breaker.state, 'closed');
  assert.equal(breaker.untilRetryMs(), 0);
  assert.equal(breaker.stats().consecutiveFailures, 50);
  assert.deepEqual(changes, []);
});

test('a threshold below one is refused', () => {
  assert.throws(
    () => new CircuitBreaker({ failureThreshold: 0 }),
    (err) => isDatagenError(err, 'CONFIG_INVALID'),
  );
});
