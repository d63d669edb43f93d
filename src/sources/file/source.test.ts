// Tests of the file source: CSV with a header, partial lines, resuming from the saved offset, a truncated file.

import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { configSchema } from '../../config/schema.js';
import { isDatagenError } from '../../errors.js';
import type { SourceEvent } from '../types.js';
import { fileParamsSchema } from './config.js';
import { FileSource, splitCsv } from './source.js';

const config = configSchema.parse({});
const dir = mkdtempSync(join(tmpdir(), 'rdg-file-src-'));

function source(path: string, params: Record<string, unknown> = {}, errors: unknown[] = []) {
  return new FileSource(fileParamsSchema.parse({ path, ...params }), {
    name: 'readings',
    settings: {
      ingestion: { mode: 'real_time', polling_interval_seconds: 0.01 },
      rate_limit_per_minute: 60_000,
      timeout_seconds: 1,
      cache_ttl_seconds: 0,
    },
    config,
    onError: (e) => errors.push(e),
  });
}

async function take(s: FileSource, n: number, after = 0, state?: unknown): Promise<SourceEvent[]> {
  const ac = new AbortController();
  const got: SourceEvent[] = [];
  const timer = setTimeout(() => ac.abort(), 2000);
  for await (const b of s.batches(after, ac.signal, state)) {
    got.push(...b);
    if (got.length >= n) break;
  }
  clearTimeout(timer);
  ac.abort();
  return got;
}

test('CSV fields split on the delimiter, with quoted fields and doubled quotes', () => {
  assert.deepEqual(splitCsv('a,"b,c","say ""hi""",', ','), ['a', 'b,c', 'say "hi"', '']);
  assert.deepEqual(splitCsv('x;y', ';'), ['x', 'y']);
});

test('a CSV file becomes records named by its header; a partial last line waits for its newline', async () => {
  const path = join(dir, 'r.csv');
  writeFileSync(path, 'id,sensor,value\n1,a,10\n2,b,"2,5"\n3,c');
  const s = source(path, { format: 'csv', key: 'id', event_type: 'reading' });
  const got = await take(s, 2);
  assert.deepEqual(
    got.map((e) => e.envelope.payload),
    [
      { id: '1', sensor: 'a', value: '10' },
      { id: '2', sensor: 'b', value: '2,5' },
    ],
  );
  assert.equal(got[0].envelope.event_id, 'readings:1');
  // Restart from the state after record 2: the header is read again, the completed line 3 arrives once.
  const state = s.stateAt(2);
  appendFileSync(path, ',0\n4,d,40\n');
  const again = await take(source(path, { format: 'csv', key: 'id' }), 2, 2, state);
  assert.deepEqual(
    again.map((e) => [e.seq, e.envelope.payload]),
    [
      [3, { id: '3', sensor: 'c', value: '0' }],
      [4, { id: '4', sensor: 'd', value: '40' }],
    ],
  );
});

test('JSON lines: ids are line offsets, stable across restarts; a bad line is reported and skipped', async () => {
  const path = join(dir, 'r.jsonl');
  writeFileSync(path, '{"v":1}\nnot json\n{"v":2}\n');
  const errors: unknown[] = [];
  const got = await take(source(path, {}, errors), 2);
  assert.deepEqual(
    got.map((e) => e.envelope.event_id),
    ['readings:0', 'readings:17'],
  );
  assert.ok(isDatagenError(errors[0], 'SOURCE_BAD_RESPONSE'));
});

test('a file shorter than the checkpoint is reported, not read from a wrong offset', async () => {
  const path = join(dir, 't.jsonl');
  writeFileSync(path, '{"v":1}\n');
  const errors: unknown[] = [];
  const got = await take(source(path, {}, errors), 1, 5, { offset: 4096 });
  assert.equal(got.length, 0);
  assert.match((errors[0] as Error).message, /shorter \(8 bytes\) than the checkpoint \(4096\)/);
});
