// The http source against a real HTTP server on 127.0.0.1 serving paged, changing JSON: pagination, dedup on
// re-poll, Retry-After, 5xx retries, a per-source circuit, the response cache, timeouts, the rate limit, resuming.

import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { configSchema } from '../../src/config/schema.js';
import { isDatagenError } from '../../src/errors.js';
import type { RecordEnvelope } from '../../src/events/record-envelope.js';
import { recordEnvelopeSchema } from '../../src/events/record-envelope.js';
import type { SourceSettings } from '../../src/sources/factory.js';
import { type HttpParams, httpParamsSchema } from '../../src/sources/http/config.js';
import { HttpSource } from '../../src/sources/http/source.js';
import { MergedSource } from '../../src/sources/merge.js';
import type { Source, SourceEvent } from '../../src/sources/types.js';

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;
const routes = new Map<string, Handler>();
const hits = new Map<string, number[]>();
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const list = hits.get(url.pathname) ?? [];
  list.push(Date.now());
  hits.set(url.pathname, list);
  const h = routes.get(url.pathname);
  if (!h) {
    res.writeHead(404).end();
    return;
  }
  h(req, res, url);
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
test.after(() => server.close());

const json = (res: ServerResponse, body: unknown, status = 200, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
};

/** A feed of records in pages of 3; the last page is re-polled and grows until it spills into a next page. */
function feed(path: string, initial: number) {
  const items = Array.from({ length: initial }, (_, i) => ({ id: i + 1, severity: i % 5 === 0 ? 'critical' : 'info' }));
  routes.set(path, (_req, res, url) => {
    const page = Number(url.searchParams.get('page') ?? 0);
    const slice = items.slice(page * 3, page * 3 + 3);
    json(res, { data: { items: slice }, next: items.length > (page + 1) * 3 ? `${path}?page=${page + 1}` : null });
  });
  return {
    append(n: number) {
      for (let i = 0; i < n; i++) items.push({ id: items.length + 1, severity: 'info' });
    },
  };
}

const settings = (over: Partial<SourceSettings> = {}): SourceSettings => ({
  ingestion: { mode: 'real_time', polling_interval_seconds: 0.03 },
  rate_limit_per_minute: 60_000,
  timeout_seconds: 5,
  cache_ttl_seconds: 0,
  ...over,
});

const config = configSchema.parse({});
function httpSource(
  name: string,
  params: Record<string, unknown>,
  over: Partial<SourceSettings> = {},
  errors: unknown[] = [],
) {
  const p: HttpParams = httpParamsSchema.parse(params);
  return new HttpSource(p, { name, settings: settings(over), config, onError: (e) => errors.push(e) });
}

