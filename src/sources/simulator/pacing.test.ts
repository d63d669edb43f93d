import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dueAt, pacingOf, parseSpeed } from './pacing.js';

const T0 = Date.parse('2026-11-26T00:00:00Z');

test('--speed takes a positive number, max or live, and names the choices otherwise', () => {
  assert.deepEqual(parseSpeed('60'), { mode: 'speed', speed: 60 });
  assert.deepEqual(parseSpeed('max'), { mode: 'max' });
  assert.deepEqual(parseSpeed('live'), { mode: 'live' });
  for (const bad of ['0', '-1', 'fast', ''])
    assert.throws(() => parseSpeed(bad), /--speed: expected a positive number .*'max' or 'live'/);
  assert.deepEqual(pacingOf('live'), { mode: 'live' });
  assert.deepEqual(pacingOf(2, 500), { mode: 'rate', eventsPerSecond: 500 });
});

test('speed maps simulated time from the start onto the wall clock, scaled', () => {
  const wall = 1_000_000;
  assert.equal(dueAt({ mode: 'speed', speed: 1 }, wall, T0, T0 + 5000, 7), wall + 5000);
  assert.equal(dueAt({ mode: 'speed', speed: 60 }, wall, T0, T0 + 60_000, 7), wall + 1000);
});

test('live makes each event due at its own simulated instant: the past at once, the future on the clock', () => {
  const now = T0 + 12 * 3_600_000;
  // Started at midnight, twelve hours behind the clock: everything until now is already due.
  assert.ok(dueAt({ mode: 'live' }, now, T0, T0 + 3_600_000, 0) <= now);
  assert.ok(dueAt({ mode: 'live' }, now, T0, now - 1, 10) <= now);
  // Once caught up it runs at speed 1 with the clock itself, whenever the stream started.
  assert.equal(dueAt({ mode: 'live' }, now, T0, now + 2500, 99), now + 2500);
});

test('rate and burst space events by their index', () => {
  assert.equal(dueAt({ mode: 'rate', eventsPerSecond: 100 }, 0, T0, T0, 50), 500);
  assert.equal(dueAt({ mode: 'burst', intervalMs: 1000, burst: 10 }, 0, T0, T0, 25), 2000);
  assert.equal(dueAt({ mode: 'max' }, 42, T0, T0 + 1e9, 1e6), 42);
});
