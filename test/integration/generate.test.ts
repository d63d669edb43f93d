import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateEnvelope } from '../../src/events/envelope.js';
import { EVENT_TYPES } from '../../src/events/types.js';
import { runCli } from '../helpers/cli.js';

const WORLD = [
  '--set',
  'volume.stores=4',
  '--set',
  'volume.dcs=2',
  '--set',
  'volume.total_customers=3000',
  '--set',
  'volume.total_products=800',
];

test('generate writes valid envelopes of all event types in event-time order, the same bytes every run', async () => {
  const args = ['generate', '--days', '3', '--start', '2024-06-10', ...WORLD];
  const a = await runCli(args);
  assert.equal(a.code, 0, a.stderr);
  const lines = a.stdout.trimEnd().split('\n');
  assert.ok(lines.length > 10_000, `${lines.length} events`);
  let prev = '';
  const types = new Set<string>();
  for (const line of lines) {
    const env = JSON.parse(line);
    const v = validateEnvelope(env);
    assert.ok(v.ok, line.slice(0, 300));
    const key = `${env.event_ts} ${env.event_id}`;
    assert.ok(key >= prev, `${key} after ${prev}`);
    prev = key;
    types.add(env.event_type);
  }
  assert.deepEqual([...types].sort(), [...EVENT_TYPES].sort());
  const b = await runCli(args);
  assert.equal(b.stdout, a.stdout);
  const other = await runCli([...args, '--seed', '9']);
  assert.notEqual(other.stdout, a.stdout);
});

test('schema prints 18 JSON Schemas or an AsyncAPI document, and rejects other formats', async () => {
  const js = await runCli(['schema']);
  assert.equal(Object.keys(JSON.parse(js.stdout)).length, 18);
  const api = await runCli(['schema', '--format', 'asyncapi']);
  const doc = JSON.parse(api.stdout);
  assert.equal(doc.asyncapi, '3.0.0');
  assert.equal(Object.keys(doc.channels).length, 18);
  const bad = await runCli(['schema', '--format', 'xml']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--format: expected json-schema or asyncapi/);
});
