import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { sampleEvent } from '../../events/samples.js';
import type { OutEvent, SinkBatch } from '../types.js';
import { fileSinkConfig } from './config.js';
import { FileSink, linesOf, safeName } from './sink.js';

function batch(destination: string, n: number, from = 0): SinkBatch {
  const events: OutEvent[] = Array.from({ length: n }, (_, i) => {
    const envelope = { ...sampleEvent('receipt_created'), event_id: `e${from + i}` };
    return { envelope, json: JSON.stringify(envelope), destination, seq: from + i + 1 };
  });
  return { destination, events, bytes: events.reduce((s, e) => s + e.json.length, 0) };
}

function lines(dir: string, dest: string): string[] {
  const sub = join(dir, dest);
  return readdirSync(sub)
    .sort()
    .flatMap((f) => {
      const raw = readFileSync(join(sub, f));
      return (f.endsWith('.gz') ? gunzipSync(raw).toString() : raw.toString()).split('\n').filter(Boolean);
    });
}

test('writes one JSON line per event, one file series per destination', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rdg-file-'));
  const sink = new FileSink(fileSinkConfig.parse({ dir }));
  await sink.open();
  const out = await sink.send(batch('sales', 3));
  await sink.send(batch('ops/critical', 2, 10));
  await sink.close();
  assert.deepEqual(out, [{ ok: true }, { ok: true }, { ok: true }]);
  assert.deepEqual(readdirSync(dir).sort(), ['ops_critical', 'sales']);
  assert.deepEqual(
    lines(dir, 'sales').map((l) => JSON.parse(l).event_id),
    ['e0', 'e1', 'e2'],
  );
  assert.equal(lines(dir, 'ops_critical').length, 2);
  assert.equal(safeName('a b/c'), 'a_b_c');
});

test('rotates by size and by age', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rdg-file-'));
  let now = 1_700_000_000_000;
  const sink = new FileSink(fileSinkConfig.parse({ dir, rotate_bytes: 1024, rotate_seconds: 60 }), () => now);
  await sink.open();
  for (let i = 0; i < 6; i++) await sink.send(batch('d', 2, i * 2));
  const bySize = readdirSync(join(dir, 'd')).length;
  assert.ok(bySize >= 3, `${bySize} files after 12 events of ~500 bytes with 1 KiB files`);
  now += 61_000;
  await sink.send(batch('d', 1, 100));
  await sink.close();
  assert.equal(readdirSync(join(dir, 'd')).length, bySize + 1, 'a new file after the age limit');
  assert.equal(lines(dir, 'd').length, 13);
});

test('gzip files hold each batch as a complete member', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rdg-file-'));
  const sink = new FileSink(fileSinkConfig.parse({ dir, gzip: true }));
  await sink.open();
  await sink.send(batch('z', 4));
  await sink.send(batch('z', 4, 4));
  await sink.close();
  const [file] = readdirSync(join(dir, 'z'));
  assert.match(file, /\.jsonl\.gz$/);
  assert.deepEqual(
    lines(dir, 'z').map((l) => JSON.parse(l).event_id),
    ['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7'],
  );
});

test('a folder that cannot be created fails every event of the batch', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rdg-file-'));
  const notADir = join(dir, 'plain-file');
  writeFileSync(notADir, 'x');
  const sink = new FileSink(fileSinkConfig.parse({ dir: notADir }));
  const out = await sink.send(batch('x', 2));
  assert.equal(out.length, 2);
  assert.ok(out.every((o) => !o.ok && !o.held && /ENOTDIR|not a directory/i.test(o.error.message)));
});

test('events serialised to bytes are written as they are, alone or mixed with text ones', () => {
  const texts = batch('sales', 4).events.map((e) => ({ ...e, json: e.json.replace('"e', '"é') }));
  const expected = texts.map((e) => `${e.json}\n`).join('');
  // A source's bytes are views of a larger buffer.
  const whole = Buffer.from(`xx${expected}`);
  let at = 2;
  const viewed = texts.map((e) => {
    const bytes = new Uint8Array(whole.buffer, whole.byteOffset + at, Buffer.byteLength(e.json));
    at += bytes.byteLength + 1;
    return { ...e, bytes };
  });
  // All with bytes: their text is not read.
  const unread = viewed.map((e) => ({
    ...e,
    get json(): string {
      throw new Error('text read');
    },
  }));
  assert.equal(linesOf(unread).toString(), expected);
  // One event without bytes: all go by their text.
  assert.equal(linesOf([texts[0], ...viewed.slice(1)]).toString(), expected);
});

test('byte batches reuse one buffer, and sends that overlap each write their own lines', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'file-sink-'));
  const sink = new FileSink(fileSinkConfig.parse({ dir }));
  await sink.open();
  const asBytes = (b: SinkBatch): SinkBatch => ({
    ...b,
    events: b.events.map((e) => ({ ...e, bytes: Buffer.from(e.json) })),
  });
  // Two at once (a dead letter sent again beside the stream), then one after the other, longer and shorter.
  await Promise.all([sink.send(asBytes(batch('d', 50, 0))), sink.send(asBytes(batch('d', 3, 50)))]);
  await sink.send(asBytes(batch('d', 80, 53)));
  await sink.send(asBytes(batch('d', 2, 133)));
  await sink.close();
  const ids = lines(dir, 'd').map((l) => (JSON.parse(l) as { event_id: string }).event_id);
  assert.deepEqual(ids.sort(), Array.from({ length: 135 }, (_, i) => `e${i}`).sort());
});
