// Tests of the ingestion modes: each starts, polls on its schedule, delivers, keeps its own metrics and stops.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BatchMode } from './batch.js';
import { ContinuousMode } from './continuous.js';
import { parseCron } from './cron.js';
import { createMode } from './index.js';
import { RealTimeMode } from './real-time.js';
import type { Poll } from './types.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A poll that gives `perPoll` numbered records, and says a next page is there for the first `pages - 1` polls. */
function counter(perPoll: number, pages = 1) {
  let n = 0;
  let calls = 0;
  const poll: Poll<number> = async () => {
    calls++;
    const records = Array.from({ length: perPoll }, () => ++n);
    return { records, more: calls % pages !== 0 };
  };
  return { poll, calls: () => calls };
}

test('real_time polls every interval, follows pages at once, and stops', async () => {
  const mode = new RealTimeMode({ intervalMs: 80 });
  const c = counter(2, 3);
  const got: number[] = [];
  mode.start(c.poll, async (r) => {
    got.push(...r);
  });
  assert.equal(mode.running, true);
  await wait(30);
  // The first tick follows its three pages without waiting.
  assert.equal(c.calls(), 3);
  await wait(100);
  assert.equal(c.calls(), 6);
  await mode.stop();
  assert.equal(mode.running, false);
  const calls = c.calls();
  await wait(120);
  assert.equal(c.calls(), calls, 'no poll after stop');
  assert.deepEqual(
    got,
    Array.from({ length: got.length }, (_, i) => i + 1),
  );
  const m = mode.metrics();
  assert.equal(m.mode, 'real_time');
  assert.equal(m.polls, calls);
  assert.equal(m.records, got.length);
  assert.equal(m.running, false);
});

test('continuous_streaming buffers at most buffer_size records while delivery is slow', async () => {
  const mode = new ContinuousMode({ intervalMs: 1, bufferSize: 5 });
  const c = counter(1);
  const got: number[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  mode.start(c.poll, async (r) => {
    await gate;
    got.push(...r);
  });
  await wait(80);
  // One chunk is held by the blocked delivery, the buffer holds 5 more; polling waits for room.
  assert.ok(c.calls() <= 1 + 5 + 1, `${c.calls()} polls`);
  assert.ok(mode.metrics().buffered <= 5);
  release();
  await wait(50);
  await mode.stop();
  assert.deepEqual(
    got,
    Array.from({ length: got.length }, (_, i) => i + 1),
    'in order, none lost',
  );
  assert.ok(got.length >= 6);
  assert.equal(mode.metrics().mode, 'continuous_streaming');
});

test('batch pulls every page at each tick and hands them on in chunks of batch_size', async () => {
  const mode = new BatchMode({ intervalMs: 10_000, batchSize: 4 });
  const c = counter(3, 4);
  const chunks: number[][] = [];
  mode.start(c.poll, async (r) => {
    chunks.push(r);
  });
  await wait(50);
  await mode.stop();
  assert.equal(c.calls(), 4, 'four pages on the first tick, then a wait of the interval');
  assert.deepEqual(
    chunks.map((x) => x.length),
    [4, 4, 4],
  );
  assert.ok(mode.metrics().next_poll_at === null);
});

test('a failed poll is counted and the mode keeps polling', async () => {
  const mode = createMode({ mode: 'real_time', polling_interval_seconds: 0.02 });
  let calls = 0;
  const errors: unknown[] = [];
  mode.start(
    async () => {
      calls++;
      if (calls === 1) throw new Error('boom');
      return { records: [calls], more: false };
    },
    async () => undefined,
    (e) => errors.push(e),
  );
  await wait(70);
  await mode.stop();
  assert.equal(errors.length, 1);
  assert.equal(mode.metrics().poll_errors, 1);
  assert.equal(mode.metrics().last_error, 'boom');
  assert.ok(calls >= 3);
});

test('a stopped mode starts again', async () => {
  const mode = new RealTimeMode({ intervalMs: 1000 });
  const c = counter(1);
  mode.start(c.poll, async () => undefined);
  await wait(10);
  await mode.stop();
  mode.start(c.poll, async () => undefined);
  await wait(10);
  await mode.stop();
  assert.equal(c.calls(), 2);
});

test('cron finds the next matching minute (UTC), with steps, ranges and either day field', () => {
  const at = Date.parse('2024-03-01T10:07:30Z'); // a Friday
  assert.equal(new Date(parseCron('*/15 * * * *').next(at)).toISOString(), '2024-03-01T10:15:00.000Z');
  assert.equal(new Date(parseCron('0 2 * * 1-5').next(at)).toISOString(), '2024-03-04T02:00:00.000Z');
  assert.equal(new Date(parseCron('30 6 15 * 0').next(at)).toISOString(), '2024-03-03T06:30:00.000Z');
  assert.throws(() => parseCron('61 * * * *'), /minute/);
  assert.throws(() => parseCron('* * *'), /5 fields/);
});
