// `retail-datagen stream` with configured sources: the retail simulator beside an http source (a local server) and
// a tailed file, through one pipeline to the file sink; routing rules, priorities, restarts and kill -9.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import YAML from 'yaml';
import { validateEnvelope } from '../../src/events/envelope.js';
import { recordEnvelopeSchema } from '../../src/events/record-envelope.js';
import { BIN, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rdg-sources-'));
const WORLD = {
  stores: 3,
  dcs: 1,
  total_customers: 2000,
  total_products: 500,
  customers_per_day: 100,
  online_orders_per_day: 50,
  marketing_impressions_per_day: 300,
};

// A feed in pages of 3 that grows while the stream runs.
const items: { id: number; severity: string }[] = [];
const addItems = (n: number) => {
  for (let i = 0; i < n; i++) {
    const id = items.length + 1;
    items.push({ id, severity: id % 4 === 0 ? 'critical' : 'info' });
  }
};
addItems(10);
// A large feed in pages of 50 for the kill -9 test.
const big = Array.from({ length: 6000 }, (_, i) => ({ id: i + 1 }));
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const page = Number(url.searchParams.get('page') ?? 0);
  if (url.pathname === '/big') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        items: big.slice(page * 50, page * 50 + 50),
        next: big.length > (page + 1) * 50 ? `/big?page=${page + 1}` : null,
      }),
    );
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(
    JSON.stringify({
      data: { items: items.slice(page * 3, page * 3 + 3) },
      next: items.length > (page + 1) * 3 ? `/alerts?page=${page + 1}` : null,
    }),
  );
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;
test.after(() => server.close());

function readEvents(out: string): Record<string, unknown>[] {
  if (!existsSync(out)) return [];
  const events: Record<string, unknown>[] = [];
  for (const d of readdirSync(out)) {
    for (const f of readdirSync(join(out, d))) {
      const lines = readFileSync(join(out, d, f), 'utf8').split('\n');
      for (const line of lines.slice(0, -1)) events.push({ ...JSON.parse(line), _dir: d });
    }
  }
  return events;
}

function writeConfig(name: string, sources: Record<string, unknown>, out: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    YAML.stringify({
      volume: WORLD,
      historical: { start_date: '2024-06-03' },
      database: { path: join(dir, `${name}.duckdb`) },
      stream: { sink: 'file' },
      realtime: { batch_timeout_ms: 50 },
      sinks: { file: { dir: out } },
      pipeline: {
        checkpoint_interval_ms: 100,
        routing: {
          rules: [{ name: 'critical', field: 'payload.severity', equals: 'critical', destination: 'critical-alerts' }],
          patterns: [{ regex: '^sensor_', on: 'source', destination: 'iot' }],
          default: 'retail-events',
        },
      },
      sources,
    }),
  );
  return file;
}

const httpSource = {
  source_type: 'http',
  priority: 'high',
  ingestion: { mode: 'real_time', polling_interval_seconds: 0.05 },
  rate_limit_per_minute: 6000,
  params: {
    url: apiUrl,
    records: '$.data.items',
    cursor: { type: 'next_link', selector: '$.next' },
    key: 'id',
    event_type: 'alert',
  },
};

