import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SimSnapshot } from '../simulate/simulator.js';
import { openDatabase } from './database.js';
import { loadSimState, PIECE_CHARS, saveSimState } from './sim-state.js';

const big = (n: number) =>
  ({ stock: Array.from({ length: n }, (_, i) => [i, `p${i}`, i % 97]), note: 'ünïcödé' }) as unknown as SimSnapshot;

test('a snapshot larger than a piece is saved in pieces and read back whole; saving again replaces them', async () => {
  const db = await openDatabase(':memory:');
  try {
    const snapshot = big(300_000);
    assert.ok(JSON.stringify(snapshot).length > 2.5 * PIECE_CHARS);
    await saveSimState(db, '1/1', 100, 105, snapshot);
    const pieces = await db.all<{ n: number }>("SELECT count(*)::INT AS n FROM sim_state_pieces WHERE shard = '1/1'");
    assert.equal(pieces[0].n, Math.ceil(JSON.stringify(snapshot).length / PIECE_CHARS));
    assert.deepEqual(await loadSimState(db, '1/1'), { shard: '1/1', firstDay: 100, snapshot });
    // The next day's snapshot (as JSON, as the history's workers send it) replaces every piece of the last one.
    const next = big(10);
    await saveSimState(db, '1/1', 100, 106, JSON.stringify(next));
    assert.deepEqual(await loadSimState(db, '1/1'), { shard: '1/1', firstDay: 100, snapshot: next });
    const after = await db.all<{ n: number }>('SELECT count(*)::INT AS n FROM sim_state_pieces');
    assert.equal(after[0].n, 1);
    assert.equal(await loadSimState(db, '2/2'), null);
  } finally {
    db.close();
  }
});

test('a snapshot kept whole in sim_state (databases written before pieces) is still read', async () => {
  const db = await openDatabase(':memory:');
  try {
    await loadSimState(db, '1/1'); // creates the tables
    const snapshot = big(1000);
    await db.run('INSERT INTO sim_state VALUES ($1, $2, $3, $4)', ['1/1', 7, 9, JSON.stringify(snapshot)]);
    assert.deepEqual(await loadSimState(db, '1/1'), { shard: '1/1', firstDay: 7, snapshot });
  } finally {
    db.close();
  }
});
