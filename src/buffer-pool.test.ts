import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BufferPool } from './buffer-pool.js';

test('a buffer given back is taken again for a request of its class, never one too small', () => {
  const pool = new BufferPool(1 << 20);
  for (const size of [0, 1, 4096, 4097, 5000, 5120, 5121, 6143, 100_000, 600_001]) {
    const b = pool.take(size);
    assert.ok(b.length >= size, `${size} -> ${b.length}`);
    assert.ok(b.length <= Math.max(4096, size * 1.25), `${size} -> ${b.length}: at most a quarter over`);
  }
  const a = pool.take(10_000);
  pool.give(a);
  assert.equal(pool.keptBytes, a.length);
  assert.equal(pool.take(9_000), a, 'the same class: the same buffer');
  assert.equal(pool.keptBytes, 0);
  pool.give(a);
  assert.notEqual(pool.take(a.length + 1), a, 'a larger request gets a larger buffer');
  pool.give(a);
  assert.equal(pool.take(Math.ceil(a.length / 2)), a, 'a kept buffer serves a request of half its size');
  pool.give(a);
  assert.notEqual(pool.take(Math.floor(a.length / 3)), a, 'but not a much smaller one');
});

test('no more than the cap is kept, and buffers not of a class are not kept', () => {
  const pool = new BufferPool(64 * 1024);
  const bufs = Array.from({ length: 5 }, () => pool.take(20_000));
  for (const b of bufs) pool.give(b);
  const fits = Math.floor((64 * 1024) / bufs[0].length);
  assert.ok(fits < bufs.length);
  assert.equal(pool.keptBytes, fits * bufs[0].length);
  const small = new BufferPool(1 << 20);
  small.give(Buffer.alloc(5555));
  assert.equal(small.keptBytes, 0);
});

test('trim lets go of the largest buffers first, down to the bytes asked', () => {
  const pool = new BufferPool(1 << 24);
  const sizes = [4096, 8192, 65_536, 1 << 20];
  const bufs = sizes.map((s) => pool.take(s));
  for (const b of bufs) pool.give(b);
  pool.trim(100_000);
  assert.equal(pool.keptBytes, 4096 + 8192 + 65_536);
  assert.equal(pool.take(1 << 20) === bufs[3], false);
  pool.trim(0);
  assert.equal(pool.keptBytes, 0);
});
