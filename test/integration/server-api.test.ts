import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { jobSchema, statisticsSchema, streamStatusSchema } from '../../src/server/schemas.js';
import { call, closeServer, type Json, SECRET, sleep, testServer, until } from './server-helpers.js';

const s = await testServer();
test.after(() => closeServer(s));
const { app } = s;
const answers: string[] = [];

async function req(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) {
  const r = await call(app, method, url, payload);
  answers.push(r.text);
  return r;
}

async function waitJob(id: string): Promise<Json> {
  return until<Json | null>(async () => {
    const r = await req('GET', `/api/jobs/${id}`);
    return r.body.status !== 'running' ? r.body : null;
  }, `job ${id}`) as Promise<Json>;
}

test('health answers, and ready reports the database open with no stream', async () => {
  const h = await req('GET', '/health');
  assert.equal(h.status, 200);
  assert.equal(h.body.status, 'ok');
  const r = await req('GET', '/ready');
  assert.equal(r.status, 200);
  assert.equal(r.body.ready, true);
  assert.equal(r.body.checks.database.ok, true);
});

test('the state of an empty database says there is no world and no history', async () => {
  const r = await req('GET', '/api/generators/state');
  assert.equal(r.status, 200);
  assert.equal(r.body.has_master_data, false);
  assert.equal(r.body.has_historical_data, false);
  assert.equal(r.body.last_generated_timestamp, null);
});

test('streaming before the world exists is refused with DB_NOT_INITIALISED', async () => {
  const r = await req('POST', '/api/stream/start', { speed: 'max' });
  assert.equal(r.status, 409);
  assert.equal(r.body.code, 'DB_NOT_INITIALISED');
  assert.equal(r.body.statusCode, 409);
});

test('the master job runs to success with progress, and the state then shows the world', async () => {
  const start = await req('POST', '/api/generators/master/start', {});
  assert.equal(start.status, 202);
  jobSchema.parse(start.body);
  assert.equal(start.body.kind, 'master');
  const done = await waitJob(start.body.id);
  assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
  assert.equal(done.progress.fraction, 1);
  assert.equal(done.result.counts.dim_stores, 3);
  const state = await req('GET', '/api/generators/state');
  assert.equal(state.body.has_master_data, true);
  assert.equal(state.body.counts.dim_stores, 3);
  assert.equal(state.body.has_historical_data, false);
  const stores = await req('GET', '/api/world/stores');
  assert.equal(stores.body.stores.length, 3);
  assert.equal(typeof stores.body.stores[0].latitude, 'number');
});

test('a history job reports its days, refuses a second job while it runs, and can be cancelled', async () => {
  const start = await req('POST', '/api/generators/historical/start', { days: 60 });
  assert.equal(start.status, 202);
  const second = await req('POST', '/api/generators/master/start');
  assert.equal(second.status, 409);
  assert.equal(second.body.code, 'JOB_RUNNING');
  await until(async () => (await req('GET', `/api/jobs/${start.body.id}`)).body.progress.done >= 1, 'a day');
  const cancel = await req('POST', `/api/jobs/${start.body.id}/cancel`);
  assert.equal(cancel.status, 200);
  assert.equal(cancel.body.cancel_requested, true);
  const done = await waitJob(start.body.id);
  assert.equal(done.status, 'cancelled');
  assert.ok(done.progress.done >= 1 && done.progress.done < 60, `days done: ${done.progress.done}`);
  const list = await req('GET', '/api/jobs');
  assert.equal(list.body.jobs[0].id, start.body.id);
  const state = await req('GET', '/api/generators/state');
  assert.equal(state.body.has_historical_data, true);
  assert.match(state.body.last_generated_timestamp, /^2024-01-\d\dT00:00:00.000Z$/);
});

test('DELETE /api/jobs/:id cancels too, and an unknown job is 404 NOT_FOUND', async () => {
  const start = await req('POST', '/api/generators/historical/start', { days: 1 });
  const del = await req('DELETE', `/api/jobs/${start.body.id}`);
  assert.equal(del.status, 200);
  await waitJob(start.body.id);
  const missing = await req('GET', '/api/jobs/nope');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.code, 'NOT_FOUND');
});

