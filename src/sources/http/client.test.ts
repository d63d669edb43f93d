// The request deadline of the http source: fires on time even when the garbage collector runs in between, follows
// the source's stop signal, and is silenced by clear().

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { requestDeadline } from './client.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('the deadline aborts with a TimeoutError after its time, whatever the collector does meanwhile', async () => {
  const stop = new AbortController();
  const aborted: Promise<unknown>[] = [];
  for (let i = 0; i < 50; i++) {
    // Only the promise is kept: the deadline's signal must stay alive through its timer alone.
    const { signal } = requestDeadline(stop.signal, 30);
    aborted.push(new Promise((resolve) => signal.addEventListener('abort', () => resolve(signal.reason))));
  }
  for (let i = 0; i < 5; i++) {
    gc();
    await wait(5);
  }
  const reasons = await Promise.race([Promise.all(aborted), wait(2000).then(() => 'not aborted')]);
  assert.ok(Array.isArray(reasons), 'every deadline fired');
  for (const r of reasons as Error[]) {
    assert.equal(r.name, 'TimeoutError');
    assert.match(r.message, /timed out after 30 ms/);
  }
});

test("the source's stop aborts the request at once with the stop's reason; clear() disarms the deadline", async () => {
  const stop = new AbortController();
  const d = requestDeadline(stop.signal, 10_000);
  stop.abort(new Error('stopping'));
  assert.ok(d.signal.aborted);
  assert.equal((d.signal.reason as Error).message, 'stopping');
  d.clear();

  const cleared = requestDeadline(new AbortController().signal, 20);
  cleared.clear();
  await wait(60);
  assert.equal(cleared.signal.aborted, false);

  const already = new AbortController();
  already.abort();
  assert.ok(requestDeadline(already.signal, 10_000).signal.aborted, 'a stop that came first aborts at once');
});
