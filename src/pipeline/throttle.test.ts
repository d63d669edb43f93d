import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ThrottleReading } from './pacer.js';
import { StreamThrottle } from './throttle.js';

test('the throttle stays off while signals are ok, backs off from the current rate, then recovers and lets go', () => {
  let level: ThrottleReading['level'] = 'ok';
  let t = 0;
  const throttle = new StreamThrottle({
    signals: [{ name: 'latency', read: () => ({ level, value: 0 }) }],
    minRate: 10,
    currentRate: () => 1000,
    now: () => t,
  });
  throttle.tick();
  assert.equal(throttle.active, false);
  assert.equal(throttle.acquire(), undefined, 'no waiting while off');
  level = 'high';
  throttle.tick();
  assert.equal(throttle.active, true);
  assert.equal(throttle.rate, 500, 'halved from the rate it had');
  level = 'critical';
  throttle.tick();
  assert.equal(throttle.rate, 125);
  level = 'ok';
  const rates: number[] = [];
  for (let i = 0; i < 20 && throttle.active; i++) {
    t += 1000;
    throttle.tick();
    rates.push(throttle.rate);
  }
  assert.ok(rates.length > 3, 'recovery is gradual');
  assert.ok(rates.slice(0, -1).every((r, i) => i === 0 || r >= rates[i - 1]));
  assert.equal(throttle.active, false);
  assert.equal(throttle.rate, Number.POSITIVE_INFINITY);
  const s = throttle.stats();
  assert.ok(s.adjustments.length >= 4);
  assert.match(s.adjustments.at(-1)!.reason, /recovered/);
});
