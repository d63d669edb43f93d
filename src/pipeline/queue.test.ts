// Tests of the bounded priority queue: lane order, weighted fairness, backpressure, drops and closing.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDatagenError } from '../errors.js';
import { BoundedPriorityQueue, type DropReason, PRIORITIES, type Priority } from './queue.js';

interface Item {
  type: string;
  n: number;
}

const item = (n: number, type = 'sale'): Item => ({ type, n });
const ns = (items: Item[]): number[] => items.map((i) => i.n);
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('items of one lane come out in the order they went in', async () => {
  const q = new BoundedPriorityQueue<Item>({ capacity: 100 });
  for (let i = 0; i < 50; i++) await q.push(item(i), 'normal');
  assert.deepEqual(ns(q.tryTake(20)), [...Array(20).keys()]);
  assert.deepEqual(
    ns(await q.take(100)),
    [...Array(30).keys()].map((i) => i + 20),
  );
  assert.equal(q.size, 0);
});

test('a critical item overtakes a full queue of normal items', async () => {
  const q = new BoundedPriorityQueue<Item>({ capacity: 10, overflow: 'drop_oldest' });
  for (let i = 0; i < 10; i++) await q.push(item(i), 'normal');
  await q.push(item(99, 'alert'), 'critical');
  assert.equal(q.size, 10);
  assert.deepEqual(q.sizeByLane(), { critical: 1, high: 0, normal: 9, low: 0 });
  assert.deepEqual(ns(q.tryTake(1)), [99]);
  assert.deepEqual(ns(q.tryTake(1)), [1], 'the oldest normal item was evicted to make room');
});

test('a critical item admitted into a full queue is served before the normal items already waiting', async () => {
  const q = new BoundedPriorityQueue<Item>({ capacity: 5 });
  for (let i = 0; i < 5; i++) await q.push(item(i), 'normal');
  const critical = q.push(item(99, 'alert'), 'critical');
  assert.deepEqual(ns(q.tryTake(1)), [0]);
  await critical;
  assert.deepEqual(ns(q.tryTake(5)), [99, 1, 2, 3, 4]);
});

test('under constant pressure on every lane the shares follow the weights 8:4:2:1', async () => {
  const q = new BoundedPriorityQueue<{ type: string; lane: Priority }>({ capacity: 400 });
  for (const lane of PRIORITIES) for (let i = 0; i < 100; i++) await q.push({ type: 'x', lane }, lane);
  const served: Record<Priority, number> = { critical: 0, high: 0, normal: 0, low: 0 };
  for (let round = 0; round < 300; round++) {
    for (const it of await q.take(5)) {
      served[it.lane]++;
      await q.push({ type: 'x', lane: it.lane }, it.lane);
    }
  }
  assert.deepEqual(served, { critical: 800, high: 400, normal: 200, low: 100 });
});

test('low items are still served while higher lanes stay full', async () => {
  const q = new BoundedPriorityQueue<{ type: string; lane: Priority }>({ capacity: 100 });
  for (let i = 0; i < 10; i++) await q.push({ type: 'x', lane: 'low' }, 'low');
  let low = 0;
  let takes = 0;
  while (low < 10) {
    takes++;
    for (const lane of ['critical', 'high'] as const) {
      while (q.sizeByLane()[lane] < 40) await q.push({ type: 'x', lane }, lane);
    }
    for (const it of q.tryTake(1)) if (it.lane === 'low') low++;
    assert.ok(takes < 1000, 'low starved');
  }
  // critical+high+low = 13 items per round, one of them low.
  assert.equal(takes, 130);
});

test('a lane with nothing queued does not hold back the others', async () => {
  const q = new BoundedPriorityQueue<Item>({ capacity: 100 });
  for (let i = 0; i < 30; i++) await q.push(item(i), 'low');
  assert.deepEqual(ns(q.tryTake(30)), [...Array(30).keys()]);
});

test('take waits for the first item and gathers items pushed in the same tick', async () => {
  const q = new BoundedPriorityQueue<Item>({ capacity: 100 });
  const taken = q.take(10);
  let done = false;
  void taken.then(() => {
    done = true;
  });
  await tick();
  assert.equal(done, false);
  void q.push(item(1), 'normal');
  void q.push(item(2), 'high');
  void q.push(item(3), 'normal');
  assert.deepEqual(ns(await taken), [2, 1, 3]);
});

test('with the block policy push waits until a take frees room, and waiting pushes keep their order', async () => {
  const q = new BoundedPriorityQueue<Item>({ capacity: 2 });
  await q.push(item(0), 'normal');
  await q.push(item(1), 'normal');
  const order: number[] = [];
  const waits = [2, 3, 4].map((n) => q.push(item(n), n === 4 ? 'critical' : 'normal').then(() => order.push(n)));
  await tick();
  assert.deepEqual(order, [], 'no push completes while the queue is full');
  assert.equal(q.size, 2);
  assert.deepEqual(ns(q.tryTake(1)), [0]);
  await tick();
  assert.deepEqual(order, [2]);
  assert.equal(q.size, 2);
  assert.deepEqual(ns(await q.take(2)), [1, 2]);
  await Promise.all(waits);
  assert.deepEqual(order, [2, 3, 4], 'the critical push waited its turn behind earlier pushes');
  assert.deepEqual(ns(q.tryTake(5)), [4, 3]);
});

