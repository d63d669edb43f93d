import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isDatagenError } from '../errors.js';
import { loadConfig } from './loader.js';
import type { ConfigProblem } from './problems.js';

const dir = mkdtempSync(join(tmpdir(), 'rdg-config-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function problemsOf(fn: () => unknown): ConfigProblem[] {
  try {
    fn();
  } catch (err) {
    assert.ok(isDatagenError(err, 'CONFIG_INVALID'), `expected CONFIG_INVALID, got ${String(err)}`);
    return err.details as ConfigProblem[];
  }
  assert.fail('expected the config to be rejected');
}

test('defaults are the seed config defaults', () => {
  const { config } = loadConfig({ env: {} });
  assert.equal(config.seed, 42);
  assert.equal(config.volume.stores, 86);
  assert.equal(config.volume.dcs, 20);
  assert.equal(config.volume.total_customers, 403_000);
  assert.equal(config.volume.total_products, 10_000);
  assert.equal(config.volume.customers_per_day, 427);
  assert.equal(config.volume.items_per_ticket_mean, 8.2);
  assert.equal(config.realtime.emit_interval_ms, 500);
  assert.equal(config.realtime.burst, 100);
  assert.equal(config.realtime.max_batch_size, 256);
  assert.equal(config.stream.hub, 'retail-events');
  assert.equal(config.historical.start_date, '2024-01-01');
});

test("the seed's config.example.json format loads unchanged", () => {
  const seedExample = {
    seed: 42,
    volume: {
      stores: 86,
      dcs: 20,
      refrigerated_trucks: 8,
      non_refrigerated_trucks: 12,
      total_geographies: 100,
      total_customers: 403000,
      total_products: 10000,
      customers_per_day: 427,
      items_per_ticket_mean: 8.2,
      online_orders_per_day: 2500,
      marketing_impressions_per_day: 10000,
      dc_initial_inventory_min: 500,
      dc_initial_inventory_max: 5000,
      store_initial_inventory_min: 20,
      store_initial_inventory_max: 200,
      dc_reorder_point_min: 50,
      dc_reorder_point_max: 500,
      store_reorder_point_min: 5,
      store_reorder_point_max: 50,
      supplier_refrigerated_trucks: 12,
      supplier_non_refrigerated_trucks: 18,
      truck_dc_assignment_rate: 0.85,
      trucks_per_dc: null,
    },
    realtime: {
      emit_interval_ms: 500,
      burst: 100,
      azure_connection_string: '',
      max_batch_size: 256,
      batch_timeout_ms: 1000,
      retry_attempts: 3,
      backoff_multiplier: 2.0,
      circuit_breaker_enabled: true,
      monitoring_interval: 30,
      max_buffer_size: 10000,
      enable_dead_letter_queue: true,
    },
    paths: { dict: 'data/dictionaries', master: 'data/master', facts: 'data/facts' },
    stream: { hub: 'retail-events' },
    historical: { start_date: '2024-01-01' },
    performance: { max_cpu_percent: 80, max_workers: null, batch_hours: 1 },
    marketing_cost: { email_cost_min: 0.1, email_cost_max: 0.25 },
  };
  const { config } = loadConfig({ file: file('seed.json', JSON.stringify(seedExample)), env: {} });
  assert.equal(config.volume.stores, 86);
  assert.equal(config.performance.max_cpu_percent, 80);
  assert.equal(config.paths.facts, 'data/facts');
});

test('layers apply in order: defaults < file < environment < flags', () => {
  const f = file('layers.yaml', 'seed: 1\nvolume:\n  stores: 5\n  dcs: 3\n  total_customers: 100\n');
  const { config, origins } = loadConfig({
    file: f,
    env: { RETAIL_DATAGEN_VOLUME__DCS: '4', RETAIL_DATAGEN_VOLUME__TOTAL_CUSTOMERS: '200', RETAIL_DATAGEN_SEED: '9' },
    sets: ['volume.total_customers=300'],
    seed: '11',
  });
  assert.equal(config.volume.stores, 5);
  assert.equal(config.volume.dcs, 4);
  assert.equal(config.volume.total_customers, 300);
  assert.equal(config.seed, 11);
  assert.equal(config.volume.total_products, 10_000);
  assert.equal(origins.get('volume.dcs'), 'env RETAIL_DATAGEN_VOLUME__DCS');
  assert.equal(origins.get('volume.total_customers'), '--set');
});

test('AZURE_EVENTHUB_CONNECTION_STRING fills the connection string and never prints', () => {
  const secret =
    'Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=c2VjcmV0a2V5;EntityPath=hub';
  const { config } = loadConfig({ env: { AZURE_EVENTHUB_CONNECTION_STRING: secret } });
  assert.equal(config.realtime.azure_connection_string.reveal(), secret);
  assert.equal(JSON.stringify(config).includes('c2VjcmV0a2V5'), false);
  assert.equal(`${config.realtime.azure_connection_string}`, '***');
});

test('every problem is reported at once with its path, value and origin', () => {
  const f = file('bad.yaml', 'volume:\n  stors: 3\n  dcs: -1\n  items_per_ticket_mean: "many"\nrealtim:\n  burst: 1\n');
  const problems = problemsOf(() =>
    loadConfig({ file: f, env: { RETAIL_DATAGEN_VOLUME__STORES: 'abc' }, sets: ['seed=-5'] }),
  );
  const byPath = new Map(problems.map((p) => [p.path, p]));
  assert.match(byPath.get('volume.stors')!.message, /unknown key; did you mean 'stores'\?/);
  assert.match(byPath.get('realtim')!.message, /did you mean 'realtime'\?/);
  assert.match(byPath.get('volume.dcs')!.message, /must be > 0/);
  assert.equal(byPath.get('volume.dcs')!.value, -1);
  assert.match(byPath.get('volume.dcs')!.origin!, /bad\.yaml/);
  assert.match(byPath.get('volume.items_per_ticket_mean')!.message, /expected number/);
  assert.equal(byPath.get('volume.stores')!.origin, 'env RETAIL_DATAGEN_VOLUME__STORES');
  assert.equal(byPath.get('seed')!.origin, '--set');
  assert.ok(problems.length >= 6);
});

test('cross-field rules name both fields and the fix', () => {
  const problems = problemsOf(() => loadConfig({ env: {}, sets: ['volume.store_initial_inventory_min=300'] }));
  assert.equal(problems[0].path, 'volume.store_initial_inventory_min');
  assert.match(problems[0].message, /store_initial_inventory_max/);
});

test('a missing file and malformed YAML or JSON get their own codes', () => {
  assert.throws(
    () => loadConfig({ file: join(dir, 'nope.yaml'), env: {} }),
    (e) => isDatagenError(e, 'CONFIG_FILE_NOT_FOUND'),
  );
  const yaml = file('broken.yaml', 'volume:\n  stores: [1, 2\n');
  assert.throws(
    () => loadConfig({ file: yaml, env: {} }),
    (e) => isDatagenError(e, 'CONFIG_PARSE_FAILED') && /YAML/.test(e.message),
  );
  const json = file('broken.json', '{"volume": {"stores": 3,}}');
  assert.throws(
    () => loadConfig({ file: json, env: {} }),
    (e) => isDatagenError(e, 'CONFIG_PARSE_FAILED') && /JSON/.test(e.message),
  );
});

test('a secret with a bad type is reported without its value', () => {
  const f = file('secret.yaml', 'realtime:\n  azure_connection_string: 12345\n');
  const problems = problemsOf(() => loadConfig({ file: f, env: {} }));
  assert.equal(problems[0].path, 'realtime.azure_connection_string');
  assert.equal(problems[0].value, '***');
});

test('--set without = is a usage problem, and nullable fields accept null', () => {
  const problems = problemsOf(() => loadConfig({ env: {}, sets: ['volume.stores'] }));
  assert.match(problems[0].message, /KEY=VALUE/);
  const { config } = loadConfig({ env: {}, sets: ['volume.trucks_per_dc=3', 'volume.trucks_per_dc=null'] });
  assert.equal(config.volume.trucks_per_dc, null);
});
