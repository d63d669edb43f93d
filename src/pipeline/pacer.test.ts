// Tests of the token-bucket pacer and the adaptive throttle, on a virtual clock.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDatagenError } from '../errors.js';
import {
  AdaptiveThrottle,
  errorRateSignal,
  latencySignal,
  type ThrottleReading,
  type ThrottleSignal,
  TokenBucketPacer,
} from './pacer.js';

function clock() {
  let time = 0;
  const sleeps: number[] = [];
  return {
    now: () => time,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      time += ms;
    },
    advance: (ms: number) => {
      time += ms;
    },
    sleeps,
  };
}

test('the pacer lets a full burst through at once, then holds the configured rate', async () => {
  const c = clock();
  const pacer = new TokenBucketPacer({ ratePerSec: 100, burst: 10, now: c.now, sleep: c.sleep });
  for (let i = 0; i < 10; i++) await pacer.acquire();
  assert.equal(c.now(), 0);
  for (let i = 0; i < 1000; i++) await pacer.acquire();
  assert.ok(Math.abs(c.now() - 10_000) < 1e-6, `1000 tokens at 100/s took ${c.now()} ms`);
});

test('an idle pacer refills up to the burst and no further', async () => {
  const c = clock();
  const pacer = new TokenBucketPacer({ ratePerSec: 10, burst: 5, now: c.now, sleep: c.sleep });
  await pacer.acquire(5);
  c.advance(200);
  assert.ok(Math.abs(pacer.available - 2) < 1e-9);
  c.advance(60_000);
  assert.equal(pacer.available, 5);
});

test('a request larger than the burst waits in proportion to its size', async () => {
  const c = clock();
  const pacer = new TokenBucketPacer({ ratePerSec: 50, burst: 10, now: c.now, sleep: c.sleep });
  await pacer.acquire(110);
  assert.ok(Math.abs(c.now() - 2000) < 1e-6, `took ${c.now()} ms`);
  await pacer.acquire(5);
  assert.ok(Math.abs(c.now() - 2100) < 1e-6, 'the bucket was empty after the large request');
});

test('concurrent acquires are served in call order', async () => {
  const c = clock();
  const pacer = new TokenBucketPacer({ ratePerSec: 10, burst: 1, now: c.now, sleep: c.sleep });
  const done: Array<[number, number]> = [];
  await Promise.all([3, 1, 2].map((n, i) => pacer.acquire(n).then(() => done.push([i, Math.round(c.now())]))));
  assert.deepEqual(done, [
    [0, 200],
    [1, 300],
    [2, 500],
  ]);
});

test('an unlimited rate resolves at once without sleeping', async () => {
  const c = clock();
  const pacer = new TokenBucketPacer({ ratePerSec: Number.POSITIVE_INFINITY, burst: 1, now: c.now, sleep: c.sleep });
  for (let i = 0; i < 10_000; i++) await pacer.acquire(1000);
  assert.deepEqual(c.sleeps, []);
  assert.equal(c.now(), 0);
});

test('setRate changes the pace, and leaving unlimited mode starts from a full bucket', async () => {
  const c = clock();
  const pacer = new TokenBucketPacer({ ratePerSec: Number.POSITIVE_INFINITY, burst: 4, now: c.now, sleep: c.sleep });
  await pacer.acquire(100);
  pacer.setRate(2);
  assert.equal(pacer.rate, 2);
  await pacer.acquire(4);
  assert.equal(c.now(), 0);
  await pacer.acquire(2);
  assert.ok(Math.abs(c.now() - 1000) < 1e-6);
  pacer.setRate(20);
  await pacer.acquire(20);
  assert.ok(Math.abs(c.now() - 2000) < 1e-6);
});

test('a rate change during a wait applies to the rest of the wait', async () => {
  let time = 0;
  let pacer: TokenBucketPacer | undefined;
  const sleeps: number[] = [];
  pacer = new TokenBucketPacer({
    ratePerSec: 10,
    burst: 1,
    now: () => time,
    sleep: async (ms) => {
      sleeps.push(ms);
      // Half-way through the first wait the rate drops to a tenth.
      if (sleeps.length === 1) {
        time += ms / 2;
        pacer?.setRate(1);
      } else time += ms;
    },
  });
  await pacer.acquire(1);
  await pacer.acquire(2);
  assert.deepEqual(sleeps.map(Math.round), [200, 1000]);
  assert.ok(Math.abs(time - 1100) < 1e-6);
});

test('a rate that is not positive is refused', () => {
  assert.throws(
    () => new TokenBucketPacer({ ratePerSec: 0, burst: 1 }),
    (e) => isDatagenError(e, 'CONFIG_INVALID'),
  );
  const pacer = new TokenBucketPacer({ ratePerSec: 1, burst: 1 });
  assert.throws(
    () => pacer.setRate(Number.NaN),
    (e) => isDatagenError(e, 'CONFIG_INVALID'),
  );
});

function fakeSignal(name: string): ThrottleSignal & { set(level: ThrottleReading['level']): void } {
  let level: ThrottleReading['level'] = 'ok';
  return {
    name,
    set: (l) => {
      level = l;
    },
    read: () => ({ level, value: level === 'ok' ? 0 : 1, detail: level }),
  };
}

function throttleSetup() {
  const c = clock();
  const pacer = new TokenBucketPacer({ ratePerSec: 5, burst: 10, now: c.now, sleep: c.sleep });
  let p95 = 50;
  const latency = latencySignal({ p95Ms: () => p95, highMs: 500, criticalMs: 2000 });
  const other = fakeSignal('other');
  const throttle = new AdaptiveThrottle({ pacer, baseRate: 1000, minRate: 20, signals: [latency, other], now: c.now });
  return { c, pacer, throttle, other, setP95: (v: number) => (p95 = v) };
}