test('a new push waits behind pushes that are already waiting even when room has just been made', async () => {
  const q = new BoundedPriorityQueue<Item>({ capacity: 1 });
  await q.push(item(0), 'normal');
  const first = q.push(item(1), 'normal');
  q.tryTake(1);
  const second = q.push(item(2), 'normal');
  await first;
  assert.deepEqual(ns(q.tryTake(1)), [1]);
  await second;
  assert.deepEqual(ns(q.tryTake(1)), [2]);
});

test('drop_newest discards the incoming item and counts it by type and reason', async () => {
  const dropped: Array<[number, DropReason]> = [];
  const q = new BoundedPriorityQueue<Item>({
    capacity: 2,
    overflow: 'drop_newest',
    onDrop: (it, reason) => dropped.push([it.n, reason]),
  });
  await q.push(item(0), 'low');
  await q.push(item(1), 'low');
  await q.push(item(2, 'sale'), 'critical');
  await q.push(item(3, 'refund'), 'normal');
  await q.push(item(4, 'refund'), 'normal');
  assert.deepEqual(ns(q.tryTake(10)), [0, 1]);
  assert.deepEqual(dropped, [
    [2, 'drop_newest'],
    [3, 'drop_newest'],
    [4, 'drop_newest'],
  ]);
  assert.deepEqual(q.dropped(), {
    total: 3,
    byReason: { drop_oldest: 0, drop_newest: 3 },
    byType: { sale: { drop_oldest: 0, drop_newest: 1 }, refund: { drop_oldest: 0, drop_newest: 2 } },
  });
});

test('drop_oldest evicts from the lowest non-empty lane so critical items go last', async () => {
  const q = new BoundedPriorityQueue<Item>({ capacity: 3, overflow: 'drop_oldest', typeOf: (it) => `t${it.n}` });
  await q.push(item(0), 'critical');
  await q.push(item(1), 'high');
  await q.push(item(2), 'high');
  await q.push(item(3), 'critical');
  await q.push(item(4), 'critical');
  await q.push(item(5), 'critical');
  assert.deepEqual(ns(q.tryTake(10)), [3, 4, 5]);
  const { byType, byReason } = q.dropped();
  assert.deepEqual(Object.keys(byType), ['t1', 't2', 't0']);
  assert.equal(byReason.drop_oldest, 3);
});

test('drop_oldest drops an incoming item whose lane is below every queued lane', async () => {
  const q = new BoundedPriorityQueue<Item>({ capacity: 2, overflow: 'drop_oldest' });
  await q.push(item(0), 'high');
  await q.push(item(1), 'high');
  await q.push(item(2, 'ad'), 'low');
  assert.deepEqual(ns(q.tryTake(10)), [0, 1]);
  assert.deepEqual(q.dropped().byType, { ad: { drop_oldest: 1, drop_newest: 0 } });
});

test('capacity is never exceeded whatever the policy', async () => {
  for (const overflow of ['block', 'drop_oldest', 'drop_newest'] as const) {
    const q = new BoundedPriorityQueue<Item>({ capacity: 7, overflow });
    let max = 0;
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 200; i++) {
      pending.push(q.push(item(i), PRIORITIES[i % 4]));
      max = Math.max(max, q.size);
      if (i % 3 === 0) q.tryTake(2);
      max = Math.max(max, q.size);
    }
    while (q.size > 0) {
      q.tryTake(3);
      await tick();
      max = Math.max(max, q.size);
    }
    await Promise.all(pending);
    assert.ok(max <= 7, `${overflow}: size reached ${max}`);
    assert.equal(max, 7, `${overflow}: the queue filled up`);
  }
});

test('close rejects waiting and later pushes with QUEUE_CLOSED and keeps queued items takeable', async () => {
  const q = new BoundedPriorityQueue<Item>({ capacity: 2 });
  await q.push(item(0), 'normal');
  await q.push(item(1), 'normal');
  const blocked = q.push(item(2), 'normal');
  q.close();
  await assert.rejects(blocked, (err) => isDatagenError(err, 'QUEUE_CLOSED'));
  await assert.rejects(q.push(item(3), 'critical'), (err) => isDatagenError(err, 'QUEUE_CLOSED'));
  assert.equal(q.closed, true);
  assert.deepEqual(ns(await q.take(1)), [0]);
  assert.deepEqual(ns(await q.take(10)), [1]);
  assert.deepEqual(await q.take(10), [], 'a closed, empty queue answers at once');
});

test('close resolves a taker that is waiting on an empty queue with []', async () => {
  const q = new BoundedPriorityQueue<Item>({ capacity: 1 });
  const taker = q.take(5);
  await tick();
  q.close();
  assert.deepEqual(await taker, []);
});

test('drain resolves only once the queue is empty and no push waits', async () => {
  const q = new BoundedPriorityQueue<Item>({ capacity: 1 });
  await q.drain();
  await q.push(item(0), 'normal');
  const waiting = q.push(item(1), 'normal');
  let drained = false;
  const drain = q.drain().then(() => {
    drained = true;
  });
  q.tryTake(1);
  await waiting;
  await tick();
  assert.equal(drained, false, 'the admitted push still holds an item');
  q.tryTake(1);
  await drain;
  assert.equal(drained, true);
});

test('a capacity or weight that is not a positive integer is refused with CONFIG_INVALID', () => {
  assert.throws(
    () => new BoundedPriorityQueue({ capacity: 0 }),
    (err) => isDatagenError(err, 'CONFIG_INVALID'),
  );
  assert.throws(
    () => new BoundedPriorityQueue({ capacity: 1, weights: { low: 0 } }),
    (err) => isDatagenError(err, 'CONFIG_INVALID'),
  );
});
