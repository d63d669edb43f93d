import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OutEvent } from '../sinks/types.js';
import { Batcher } from './batcher.js';

const ev = (seq: number, destination = 'a', size = 10): OutEvent => ({
  envelope: {} as OutEvent['envelope'],
  json: 'x'.repeat(size),
  destination,
  seq,
});

test('a batch closes at max events, per destination', () => {
  const b = new Batcher({ maxEvents: 3, maxBytes: 1000, lingerMs: 100 });
  assert.deepEqual(b.add(ev(1), 0), []);
  assert.deepEqual(b.add(ev(2, 'b'), 0), []);
  assert.deepEqual(b.add(ev(3), 0), []);
  const [full] = b.add(ev(4), 0);
  assert.deepEqual(
    full.events.map((e) => e.seq),
    [1, 3, 4],
  );
  assert.equal(full.destination, 'a');
  assert.equal(b.pending, 1);
});

test('a batch never exceeds max bytes unless one event alone does', () => {
  const b = new Batcher({ maxEvents: 100, maxBytes: 25, lingerMs: 100 });
  b.add(ev(1, 'a', 10), 0);
  b.add(ev(2, 'a', 10), 0);
  const [closed] = b.add(ev(3, 'a', 10), 0);
  assert.deepEqual(
    closed.events.map((e) => e.seq),
    [1, 2],
  );
  assert.equal(closed.bytes, 20);
  const big = b.add(ev(4, 'a', 50), 0);
  assert.deepEqual(
    big.map((x) => x.events.map((e) => e.seq)),
    [[3], [4]],
  );
});

test('partly filled batches go after lingering', () => {
  const b = new Batcher({ maxEvents: 100, maxBytes: 1000, lingerMs: 50 });
  b.add(ev(1), 0);
  b.add(ev(2, 'b'), 30);
  assert.equal(b.nextDueIn(40), 10);
  assert.deepEqual(b.due(49), []);
  assert.deepEqual(
    b.due(50).map((x) => x.destination),
    ['a'],
  );
  assert.deepEqual(
    b.due(60, true).map((x) => x.destination),
    ['b'],
  );
  assert.equal(b.nextDueIn(60), null);
});

test('a batch holding an urgent event is due at once, before lingering ones, whatever the linger', () => {
  const b = new Batcher({ maxEvents: 100, maxBytes: 1 << 20, lingerMs: 10_000 });
  const ev = (destination: string, seq: number, urgent = false) =>
    ({ envelope: {} as never, json: '{}', destination, seq, ...(urgent ? { urgent } : {}) }) as OutEvent;
  b.add(ev('main', 1), 0);
  assert.equal(b.nextDueIn(1), 9_999);
  assert.deepEqual(b.due(1), []);
  b.add(ev('alerts', 2, true), 1);
  assert.equal(b.nextDueIn(2), 0);
  const due = b.due(2);
  assert.deepEqual(
    due.map((d) => d.destination),
    ['alerts'],
  );
  assert.equal(b.nextDueIn(3), 9_997);
  assert.equal(b.pending, 1);
});

test('a sink may hold back the events of a batch that have not lingered their time; not when draining', () => {
  const b = new Batcher({ maxEvents: 2, maxBytes: 1000, lingerMs: 100 });
  b.add(ev(1), 0);
  const [full] = b.add(ev(2), 10);
  assert.equal(full.holdSince, -90);
  assert.deepEqual(
    full.events.map((e) => e.batchedAt),
    [0, 10],
  );
  b.add(ev(3), 20);
  const [late] = b.add(ev(4), 150);
  assert.equal(late.holdSince, 50, 'event 3 (batched at 20) has lingered its time; event 4 has not');
  b.add({ ...ev(5), urgent: true }, 200);
  const [urgent] = b.due(200);
  assert.equal(urgent.holdSince, 100);
  b.add(ev(7), 300);
  const [draining] = b.due(301, true);
  assert.equal(draining.holdSince, undefined);
});

test('held events go back in front, keep the time they were batched and do not count towards full', () => {
  const b = new Batcher({ maxEvents: 2, maxBytes: 1000, lingerMs: 100 });
  b.add(ev(3), 50);
  b.restore('a', [
    { ...ev(1), batchedAt: 10 },
    { ...ev(2), batchedAt: 20 },
  ]);
  assert.equal(b.pending, 3);
  assert.equal(b.nextDueIn(50), 60, 'due 100 ms after the oldest held event was batched');
  const [full] = b.add(ev(4), 60);
  assert.deepEqual(
    full.events.map((e) => e.seq),
    [1, 2, 3, 4],
  );
  assert.deepEqual(
    full.events.map((e) => e.batchedAt),
    [10, 20, 50, 60],
  );
  b.restore('a', [full.events[3]]);
  assert.deepEqual(b.due(159), []);
  assert.deepEqual(
    b.due(160).map((x) => x.events.map((e) => e.seq)),
    [[4]],
  );
});
