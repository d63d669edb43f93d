import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Watermark } from './watermark.js';

test('the watermark advances only over contiguous handled positions', () => {
  const w = new Watermark(10);
  w.handled(12);
  w.handled(13);
  assert.equal(w.position, 10);
  assert.equal(w.ahead, 2);
  w.handled(11);
  assert.equal(w.position, 13);
  assert.equal(w.ahead, 0);
  w.handled(5);
  assert.equal(w.position, 13);
});

test('peek gives the position after some positions without marking them, and a resumed watermark keeps its ahead', () => {
  const w = new Watermark(10);
  w.handled(13);
  assert.deepEqual(w.peek([11, 15]), { position: 11, ahead: [13, 15] });
  assert.deepEqual(w.peek([12, 11]), { position: 13, ahead: [] });
  assert.equal(w.position, 10, 'peek changes nothing');
  const resumed = new Watermark(11, [13, 15]);
  assert.equal(resumed.position, 11);
  assert.ok(resumed.has(13) && resumed.has(9) && !resumed.has(12) && !resumed.has(14));
  resumed.handled(12);
  assert.equal(resumed.position, 13);
});