/** Runs a source until `done(events)` or the time runs out; returns what it gave. */
async function collect(
  source: Source,
  done: (events: SourceEvent[]) => boolean,
  opts: { after?: number; state?: unknown; ms?: number } = {},
): Promise<SourceEvent[]> {
  const ac = new AbortController();
  const got: SourceEvent[] = [];
  const timer = setTimeout(() => ac.abort(), opts.ms ?? 5000);
  const it = (source as HttpSource).batches(opts.after ?? 0, ac.signal, opts.state);
  try {
    for await (const batch of it) {
      got.push(...batch);
      if (done(got)) break;
    }
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return got;
}

const ids = (events: SourceEvent[]) => events.map((e) => (e.envelope.payload as { id: number }).id);
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('pages are followed through the next link, records added later arrive, and re-polls resend nothing', async () => {
  const f = feed('/feed1', 7);
  const src = httpSource('api', {
    url: `${base}/feed1`,
    records: '$.data.items',
    cursor: { type: 'next_link', selector: '$.next' },
    key: 'id',
    event_type: 'alert',
  });
  const ac = new AbortController();
  const got: SourceEvent[] = [];
  const run = (async () => {
    for await (const b of src.batches(0, ac.signal)) got.push(...b);
  })();
  while (got.length < 7) await wait(10);
  f.append(5);
  while (got.length < 12) await wait(10);
  await wait(150); // several more re-polls of the last page
  ac.abort();
  await run;
  assert.deepEqual(
    ids(got),
    Array.from({ length: 12 }, (_, i) => i + 1),
  );
  assert.deepEqual(
    got.map((e) => e.seq),
    Array.from({ length: 12 }, (_, i) => i + 1),
  );
  const m = src.metrics();
  assert.ok(m.duplicates_dropped > 0, 'the last page was re-polled and its records dropped as duplicates');
  const env = got[0].envelope as RecordEnvelope;
  assert.equal(recordEnvelopeSchema.safeParse(env).success, true);
  assert.equal(env.event_type, 'alert');
  assert.equal(env.event_id, 'api:1');
  assert.equal(env.source, 'api');
});

test('a restart from the saved state continues after the last delivered record: no gap, no repeat', async () => {
  feed('/feed2', 11);
  const params = {
    url: `${base}/feed2`,
    records: '$.data.items',
    cursor: { type: 'next_link' },
    key: 'id',
  };
  const first = httpSource('api', params);
  const before = await collect(first, (g) => g.length >= 11);
  assert.equal(before.length, 11);
  // Only the first 5 were delivered (acknowledged) when the process died.
  const state = JSON.parse(JSON.stringify(first.stateAt(5)));
  assert.deepEqual(state.cursor, { url: `${base}/feed2?page=1` }, 'the page of record 5');
  assert.deepEqual(state.keys, ['4', '5']);
  const second = httpSource('api', params);
  const after = await collect(second, (g) => g.length >= 6, { after: 5, state, ms: 1500 });
  await wait(100);
  assert.deepEqual(ids(after), [6, 7, 8, 9, 10, 11]);
  assert.deepEqual(
    after.map((e) => e.seq),
    [6, 7, 8, 9, 10, 11],
  );
});

test('a timestamp cursor asks for records since the newest one seen', async () => {
  const rows = [
    { id: 'a', ts: '2024-01-01T00:00:01Z' },
    { id: 'b', ts: '2024-01-01T00:00:02Z' },
  ];
  const asked: (string | null)[] = [];
  routes.set('/since', (_req, res, url) => {
    const since = url.searchParams.get('since');
    asked.push(since);
    json(res, { results: rows.filter((r) => since === null || r.ts >= since) });
  });
  const src = httpSource('ts', {
    url: `${base}/since`,
    records: '$.results',
    key: 'id',
    timestamp_field: 'ts',
    cursor: { type: 'timestamp', field: 'ts', param: 'since' },
  });
  const ac = new AbortController();
  const got: SourceEvent[] = [];
  const run = (async () => {
    for await (const b of src.batches(0, ac.signal)) got.push(...b);
  })();
  while (got.length < 2) await wait(10);
  rows.push({ id: 'c', ts: '2024-01-01T00:00:03Z' });
  while (got.length < 3) await wait(10);
  ac.abort();
  await run;
  assert.deepEqual(
    got.map((e) => (e.envelope.payload as { id: string }).id),
    ['a', 'b', 'c'],
  );
  assert.equal(got[2].envelope.event_ts, '2024-01-01T00:00:03.000Z');
  assert.equal(asked[0], null);
  assert.ok(asked.slice(1).every((s) => s !== null && s >= '2024-01-01T00:00:02Z'));
});

test('429 with Retry-After: the next request waits as long as the server asked', async () => {
  let n = 0;
  routes.set('/limited', (_req, res) => {
    n++;
    if (n === 1) json(res, { error: 'slow down' }, 429, { 'retry-after': '1' });
    else json(res, [{ id: 1 }]);
  });
  const src = httpSource('limited', { url: `${base}/limited`, key: 'id', retry_base_ms: 1, retry_max_ms: 5000 });
  const got = await collect(src, (g) => g.length >= 1);
  assert.deepEqual(ids(got), [1]);
  const [t1, t2] = hits.get('/limited') ?? [];
  assert.ok(t2 - t1 >= 950, `retried after ${t2 - t1} ms`);
  assert.equal(src.client.metrics().throttled_429, 1);
});

test('5xx responses are retried with backoff until the API answers', async () => {
  let n = 0;
  routes.set('/flaky', (_req, res) => {
    n++;
    if (n <= 2) json(res, { error: 'oops' }, 503);
    else json(res, [{ id: 1 }, { id: 2 }]);
  });
  const src = httpSource('flaky', { url: `${base}/flaky`, key: 'id', retry_base_ms: 5, retry_attempts: 3 });
  const got = await collect(src, (g) => g.length >= 2);
  assert.deepEqual(ids(got), [1, 2]);
  assert.equal(src.client.metrics().retries, 2);
  assert.equal(src.mode.metrics().poll_errors, 0);
});

test("a 500 storm opens that source's circuit while another source keeps flowing", async () => {
  routes.set('/down', (_req, res) => json(res, { error: 'down' }, 500));
  feed('/feed3', 9);
  const errors: unknown[] = [];
  const down = httpSource(
    'down',
    { url: `${base}/down`, retry_attempts: 0, circuit_failure_threshold: 3, circuit_open_seconds: 60 },
    {},
    errors,
  );
  const up = httpSource('up', {
    url: `${base}/feed3`,
    records: '$.data.items',
    cursor: { type: 'next_link' },
    key: 'id',
  });
  const merged = new MergedSource([
    { name: 'down', source: down },
    { name: 'up', source: up },
  ]);
  const got = await collect(merged, () => false, { ms: 600 });
  assert.deepEqual(ids(got), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.ok(got.every((e) => e.source === 'up'));
  assert.equal(down.client.circuit.state, 'open');
  assert.equal(hits.get('/down')?.length, 3, 'no request while the circuit is open');
  // Reported once when it opened, not on every poll it held back.
  assert.equal(errors.filter((e) => isDatagenError(e, 'SOURCE_CIRCUIT_OPEN')).length, 1);
  assert.equal(down.mode.metrics().poll_errors, 3);
  assert.equal(up.client.circuit.state, 'closed');
});

test('a response is reused from the cache while its TTL lasts', async () => {
  routes.set('/cached', (_req, res) => json(res, [{ id: 1 }]));
  const src = httpSource('cached', { url: `${base}/cached`, key: 'id' }, { cache_ttl_seconds: 0.3 });
  await collect(src, () => false, { ms: 500 });
  const requests = hits.get('/cached')?.length ?? 0;
  assert.ok(requests >= 2 && requests <= 3, `${requests} requests in 500 ms with a 300 ms TTL`);
  assert.ok(src.client.metrics().cache_hits >= 5);
});

test('a request that takes longer than timeout_seconds fails as a timeout and is retried', async () => {
  // The answer comes long after both tries gave up, and after the collection ends: on a loaded machine the two
  // 50 ms tries can take a few hundred ms between them.
  routes.set('/slow', (_req, res) => {
    setTimeout(() => json(res, [{ id: 1 }]), 3000).unref();
  });
  const errors: unknown[] = [];
  const src = httpSource(
    'slow',
    { url: `${base}/slow`, retry_attempts: 1, retry_base_ms: 1 },
    { timeout_seconds: 0.05, ingestion: { mode: 'real_time', polling_interval_seconds: 10 } },
    errors,
  );
  const got = await collect(src, () => false, { ms: 1500 });
  assert.equal(got.length, 0);
  assert.equal(hits.get('/slow')?.length, 2, 'the first try and one retry');
  assert.ok(isDatagenError(errors[0], 'SOURCE_FETCH_FAILED'));
  assert.match((errors[0] as Error).message, /timed out after 50 ms/);
});

test('rate_limit_per_minute caps the requests of a source (token bucket)', async () => {
  routes.set('/rate', (_req, res) => json(res, []));
  const src = httpSource(
    'rate',
    { url: `${base}/rate` },
    {
      rate_limit_per_minute: 600,
      ingestion: { mode: 'continuous_streaming', polling_interval_seconds: 0.01, buffer_size: 10 },
    },
  );
  const started = Date.now();
  await collect(src, () => false, { ms: 1500 });
  const times = hits.get('/rate') ?? [];
  const elapsed = (times[times.length - 1] - started) / 1000;
  const perMinute = ((times.length - 1) / elapsed) * 60;
  assert.ok(times.length >= 12 && times.length <= 17, `${times.length} requests in 1.5 s at 10/s`);
  assert.ok(perMinute <= 600 * 1.1, `${perMinute.toFixed(0)} requests per minute`);
});
