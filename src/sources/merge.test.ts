// Tests of the merge: priorities between pending batches, per-source positions from the merged watermark.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MergedSource } from './merge.js';
import { toRecordEnvelope } from './records.js';
import type { Source, SourceEvent } from './types.js';

function counting(name: string, count: number, per = 2): Source {
  return {
    name,
    describe: () => ({ name }),
    async *batches(after: number): AsyncGenerator<SourceEvent[]> {
      for (let i = after + 1; i <= count; i += per) {
        const out: SourceEvent[] = [];
        for (let j = i; j < i + per && j <= count; j++) {
          out.push({ seq: j, envelope: toRecordEnvelope(name, { j }, String(j), {}, 0) });
        }
        yield out;
      }
    },
  };
}

test('pending batches are taken by priority, and a lower lane still gets its share', async () => {
  const merged = new MergedSource([
    { name: 'low', source: counting('low', 40), priority: 'low' },
    { name: 'crit', source: counting('crit', 40), priority: 'critical' },
  ]);
  const order: string[] = [];
  for await (const b of merged.batches(0, new AbortController().signal)) order.push(b[0].source as string);
  assert.equal(order.length, 40);
  // Once both have a batch pending, critical is served 8 times for every 1 of low.
  const firstLow = order.indexOf('low');
  assert.ok(firstLow <= 9, `low first served at ${firstLow}`);
  assert.ok(order.slice(0, 20).filter((s) => s === 'crit').length >= 15);
});

test('each source resumes after its last position merged at or before the watermark', async () => {
  const merged = new MergedSource([
    { name: 'a', source: counting('a', 6), resume: { position: 0 } },
    { name: 'b', source: counting('b', 6, 3), resume: { position: 0 } },
  ]);
  const got: SourceEvent[] = [];
  for await (const batch of merged.batches(0, new AbortController().signal)) got.push(...batch);
  assert.deepEqual(
    got.map((e) => e.seq),
    Array.from({ length: 12 }, (_, i) => i + 1),
  );
  const w = 7;
  const expected: Record<string, number> = { a: 0, b: 0 };
  for (const e of got.slice(0, w)) expected[e.source as string] = (e.envelope.payload as { j: number }).j;
  const at = merged.positionsAt(w);
  assert.deepEqual({ a: at.a.position, b: at.b.position }, expected);
  assert.deepEqual(Object.fromEntries(Object.entries(merged.positionsAt(12)).map(([k, v]) => [k, v.position])), {
    a: 6,
    b: 6,
  });
});
