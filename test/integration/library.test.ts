import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openWorld, Streamer, streamingSession, validateEnvelope } from '../../src/index.js';
import { FaultSink } from '../helpers/fault-sink.js';

const dir = mkdtempSync(join(tmpdir(), 'rdg-lib-'));
const root = fileURLToPath(new URL('../..', import.meta.url));
const config = { seed: 3, volume: { stores: 3, dcs: 1, total_customers: 1500, total_products: 500 } };

test('the README example runs and is the one in examples/', () => {
  const example = readFileSync(join(root, 'examples/library.ts'), 'utf8');
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  assert.ok(readme.includes(example.trim()), 'README shows examples/library.ts verbatim');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'examples/library.ts', join(dir, 'example.duckdb')], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^receipt R\d+-20240301-\d+: [\d.]+ USD at store \d+$/m);
  assert.match(r.stdout, /^100 mixed events/m);
  assert.match(r.stdout, /^streamed 5000 events \(\d+ receipts\), checkpoint at 5000$/m);
});

test('a world generates typed events of any type, deterministically', () => {
  const w = openWorld(config);
  const e = w.generateEvent('payment_processed', '2024-02-10T18:00:00Z');
  assert.equal(e.event_type, 'payment_processed');
  assert.ok(validateEnvelope(e).ok);
  assert.deepEqual(openWorld(config).generateEvent('payment_processed', '2024-02-10T18:00:00Z'), e);
  const mix = w.generateMixed(200, '2024-02-10T12:00:00Z', { ble_ping_detected: 3, receipt_line_added: 1 });
  assert.equal(mix.length, 200);
  const pings = mix.filter((m) => m.event_type === 'ble_ping_detected').length;
  assert.ok(pings > 120 && pings < 180, `${pings} pings of 200 for weights 3:1`);
  assert.throws(() => w.generateMixed(5, '2024-02-10T12:00:00Z', {}), /weights/);
});

test('a streaming session starts, reports and drains at its end', async () => {
  const sink = new FaultSink();
  const stats = await streamingSession(
    { config, db: join(dir, 'session.duckdb'), sink, pacing: { mode: 'max' }, maxEvents: 3000 },
    async (s) => {
      await s.finished;
      return s.statistics();
    },
  );
  assert.equal(stats.events_sent, 3000);
  assert.equal(sink.delivered.length, 3000);
  assert.equal(sink.closed, true);
  const s = await Streamer.open({
    config,
    db: join(dir, 'session.duckdb'),
    sink: new FaultSink(),
    pacing: { mode: 'rate', eventsPerSecond: 2000 },
  });
  await s.start();
  await new Promise((r) => setTimeout(r, 300));
  const health = await s.health();
  assert.equal(health.overall_healthy, true);
  assert.equal(health.components.circuit_breaker.state, 'closed');
  await s.stop();
});
