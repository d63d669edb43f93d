import assert from 'node:assert/strict';
import { test } from 'node:test';
import { envelopeJson } from '../../simulate/envelope.js';
import type { SimEvent } from '../../simulate/event-buffer.js';
import { batchOf, SerialisedUnits } from './serialised-units.js';
import { STAMP_PLACEHOLDER } from './thread-messages.js';

/** A unit's events in time order, ids numbered as the simulator numbers them. */
function unit(prefix: string, key: string, times: number[], note = ''): SimEvent[] {
  return times.map((ts, i) => ({
    event_type: 'store_opened',
    ts,
    partition_key: key,
    payload: { store_id: 1, operation_time: new Date(ts).toISOString(), operation_type: `OPENED${note}` },
    trace_id: `TR_${prefix}_${i}`,
    event_id: `${prefix}${String(i + 1).padStart(6, '0')}`,
  }));
}

/** The released events as the reader gets them: per event its envelope, id and key, read from the batch's bytes. */
function lines(held: SerialisedUnits, watermark: number, per = 3): string[][] {
  const r = held.release(watermark);
  const out: string[][] = [];
  // In batches of `per` events, as the worker sends them.
  for (let from = 0; from < r.length; from += per) {
    const b = batchOf(r, from, Math.min(r.length, from + per));
    const bytes = b.lines;
    for (let k = 0; k < b.ts.length; k++) {
      const text = (at: number, to: number) => bytes.toString(b.ascii[k] === 1 ? 'latin1' : 'utf8', at, to);
      assert.equal(text(b.stamp[k], b.stamp[k] + STAMP_PLACEHOLDER.length), STAMP_PLACEHOLDER);
      out.push([text(b.start[k], b.start[k + 1]), text(b.idAt[k], b.idEnd[k]), text(b.keyAt[k], b.keyEnd[k])]);
    }
    assert.equal(b.start[b.ts.length], bytes.length, 'the batch is its envelopes and nothing else');
  }
  return out;
}

test('units are merged in (event_ts, event_id) order up to the watermark; the rest waits for the next release', () => {
  const held = new SerialisedUnits();
  const a = unit('st12-20240101-', 'store_12', [10, 20, 20, 30, 50]);
  const b = unit('st1-20240101-', 'store_1', [5, 20, 40, 60]);
  const c = unit('dc2-20240101-', 'dc_2', [20, 45]);
  for (const u of [a, b, c]) held.add(u);
  const first = lines(held, 40);
  const expected = [...a, ...b, ...c]
    .sort((x, y) => x.ts - y.ts || (x.event_id < y.event_id ? -1 : 1))
    .map((e) => [envelopeJson(e, Date.parse(STAMP_PLACEHOLDER)), e.event_id, e.partition_key]);
  assert.deepEqual(first, expected.slice(0, 7));
  // Ties at 20: dc2- before st1- before st12- (ids compare as text).
  assert.deepEqual(
    first.map((l) => l[1]),
    [
      'st1-20240101-000001',
      'st12-20240101-000001',
      'dc2-20240101-000001',
      'st1-20240101-000002',
      'st12-20240101-000002',
      'st12-20240101-000003',
      'st12-20240101-000004',
    ],
  );
  // The next day's unit joins what was held back.
  const d = unit('st1-20240102-', 'store_1', [41, 70]);
  held.add(d);
  assert.deepEqual(
    lines(held, 65).map((l) => l[1]),
    [
      'st1-20240101-000003',
      'st1-20240102-000001',
      'dc2-20240101-000002',
      'st12-20240101-000005',
      'st1-20240101-000004',
    ],
  );
  assert.deepEqual(
    lines(held, Number.POSITIVE_INFINITY).map((l) => l[1]),
    ['st1-20240102-000002'],
  );
  assert.deepEqual(lines(held, Number.POSITIVE_INFINITY), []);
});

test('a unit larger than its first buffer, with text beyond ASCII: bytes, ids and ingest-time offsets stay right', () => {
  const held = new SerialisedUnits();
  const times = Array.from({ length: 3000 }, (_, i) => 1_700_000_000_000 + i);
  // Each envelope is far over the first buffer's estimate per event.
  const long = `-Zoë-日本-${'x'.repeat(2000)}`;
  const events = unit('st3-20231114-', 'store_3', times, long);
  held.add(events);
  const got = lines(held, Number.POSITIVE_INFINITY, 1000);
  assert.equal(got.length, events.length);
  for (let k = 0; k < events.length; k++) {
    assert.deepEqual(got[k], [envelopeJson(events[k], Date.parse(STAMP_PLACEHOLDER)), events[k].event_id, 'store_3']);
  }
});