test('the throttle starts the pacer at the base rate', () => {
  const { pacer, throttle } = throttleSetup();
  assert.equal(pacer.rate, 1000);
  assert.equal(throttle.level, 0);
});

test('the throttle halves the rate on high latency and quarters it on critical latency', () => {
  const { throttle, setP95 } = throttleSetup();
  setP95(600);
  assert.deepEqual(throttle.tick(), { level: 'high', rate: 500 });
  assert.equal(throttle.level, 1);
  setP95(2500);
  assert.deepEqual(throttle.tick(), { level: 'critical', rate: 125 });
  assert.equal(throttle.level, 3);
  const last = throttle.adjustments().at(-1);
  assert.equal(last?.reason, 'critical: latency p95 2500ms >= 2000ms');
  assert.equal(last?.from, 500);
  assert.equal(last?.to, 125);
});

test('the throttle recovers gradually and never above the base rate', () => {
  const { throttle, setP95 } = throttleSetup();
  setP95(3000);
  throttle.tick();
  throttle.tick();
  assert.equal(throttle.rate, 62.5);
  setP95(100);
  const rates: number[] = [];
  for (let i = 0; i < 20; i++) rates.push(throttle.tick().rate);
  assert.equal(rates[0], 78.125, 'one step of 1.25, not a jump back');
  for (let i = 1; i < rates.length; i++) assert.ok(rates[i] >= rates[i - 1]);
  assert.ok(rates.slice(0, 11).every((r) => r < 1000));
  assert.equal(rates.at(-1), 1000);
  assert.equal(throttle.level, 0);
});

test('the throttle never goes below the minimum rate and records no change once there', () => {
  const { throttle, other } = throttleSetup();
  other.set('critical');
  for (let i = 0; i < 10; i++) throttle.tick();
  assert.equal(throttle.rate, 20);
  const adjustments = throttle.adjustments();
  assert.deepEqual(
    adjustments.map((a) => a.to),
    [250, 62.5, 20],
  );
  assert.equal(adjustments[0].reason, 'critical: other critical');
});

test('any critical signal outweighs a high one', () => {
  const { throttle, other, setP95 } = throttleSetup();
  setP95(700);
  other.set('critical');
  assert.deepEqual(throttle.tick(), { level: 'critical', rate: 250 });
  assert.equal(throttle.adjustments()[0].reason, 'critical: latency p95 700ms >= 500ms; other critical');
});

test('the adjustment log keeps the last 100 changes with their time', () => {
  const { c, throttle, setP95 } = throttleSetup();
  for (let i = 0; i < 150; i++) {
    c.advance(1000);
    setP95(i % 2 === 0 ? 800 : 10);
    throttle.tick();
  }
  const log = throttle.adjustments();
  assert.equal(log.length, 100);
  assert.equal(log.at(-1)?.at, 150_000);
  assert.equal(log[0].at, 51_000);
  assert.equal(throttle.stats().adjustments, 150);
  assert.equal(throttle.stats().ticks, 150);
});

test('throttled pacing is measurably slower on the virtual clock', async () => {
  const { c, pacer, throttle, setP95 } = throttleSetup();
  setP95(900);
  throttle.tick();
  throttle.tick();
  assert.equal(pacer.rate, 250);
  await pacer.acquire(10);
  const start = c.now();
  for (let i = 0; i < 500; i++) await pacer.acquire();
  assert.ok(Math.abs(c.now() - start - 2000) < 1e-6, `500 tokens at 250/s took ${c.now() - start} ms`);
});

test('setBaseRate lowers the ceiling and the current rate with it', () => {
  const { throttle } = throttleSetup();
  throttle.setBaseRate(300);
  assert.equal(throttle.rate, 300);
  assert.equal(throttle.tick().rate, 300);
});

test('the latency signal reads ok without samples and grades by its thresholds', () => {
  let v = Number.NaN;
  const s = latencySignal({ p95Ms: () => v, highMs: 100, criticalMs: 1000 });
  assert.deepEqual(s.read(), { level: 'ok', value: Number.NaN, detail: 'no samples' });
  v = 99;
  assert.equal(s.read().level, 'ok');
  v = 100;
  assert.equal(s.read().level, 'high');
  v = 1000;
  assert.deepEqual(s.read(), { level: 'critical', value: 1000, detail: 'p95 1000ms >= 1000ms' });
});

test('the error-rate signal grades a share of failures', () => {
  let r = 0.001;
  const s = errorRateSignal({ rate: () => r, high: 0.01, critical: 0.1 });
  assert.equal(s.name, 'errors');
  assert.equal(s.read().level, 'ok');
  r = 0.05;
  assert.deepEqual(s.read(), { level: 'high', value: 0.05, detail: 'rate 5.0% >= 1.0%' });
  r = 0.5;
  assert.equal(s.read().level, 'critical');
  assert.throws(
    () => errorRateSignal({ rate: () => 0, high: 0.5, critical: 0.1 }),
    (e) => isDatagenError(e, 'CONFIG_INVALID'),
  );
});

test('a throttle without a finite base rate is refused', () => {
  const pacer = new TokenBucketPacer({ ratePerSec: 1, burst: 1 });
  for (const [baseRate, minRate] of [
    [Number.POSITIVE_INFINITY, 1],
    [10, 0],
    [5, 10],
  ]) {
    assert.throws(
      () => new AdaptiveThrottle({ pacer, baseRate, minRate, signals: [] }),
      (e) => isDatagenError(e, 'CONFIG_INVALID'),
    );
  }
});
