// Tests of the latency histogram: windowed percentiles and mean, cumulative buckets.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDatagenError } from '../errors.js';
import { Rng } from '../random.js';
import { DEFAULT_LATENCY_BUCKETS, LatencyHistogram } from './latency.js';

test('an empty histogram reports NaN percentiles and mean and zero counts', () => {
  const h = new LatencyHistogram();
  assert.ok(Number.isNaN(h.p50));
  assert.ok(Number.isNaN(h.mean));
  assert.equal(h.count, 0);
  assert.ok(h.buckets().every((b) => b.count === 0));
});

test('percentiles follow the nearest-rank definition', () => {
  const h = new LatencyHistogram();
  for (let v = 100; v >= 1; v--) h.record(v);
  assert.equal(h.p50, 50);
  assert.equal(h.p95, 95);
  assert.equal(h.p99, 99);
  assert.equal(h.percentile(100), 100);
  assert.equal(h.percentile(0), 1);
  assert.equal(h.percentile(0.5), 1);
  assert.equal(h.mean, 50.5);
});

test('percentiles match a sort of random samples', () => {
  const rng = Rng.of(3, 'latency');
  const h = new LatencyHistogram();
  const samples: number[] = [];
  for (let i = 0; i < 5000; i++) {
    const v = rng.exponential(40);
    samples.push(v);
    h.record(v);
  }
  samples.sort((a, b) => a - b);
  assert.equal(h.p95, samples[Math.ceil(0.95 * 5000) - 1]);
  assert.equal(h.p99, samples[Math.ceil(0.99 * 5000) - 1]);
});

test('percentiles and the mean only see the last window of samples', () => {
  const h = new LatencyHistogram({ window: 100 });
  for (let i = 0; i < 1000; i++) h.record(5000);
  for (let i = 0; i < 100; i++) h.record(10);
  assert.equal(h.count, 100);
  assert.equal(h.p99, 10);
  assert.equal(h.mean, 10);
  h.record(7000);
  assert.equal(h.percentile(100), 7000, 'a new record invalidates the sorted view');
  assert.equal(h.total, 1101);
});

test('buckets are cumulative over every sample and end with +Inf', () => {
  const h = new LatencyHistogram({ window: 2 });
  for (const v of [0.5, 1, 3, 50, 50.1, 20_000]) h.record(v);
  const byLe = new Map(h.buckets().map((b) => [b.le, b.count]));
  assert.equal(byLe.get(1), 2, 'a sample equal to a bound falls in that bucket');
  assert.equal(byLe.get(2), 2);
  assert.equal(byLe.get(5), 3);
  assert.equal(byLe.get(50), 4);
  assert.equal(byLe.get(100), 5);
  assert.equal(byLe.get(10_000), 5);
  assert.equal(byLe.get(Number.POSITIVE_INFINITY), 6);
  assert.deepEqual(
    h.buckets().map((b) => b.le),
    [...DEFAULT_LATENCY_BUCKETS, Number.POSITIVE_INFINITY],
  );
  assert.equal(h.sum, 0.5 + 1 + 3 + 50 + 50.1 + 20_000);
});

test('negative samples count as zero and non-finite ones are ignored', () => {
  const h = new LatencyHistogram({ bounds: [10] });
  h.record(-3);
  h.record(Number.NaN);
  h.record(Number.POSITIVE_INFINITY);
  assert.equal(h.count, 1);
  assert.equal(h.p50, 0);
  assert.deepEqual(h.buckets(), [
    { le: 10, count: 1 },
    { le: Number.POSITIVE_INFINITY, count: 1 },
  ]);
});

test('reset forgets samples and counts', () => {
  const h = new LatencyHistogram();
  h.record(5);
  h.reset();
  assert.equal(h.count, 0);
  assert.equal(h.total, 0);
  assert.ok(Number.isNaN(h.p95));
  assert.equal(h.buckets().at(-1)?.count, 0);
});

test('bad options and percentiles outside 0..100 are refused', () => {
  assert.throws(
    () => new LatencyHistogram({ window: 0 }),
    (e) => isDatagenError(e, 'CONFIG_INVALID'),
  );
  assert.throws(
    () => new LatencyHistogram({ bounds: [5, 2] }),
    (e) => isDatagenError(e, 'CONFIG_INVALID'),
  );
  assert.throws(
    () => new LatencyHistogram().percentile(101),
    (e) => isDatagenError(e, 'INTERNAL'),
  );
});
