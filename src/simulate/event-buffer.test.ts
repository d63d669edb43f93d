import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../random.js';
import { iso } from './event-buffer.js';

test('iso formats exactly like Date.toISOString', () => {
  const rng = Rng.of(1, 'iso');
  const samples = [0, 86_399_999, Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(2024, 11, 31, 0, 0, 0, 1)];
  for (let i = 0; i < 20_000; i++) samples.push(Math.floor(rng.next() * 4_102_444_800_000));
  for (const ms of samples) assert.equal(iso(ms), new Date(ms).toISOString(), String(ms));
});