test('bad bodies are 400 REQUEST_INVALID naming the field and what it accepts', async () => {
  const cases: [string, unknown, RegExp][] = [
    ['/api/generators/historical/start', { days: 'seven' }, /body\.days: expected number/],
    ['/api/generators/historical/start', { days: 0 }, /body\.days: must be >= 1/],
    ['/api/generators/historical/start', { dayz: 3 }, /body\.dayz: unknown key; did you mean 'days'/],
    ['/api/generators/historical/start', { start: '2024/01/01' }, /body\.start: expected a date as YYYY-MM-DD/],
    ['/api/generators/master/start', { force: 'yes' }, /body\.force: expected boolean/],
    ['/api/stream/start', { speed: 'fast' }, /body\.speed: expected a positive number .*'max', or 'live'/],
    ['/api/stream/start', { speed: 2, rate: 10 }, /body\.rate: choose one pacing: speed or rate/],
    ['/api/stream/start', { sink: 'pigeon' }, /body\.sink: must be one of "file"/],
    ['/api/stream/start', { max_events: -1 }, /body\.max_events: must be > 0/],
    ['/api/stream/start', { until: 'tomorrow' }, /body\.until: expected a time/],
    ['/api/stream/start', { source: 'replay' }, /body\.from: source replay needs from and to/],
    ['/api/stream/test', { timeout_ms: 5 }, /body\.timeout_ms: must be >= 100/],
    ['/api/dlq/purge', { status: 'lost' }, /body\.status: must be one of "pending", "delivered", "gave_up"/],
    ['/api/dlq/retry', { ids: ['a'] }, /body\.ids\.0: expected number/],
    ['/api/stream/pause', { now: true }, /body: .* takes no body/],
  ];
  for (const [url, body, message] of cases) {
    const r = await req('POST', url, body);
    assert.equal(r.status, 400, `${url} ${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.body.code, 'REQUEST_INVALID', r.text);
    assert.equal(r.body.statusCode, 400);
    assert.match(r.body.message, message);
  }
});

test('bad queries, bad JSON, oversized bodies and unknown routes have their own codes', async () => {
  const q = await req('GET', '/api/dlq?status=lost');
  assert.equal(q.status, 400);
  assert.match(q.body.message, /query\.status/);
  const q2 = await req('GET', '/api/stream/events?limit=0');
  assert.match(q2.body.message, /query\.limit: must be >= 1/);
  const bad = await app.inject({
    method: 'POST',
    url: '/api/stream/start',
    headers: { 'content-type': 'application/json' },
    payload: '{"speed": ',
  });
  assert.equal(bad.statusCode, 400);
  assert.equal(JSON.parse(bad.body).code, 'REQUEST_INVALID');
  const big = await app.inject({
    method: 'POST',
    url: '/api/dlq/purge',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ ids: Array.from({ length: 300_000 }, (_, i) => i + 1) }),
  });
  assert.equal(big.statusCode, 413);
  assert.equal(JSON.parse(big.body).code, 'BODY_TOO_LARGE');
  const type = await app.inject({
    method: 'POST',
    url: '/api/stream/start',
    headers: { 'content-type': 'text/xml' },
    payload: '<speed/>',
  });
  assert.equal(type.statusCode, 415);
  assert.equal(JSON.parse(type.body).code, 'UNSUPPORTED_MEDIA_TYPE');
  const missing = await req('GET', '/api/nothing');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.code, 'NOT_FOUND');
});

test('stream start, pause (counts frozen), resume (counts move), stop (drained); conflicts are 409', async () => {
  const notRunning = await req('POST', '/api/stream/pause');
  assert.equal(notRunning.status, 409);
  assert.equal(notRunning.body.code, 'STREAM_NOT_RUNNING');
  const start = await req('POST', '/api/stream/start', { rate: 3000, sink: 'file' });
  assert.equal(start.status, 202, start.text);
  assert.equal(start.body.sink, 'file');
  assert.deepEqual(start.body.pacing, { mode: 'rate', eventsPerSecond: 3000 });
  const again = await req('POST', '/api/stream/start', { rate: 10 });
  assert.equal(again.status, 409);
  assert.equal(again.body.code, 'STREAM_RUNNING');
  const job = await req('POST', '/api/generators/historical/start', { days: 1 });
  assert.equal(job.status, 409);
  assert.equal(job.body.code, 'STREAM_RUNNING');
  await until(async () => (await req('GET', '/api/stream/statistics')).body.events_sent > 200, 'events sent');
  const paused = await req('POST', '/api/stream/pause');
  assert.equal(paused.status, 200);
  assert.equal(paused.body.status, 'paused');
  await until(async () => {
    const st = (await req('GET', '/api/stream/statistics')).body;
    return st.queue_depth === 0 && st.batched === 0 && st.events_sent === st.events_generated;
  }, 'the queue to drain while paused');
  const a = statisticsSchema.parse((await req('GET', '/api/stream/statistics')).body);
  await sleep(400);
  const b = (await req('GET', '/api/stream/statistics')).body;
  assert.equal(b.state, 'paused');
  assert.equal(b.events_generated, a.events_generated);
  assert.equal(b.events_sent, a.events_sent);
  const status = streamStatusSchema.parse((await req('GET', '/api/stream/status')).body);
  assert.equal(status.is_streaming, true);
  assert.equal(status.state, 'paused');
  const resumed = await req('POST', '/api/stream/resume');
  assert.equal(resumed.body.status, 'running');
  await until(
    async () => (await req('GET', '/api/stream/statistics')).body.events_sent > a.events_sent + 100,
    'counts to move after resume',
  );
  const health = await req('GET', '/api/stream/health');
  assert.equal(health.body.overall_healthy, true);
  assert.equal(health.body.components.sink.kind, 'file');
  const events = await req('GET', '/api/stream/events?limit=5&type=customer_entered');
  assert.ok(events.body.events.length > 0);
  for (const e of events.body.events) assert.equal(e.envelope.event_type, 'customer_entered');
  const stop = await req('POST', '/api/stream/stop');
  assert.equal(stop.status, 200);
  assert.equal(stop.body.status, 'stopped');
  const st = stop.body.statistics;
  assert.equal(st.events_sent, st.events_generated);
  assert.equal(st.checkpoint.saved_position, st.events_generated);
  const stopAgain = await req('POST', '/api/stream/stop');
  assert.equal(stopAgain.body.code, 'STREAM_NOT_RUNNING');

  // /metrics: the documented names, in the Prometheus text format, agreeing with the statistics.
  const m = await app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(m.statusCode, 200);
  assert.match(m.headers['content-type'] as string, /^text\/plain/);
  const samples = new Map<string, number>();
  for (const line of m.body.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const match =
      /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/.exec(
        line,
      );
    assert.ok(match, `not Prometheus text: ${line}`);
    samples.set(match[1] + (match[2] ?? ''), Number(match[3]));
  }
  const sum = (name: string) =>
    [...samples].filter(([k]) => k === name || k.startsWith(`${name}{`)).reduce((t, [, v]) => t + v, 0);
  assert.equal(sum('retail_datagen_events_generated_total'), st.events_generated);
  assert.equal(sum('retail_datagen_events_sent_total'), st.events_sent);
  assert.equal(
    samples.get(`retail_datagen_events_sent_total{event_type="customer_entered",destination="retail-events"}`),
    st.sent_by_type.customer_entered,
  );
  assert.equal(sum('retail_datagen_batch_size_events_count'), st.batches_sent);
  assert.equal(sum('retail_datagen_send_latency_seconds_count'), st.batches_sent);
  assert.equal(samples.get('retail_datagen_stream_state{state="stopped"}'), 1);
  assert.equal(samples.get('retail_datagen_circuit_state'), 0);
  assert.equal(samples.get('retail_datagen_checkpoint_position'), st.checkpoint.position);
  assert.equal(samples.get('retail_datagen_job_progress_ratio{kind="master"}'), 1);
  for (const name of [
    'retail_datagen_events_failed_total',
    'retail_datagen_events_dropped_total',
    'retail_datagen_events_dead_lettered_total',
    'retail_datagen_events_retried_total',
    'retail_datagen_queue_depth',
    'retail_datagen_queue_capacity',
    'retail_datagen_throttle_active',
    'retail_datagen_throttle_level',
    'retail_datagen_history_days_done',
    'retail_datagen_dead_letters',
    'retail_datagen_events_per_second',
  ])
    assert.match(m.body, new RegExp(`^# TYPE ${name} `, 'm'), name);
});

test('the connection test answers success for the file sink and a failure with its type otherwise', async () => {
  const ok = await req('POST', '/api/stream/test', {});
  assert.equal(ok.status, 200);
  assert.equal(ok.body.success, true);
  assert.equal(ok.body.sink, 'file');
  assert.equal(typeof ok.body.response_time_ms, 'number');
  const none = await req('POST', '/api/stream/test');
  assert.equal(none.body.success, true);
  const duck = await req('POST', '/api/stream/test', { sink: 'duckdb' });
  assert.equal(duck.body.success, true, duck.text);
  // The test config points the Kafka sink at a port where nothing listens.
  const kafka = await req('POST', '/api/stream/test', { sink: 'kafka', timeout_ms: 8000 });
  assert.equal(kafka.status, 200);
  assert.equal(kafka.body.success, false, kafka.text);
  assert.equal(kafka.body.error_type, 'SINK_NOT_CONNECTED');
  assert.match(kafka.body.message, /^Connection test failed: kafka sink: /);
});

test('no answer carries a secret of the config', async () => {
  await req('GET', '/api/stream/statistics');
  await req('GET', '/api/stream/status');
  await req('GET', '/api/stream/health');
  await req('GET', '/openapi.json');
  for (const a of answers) assert.ok(!a.includes(SECRET), `secret in ${a.slice(0, 200)}`);
});

test('openapi.json is a valid OpenAPI 3.1 document covering every route, with schemas that compile', async () => {
  const r = await req('GET', '/openapi.json');
  assert.equal(r.status, 200);
  const doc = r.body;
  assert.equal(doc.openapi, '3.1.0');
  const expected = [
    'post /api/generators/master/start',
    'post /api/generators/historical/start',
    'get /api/generators/state',
    'post /api/stream/start',
    'post /api/stream/stop',
    'post /api/stream/pause',
    'post /api/stream/resume',
    'get /api/stream/status',
    'get /api/stream/statistics',
    'get /api/stream/health',
    'post /api/stream/test',
    'get /api/stream/events',
    'get /api/stream/live',
    'get /api/dlq',
    'get /api/dlq/stats',
    'post /api/dlq/retry',
    'post /api/dlq/replay',
    'post /api/dlq/purge',
    'get /api/jobs',
    'get /api/jobs/{id}',
    'post /api/jobs/{id}/cancel',
    'delete /api/jobs/{id}',
    'get /api/world/stores',
    'get /health',
    'get /ready',
    'get /metrics',
    'get /openapi.json',
  ];
  const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) =>
    Object.keys(ops).map((m) => `${m} ${p}`),
  );
  assert.deepEqual([...documented].sort(), [...expected].sort());
  const ajv = new Ajv2020({ strict: false });
  const ids = new Set<string>();
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(ops)) {
      assert.ok(op.summary, `${method} ${path}: summary`);
      assert.ok(!ids.has(op.operationId), `duplicate operationId ${op.operationId}`);
      ids.add(op.operationId);
      assert.ok(Object.keys(op.responses).length > 0);
      for (const p of op.parameters) {
        assert.ok(['query', 'path'].includes(p.in));
        ajv.compile(p.schema);
      }
      for (const m of path.matchAll(/\{(\w+)\}/g))
        assert.ok(
          op.parameters.some((p: { in: string; name: string }) => p.in === 'path' && p.name === m[1]),
          `${path}: path parameter ${m[1]}`,
        );
      const schemas = [
        op.requestBody?.content['application/json'].schema,
        ...Object.values(op.responses).flatMap((resp: Json) =>
          Object.values(resp.content ?? {}).map((c: Json) => c.schema),
        ),
      ].filter(Boolean);
      for (const schema of schemas) ajv.compile(schema);
      if (op.requestBody) assert.equal(op.requestBody.content['application/json'].schema.additionalProperties, false);
    }
  }
  // Every route the app serves (but the dashboard's files) is documented.
  for (const route of s.ctx.routes) {
    const [method, url] = route.split(' ');
    if (method === 'HEAD' || url === '/' || url.includes('*')) continue;
    const key = `${method.toLowerCase()} ${url.replace(/:(\w+)/g, '{$1}').replace(/(.)\/$/, '$1')}`;
    assert.ok(expected.includes(key), `route not documented: ${key}`);
  }
});

test('the README documents every retail_datagen_ metric, and the Grafana dashboard uses only served ones', async () => {
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  const served = new Set([...text.matchAll(/^# TYPE (retail_datagen_\w+) /gm)].map((m) => m[1]));
  const own = [...served].filter((n) => !/^retail_datagen_(process|nodejs)_/.test(n));
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const documented = new Set([...readme.matchAll(/^\| `(retail_datagen_\w+)` \|/gm)].map((m) => m[1]));
  assert.deepEqual([...documented].sort(), own.sort());
  const grafana = readFileSync(new URL('../../deploy/grafana/retail-datagen.json', import.meta.url), 'utf8');
  const used = new Set(
    [...grafana.matchAll(/retail_datagen_\w+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, '')),
  );
  assert.ok(used.size >= 15);
  for (const name of used) assert.ok(served.has(name), `the Grafana dashboard uses ${name}, not served`);
});
