import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readEvents } from './api.js';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const chunk of chunks) c.enqueue(enc.encode(chunk));
      c.close();
    },
  });
}

test('readEvents parses named SSE messages split across chunks, with JSON data, comments and CRLF', async () => {
  const got: [string, unknown][] = [];
  await readEvents(
    streamOf([
      ': hello\n\nid: 1\nevent: statis',
      'tics\ndata: {"state":"running","events_sent":3}\n\n',
      'event: events\r\ndata: {"events":[{"seq":1}]}\r\n\r\n',
      'data: plain\ndata: text\n\nevent: job\ndata: {"id":"j"',
      '}\n\n',
    ]),
    (name, data) => got.push([name, data]),
  );
  assert.deepEqual(got, [
    ['statistics', { state: 'running', events_sent: 3 }],
    ['events', { events: [{ seq: 1 }] }],
    ['message', 'plain\ntext'],
    ['job', { id: 'j' }],
  ]);
});

test('readEvents keeps multi-byte characters split between chunks intact', async () => {
  const bytes = new TextEncoder().encode('data: {"city":"Zürich"}\n\n');
  const cut = bytes.indexOf(0xc3) + 1;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(bytes.slice(0, cut));
      c.enqueue(bytes.slice(cut));
      c.close();
    },
  });
  const got: unknown[] = [];
  await readEvents(body, (_n, d) => got.push(d));
  assert.deepEqual(got, [{ city: 'Zürich' }]);
});