test('retail and http sources stream together to the file sink; a restart resumes both with no gap and no repeat', async () => {
  const out = join(dir, 'out-two');
  const cfg = writeConfig(
    'two',
    {
      pos: { source_type: 'retail', params: { speed: 'max', until: '2024-06-03T10:00:00Z' } },
      alerts: httpSource,
    },
    out,
  );
  const m = await runCli(['master', '--config', cfg]);
  assert.equal(m.code, 0, m.stderr);
  const list = await runCli(['sources', 'list', '--config', cfg]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /pos\s+retail\s+enabled\s+paced/);
  assert.match(list.stdout, /alerts\s+http\s+enabled\s+real_time every 0.05s\s+high/);
  const unknown = await runCli(['sources', 'check', 'nope', '--config', cfg]);
  assert.equal(unknown.code, 2);
  assert.match(
    unknown.stderr,
    /error \[SOURCE_NOT_FOUND\]: no source named "nope" in the config; configured: pos, alerts/,
  );
  const check = await runCli(['sources', 'check', 'alerts', '--config', cfg]);
  assert.equal(check.code, 0, check.stderr);
  assert.match(check.stdout, /source alerts: ok: GET http:\/\/127\.0\.0\.1:\d+\/alerts: 3 records, a next page/);

  const first = await runCli(['stream', '--config', cfg, '--duration', '3s']);
  assert.equal(first.code, 0, first.stderr);
  const events = readEvents(out);
  const records = events.filter((e) => e.source === 'alerts');
  const retail = events.filter((e) => e.source === 'retail-datagen');
  assert.deepEqual(
    records.map((e) => (e.payload as { id: number }).id).sort((a, b) => a - b),
    Array.from({ length: 10 }, (_, i) => i + 1),
  );
  assert.ok(retail.length > 100, `${retail.length} retail events`);
  for (const e of retail.slice(0, 50)) {
    const { _dir, ...env } = e;
    assert.equal(validateEnvelope(env).ok, true);
  }
  for (const e of records) {
    const { _dir, ...env } = e;
    assert.equal(recordEnvelopeSchema.safeParse(env).success, true);
    assert.equal(
      _dir,
      (e.payload as { severity: string }).severity === 'critical' ? 'critical-alerts' : 'retail-events',
    );
  }
  assert.ok(retail.every((e) => e._dir === 'retail-events'));

  addItems(5);
  const again = await runCli(['stream', '--config', cfg, '--duration', '2s']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /resuming after event [\d,]+ \(pos after [\d,]+, alerts after 10\)/);
  const all = readEvents(out);
  const ids = all.filter((e) => e.source === 'alerts').map((e) => (e.payload as { id: number }).id);
  assert.deepEqual(
    ids.slice().sort((a, b) => a - b),
    Array.from({ length: 15 }, (_, i) => i + 1),
    'every record once',
  );
  const retailIds = all.filter((e) => e.source === 'retail-datagen').map((e) => e.event_id);
  assert.equal(new Set(retailIds).size, retailIds.length, 'no retail event twice');

  const explain = await runCli([
    'route',
    'explain',
    '--config',
    cfg,
    '--source',
    'alerts',
    '--record',
    '{"id": 8, "severity": "critical"}',
  ]);
  assert.equal(explain.code, 0, explain.stderr);
  assert.match(explain.stdout, /^destination: critical-alerts$/m);
  assert.match(explain.stdout, /^matched: rule rules\[0\] 'critical' \(payload\.severity == "critical"\)$/m);
  assert.match(explain.stdout, /map\[type 'alert'\]: no entry/);
});

test('a tailed file resumes after kill -9 from its byte offset: every line arrives, repeats only from the last checkpoint', async (t) => {
  const out = join(dir, 'out-file');
  const data = join(dir, 'sensor.jsonl');
  writeFileSync(data, '');
  const cfg = writeConfig(
    'file',
    {
      sensor_7: {
        source_type: 'file',
        ingestion: { mode: 'continuous_streaming', polling_interval_seconds: 0.02, buffer_size: 50 },
        params: { path: data, key: 'n', event_type: 'sensor_reading' },
      },
    },
    out,
  );
  let n = 0;
  const write = (count: number) => {
    let text = '';
    for (let i = 0; i < count; i++) text += `${JSON.stringify({ n: ++n, v: Math.round(Math.sin(n) * 100) })}\n`;
    appendFileSync(data, text);
  };
  write(200);
  const child = spawn(process.execPath, [BIN, 'stream', '--config', cfg], { stdio: 'ignore' });
  const writer = setInterval(() => write(20), 20);
  let firstAt = 0;
  await new Promise<void>((resolve, reject) => {
    const poll = setInterval(() => {
      const got = readEvents(out).length;
      if (got > 0 && firstAt === 0) firstAt = Date.now();
      // Late enough for several checkpoints (every 100 ms) to have been saved.
      if (got > 600 && Date.now() - firstAt > 1000) {
        clearInterval(poll);
        child.kill('SIGKILL');
        resolve();
      }
    }, 20);
    child.on('exit', () => {
      clearInterval(poll);
      reject(new Error('the stream ended before it could be killed'));
    });
    setTimeout(() => reject(new Error('the stream did not deliver 600 lines in 30 s')), 30_000).unref();
  });
  clearInterval(writer);
  await new Promise((r) => child.once('close', r));
  // Half a line at the end must wait for its newline.
  appendFileSync(data, '{"n": 9999');
  write(0);
  const killedWith = readEvents(out).length;
  const again = await runCli(['stream', '--config', cfg, '--duration', '2s']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /resuming after event [\d,]+ \(sensor_7 after [\d,]+\)/);
  const got = readEvents(out).map((e) => (e.payload as { n: number }).n);
  const all = Array.from({ length: n }, (_, i) => i + 1);
  assert.deepEqual(
    [...new Set(got)].sort((a, b) => a - b),
    all,
    'no line missing, none made up, the partial one waits',
  );
  assert.ok(readEvents(out).every((e) => e._dir === 'iot' && e.event_type === 'sensor_reading'));
  // Repeats are the lines delivered after the last saved checkpoint: one contiguous run, before the kill.
  const seen = new Map<number, number>();
  for (const x of got) seen.set(x, (seen.get(x) ?? 0) + 1);
  const repeated = all.filter((x) => (seen.get(x) ?? 0) > 1);
  if (repeated.length > 0) {
    assert.equal(repeated[repeated.length - 1] - repeated[0] + 1, repeated.length, 'one contiguous run');
    assert.ok(repeated[repeated.length - 1] <= killedWith + 50);
  }
  t.diagnostic(`killed with ${killedWith} lines written; ${repeated.length} repeated after the restart`);
  assert.ok(repeated.length < 400, `${repeated.length} repeated lines`);
});

