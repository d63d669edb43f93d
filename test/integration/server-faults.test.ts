import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FaultSink } from '../helpers/fault-sink.js';
import { call, closeServer, type Json, sleep, testServer, until } from './server-helpers.js';

test('dead letters from a failing sink are listed, counted, retried, replayed and purged through the API', async (t) => {
  const sink = new FaultSink();
  sink.fatalWhen = (e) => e.envelope.event_type === 'customer_entered';
  const s = await testServer({ world: true, sink: () => sink });
  t.after(() => closeServer(s));
  const { app } = s;
  const start = await call(app, 'POST', '/api/stream/start', { speed: 'max', max_events: 800 });
  assert.equal(start.status, 202, start.text);
  await until(async () => (await call(app, 'GET', '/api/stream/status')).body.state === 'stopped', 'the stream end');
  const st = (await call(app, 'GET', '/api/stream/statistics')).body;
  assert.equal(st.events_generated, 800);
  assert.ok(st.events_dead_lettered > 0, 'some events dead-lettered');
  assert.equal(st.events_dead_lettered, st.dead_lettered_by_type.customer_entered);

  const list = await call(app, 'GET', '/api/dlq?type=customer_entered');
  assert.equal(list.status, 200);
  assert.equal(list.body.count, st.events_dead_lettered);
  const first = list.body.dead_letters[0];
  assert.equal(first.envelope.event_type, 'customer_entered');
  assert.equal(first.error_code, 'SINK_FATAL');
  assert.equal(first.status, 'pending');
  const limited = await call(app, 'GET', '/api/dlq?limit=2');
  assert.equal(limited.body.count, 2);

  const stats = await call(app, 'GET', '/api/dlq/stats');
  assert.equal(stats.body.total, st.events_dead_lettered);
  assert.equal(stats.body.byError.SINK_FATAL, st.events_dead_lettered);

  const retry = await call(app, 'POST', '/api/dlq/retry', { ids: [first.id] });
  assert.equal(retry.body.count, 1);

  const replay = await call(app, 'POST', '/api/dlq/replay', { type: 'customer_entered', sink: 'file' });
  assert.equal(replay.status, 200, replay.text);
  assert.equal(replay.body.sink, 'file');
  assert.equal(replay.body.delivered, st.events_dead_lettered);
  const delivered = await call(app, 'GET', '/api/dlq/stats?status=delivered');
  assert.equal(delivered.body.total, st.events_dead_lettered);

  const purge = await call(app, 'POST', '/api/dlq/purge', { status: 'delivered' });
  assert.equal(purge.body.count, st.events_dead_lettered);
  const after = await call(app, 'GET', '/api/dlq');
  assert.equal(after.body.count, 0);

  const m = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  const dead = [...m.matchAll(/^retail_datagen_events_dead_lettered_total\{[^}]*\} (\d+)$/gm)].reduce(
    (n, x) => n + Number(x[1]),
    0,
  );
  assert.equal(dead, st.events_dead_lettered);
});

test('ready is 503 while the circuit is open, and 200 again once the sink recovers', async (t) => {
  const sink = new FaultSink();
  sink.down = true;
  const s = await testServer({
    world: true,
    sink: () => sink,
    pipeline: { circuit_failure_threshold: 2, circuit_open_ms: 800 },
  });
  t.after(() => closeServer(s));
  const { app } = s;
  assert.equal((await call(app, 'POST', '/api/stream/start', { rate: 200 })).status, 202);
  await until(
    async () => (await call(app, 'GET', '/api/stream/statistics')).body.circuit.state === 'open',
    'the circuit to open',
  );
  const ready = await call(app, 'GET', '/ready');
  assert.equal(ready.status, 503);
  assert.equal(ready.body.ready, false);
  assert.equal(ready.body.checks.circuit.ok, false);
  assert.match(ready.body.checks.circuit.detail, /circuit open/);
  assert.equal(ready.body.checks.database.ok, true);
  const health = await call(app, 'GET', '/api/stream/health');
  assert.equal(health.body.overall_healthy, false);
  assert.equal(health.body.components.circuit_breaker.state, 'open');
  const m = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  assert.match(m, /^retail_datagen_circuit_state 2$/m);
  assert.match(m, /^retail_datagen_circuit_opens_total [1-9]/m);
  assert.equal((await call(app, 'GET', '/health')).status, 200);

  sink.down = false;
  await until(async () => (await call(app, 'GET', '/ready')).status === 200, 'ready again');
  const stop = await call(app, 'POST', '/api/stream/stop');
  assert.equal(stop.body.status, 'stopped');
});

test('the live feed sends statistics and recent events over a real socket as Server-Sent Events', async (t) => {
  const s = await testServer({ world: true });
  t.after(() => closeServer(s));
  const { app } = s;
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  assert.ok(address && typeof address === 'object');
  const base = `http://127.0.0.1:${address.port}`;
  assert.equal((await call(app, 'POST', '/api/stream/start', { rate: 500, sink: 'file' })).status, 202);
  const abort = new AbortController();
  const res = await fetch(`${base}/api/stream/live?interval_ms=200&events=20`, { signal: abort.signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const messages: { event: string; data: Json }[] = [];
  const started = Date.now();
  while (
    (messages.filter((m) => m.event === 'statistics').length < 3 || !messages.some((m) => m.event === 'events')) &&
    Date.now() - started < 20_000
  ) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    let cut = text.indexOf('\n\n');
    while (cut >= 0) {
      const block = text.slice(0, cut);
      text = text.slice(cut + 2);
      const event = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      if (event && data) messages.push({ event, data: JSON.parse(data) });
      cut = text.indexOf('\n\n');
    }
  }
  abort.abort();
  const stats = messages.filter((m) => m.event === 'statistics');
  assert.ok(stats.length >= 3, `statistics messages: ${stats.length}`);
  assert.equal(stats.at(-1)!.data.state, 'running');
  assert.ok(stats.at(-1)!.data.events_sent >= stats[0].data.events_sent);
  const events = messages.find((m) => m.event === 'events');
  assert.ok(events, 'an events message');
  assert.ok(events.data.events.length > 0 && events.data.events.length <= 20);
  assert.ok(events.data.events[0].envelope.event_id);
  // The server's close ends open feeds instead of waiting for them.
  const other = await fetch(`${base}/api/stream/live?interval_ms=5000`);
  assert.equal(other.status, 200);
  await sleep(50);
  const closing = Date.now();
  await app.close();
  assert.ok(Date.now() - closing < 5000);
});
