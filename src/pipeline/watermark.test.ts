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