test('an http source resumes after kill -9 from its saved cursor: every record arrives, repeats only from the last checkpoint', async (t) => {
  const out = join(dir, 'out-http-kill');
  const cfg = writeConfig(
    'http-kill',
    {
      big: {
        source_type: 'http',
        // 20 pages a second: the stream lasts long enough to be killed in the middle.
        rate_limit_per_minute: 1200,
        ingestion: { mode: 'real_time', polling_interval_seconds: 0.05 },
        params: {
          url: apiUrl.replace('/alerts', '/big'),
          records: '$.items',
          cursor: { type: 'next_link' },
          key: 'id',
        },
      },
    },
    out,
  );
  const child = spawn(process.execPath, [BIN, 'stream', '--config', cfg], { stdio: 'ignore' });
  let firstAt = 0;
  await new Promise<void>((resolve, reject) => {
    const poll = setInterval(() => {
      const got = readEvents(out).length;
      if (got > 0 && firstAt === 0) firstAt = Date.now();
      if (got > 1500 && Date.now() - firstAt > 1000) {
        clearInterval(poll);
        child.kill('SIGKILL');
        resolve();
      }
    }, 20);
    child.on('exit', () => {
      clearInterval(poll);
      reject(new Error('the stream ended before it could be killed'));
    });
    setTimeout(() => reject(new Error('the stream did not deliver 1500 records in 60 s')), 60_000).unref();
  });
  await new Promise((r) => child.once('close', r));
  const killedWith = readEvents(out).length;
  assert.ok(killedWith < 6000);
  const again = spawn(process.execPath, [BIN, 'stream', '--config', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  again.stderr.on('data', (d) => {
    stderr += d;
  });
  const until = Date.now() + 60_000;
  while (new Set(readEvents(out).map((e) => e.event_id)).size < 6000 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
  }
  again.kill('SIGTERM');
  assert.equal(await new Promise((r) => again.once('close', r)), 0, stderr);
  assert.match(stderr, /resuming after event [\d,]+ \(big after [\d,]+\)/);
  const got = readEvents(out).map((e) => (e.payload as { id: number }).id);
  const all = Array.from({ length: 6000 }, (_, i) => i + 1);
  assert.deepEqual(
    [...new Set(got)].sort((a, b) => a - b),
    all,
    'no record missing, none made up',
  );
  const seen = new Map<number, number>();
  for (const x of got) seen.set(x, (seen.get(x) ?? 0) + 1);
  const repeated = all.filter((x) => (seen.get(x) ?? 0) > 1);
  if (repeated.length > 0) {
    assert.equal(repeated[repeated.length - 1] - repeated[0] + 1, repeated.length, 'one contiguous run');
    assert.ok(repeated[repeated.length - 1] <= killedWith + 100);
  }
  t.diagnostic(`killed with ${killedWith} records written; ${repeated.length} repeated after the restart`);
  assert.ok(repeated.length < 500, `${repeated.length} repeated records`);
});

test("sources import-seed prints seed 003's config mapped onto ours, and notes what has no counterpart", async () => {
  const seed = join(dir, 'stream_config.yaml');
  writeFileSync(
    seed,
    [
      'kafka: { bootstrap_servers: "localhost:9092", batch_size: 500 }',
      'throttling: { target_consumer_lag: 1000 }',
      'queue_max_size: 10000',
      'sources:',
      '  feed:',
      '    source_type: http',
      '    topic: feed-topic',
      '    ingestion: { mode: real_time, polling_interval_seconds: 30 }',
      '    custom_params: { url: "https://api.example.com/items" }',
    ].join('\n'),
  );
  const r = await runCli(['sources', 'import-seed', seed]);
  assert.equal(r.code, 0, r.stderr);
  const mapped = YAML.parse(r.stdout);
  assert.deepEqual(mapped.sinks.kafka.brokers, ['localhost:9092']);
  assert.equal(mapped.realtime.max_batch_size, 500);
  assert.equal(mapped.sources.feed.destination, 'feed-topic');
  assert.equal(mapped.sources.feed.params.url, 'https://api.example.com/items');
  assert.match(r.stderr, /note: throttling\.target_consumer_lag: no counterpart/);
  const cfg = join(dir, 'imported.yaml');
  writeFileSync(cfg, r.stdout);
  const valid = await runCli(['config', 'validate', cfg]);
  assert.equal(valid.code, 0, valid.stderr);
});
