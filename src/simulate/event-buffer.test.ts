import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../random.js';
import { EventBuffer, iso, type SimEvent } from './event-buffer.js';

test('iso formats exactly like Date.toISOString', () => {
  const rng = Rng.of(1, 'iso');
  const samples = [0, 86_399_999, Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(2024, 11, 31, 0, 0, 0, 1)];
  for (let i = 0; i < 20_000; i++) samples.push(Math.floor(rng.next() * 4_102_444_800_000));
  for (const ms of samples) assert.equal(iso(ms), new Date(ms).toISOString(), String(ms));
});

/** A unit of `n` events at random times (many ties), each payload holding its creation position. */
function unitOf(n: number, times: (i: number) => number): EventBuffer {
  const buf = new EventBuffer('store_1', 'st1', 19_723);
  for (let i = 0; i < n; i++) buf.add('store_opened', times(i), { i }, 'TR');
  return buf;
}

function assertTimeOrder(events: readonly SimEvent[], n: number): void {
  assert.equal(events.length, n);
  assert.equal(new Set(events.map((e) => e.payload.i)).size, n, 'every event once');
  for (let k = 1; k < n; k++) {
    const a = events[k - 1];
    const b = events[k];
    assert.ok(a.ts < b.ts || (a.ts === b.ts && (a.payload.i as number) < (b.payload.i as number)), `position ${k}`);
  }
  for (let k = 0; k < n; k++) assert.equal(events[k].event_id, `st1-20240101-${String(k + 1).padStart(6, '0')}`);
}

test('finish orders a unit by time, ties in creation order, and numbers it', () => {
  const rng = Rng.of(1, 'units');
  const base = Date.UTC(2024, 0, 1);
  for (const n of [0, 1, 2, 5000]) {
    assertTimeOrder(unitOf(n, () => base + rng.int(0, 500) * 1000).finish(), n);
  }
  // The fallback: times not in whole ms, and a unit spanning more than the sort key can hold.
  assertTimeOrder(unitOf(3000, () => base + rng.int(0, 500) * 0.5).finish(), 3000);
  assertTimeOrder(unitOf(3000, (i) => (i % 2 === 0 ? base : base + 200 * 86_400_000) + rng.int(0, 9)).finish(), 3000);
});
