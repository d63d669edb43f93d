// Tests of the sources config: each type's params checked by its own schema, errors naming the source and field,
// and seed 003's example config loading once its keys are mapped.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import YAML from 'yaml';
import { loadConfig } from '../config/loader.js';
import type { ConfigProblem } from '../config/problems.js';
import { configSchema } from '../config/schema.js';
import { isDatagenError } from '../errors.js';
import { Router } from '../pipeline/router.js';
import { settingsOf } from './config.js';
import { routingOf } from './open.js';
import { mapSeed003Config } from './seed-003.js';

function problemsOf(sources: unknown, extra: Record<string, unknown> = {}): ConfigProblem[] {
  const dir = mkdtempSync(join(tmpdir(), 'rdg-src-cfg-'));
  const file = join(dir, 'c.json');
  writeFileSync(file, JSON.stringify({ sources, ...extra }));
  try {
    loadConfig({ file, env: {} });
  } catch (err) {
    assert.ok(isDatagenError(err, 'CONFIG_INVALID'));
    return err.details as ConfigProblem[];
  }
  assert.fail('the config was accepted');
}

test('an unknown source type is an error naming the source and its source_type', () => {
  const p = problemsOf({ weather: { source_type: 'noaa_weather' } });
  assert.equal(p.length, 1);
  assert.equal(p[0].path, 'sources.weather.source_type');
  assert.match(p[0].message, /unknown source type "noaa_weather"; known: retail, replay, http, file/);
});

test('a bad URL, a bad selector and an unknown param are each named by source and field', () => {
  const p = problemsOf({
    api: { source_type: 'http', params: { url: 'not a url', records: '$.items[', colour: 'red' } },
  });
  const byPath = new Map(p.map((x) => [x.path, x.message]));
  assert.match(byPath.get('sources.api.params.url') ?? '', /not a URL/);
  assert.match(byPath.get('sources.api.params.records') ?? '', /bad selector/);
  assert.match(byPath.get('sources.api.params.colour') ?? '', /unknown param of a http source \(allowed: url, method/);
});

test('ingestion settings are checked per mode, and a paced source refuses polling settings', () => {
  const p = problemsOf({
    a: { source_type: 'http', ingestion: { mode: 'batch', cron: '61 * * * *' }, params: { url: 'http://127.0.0.1/' } },
    b: { source_type: 'file', ingestion: { mode: 'sometimes' }, params: { path: 'x.jsonl' } },
    c: { source_type: 'retail', timeout_seconds: 3 },
    d: { source_type: 'file', rate_limit_per_minute: 5, params: { path: 'd.jsonl' } },
  });
  const paths = p.map((x) => x.path).sort();
  assert.deepEqual(paths, [
    'sources.a.ingestion.cron',
    'sources.b.ingestion.mode',
    'sources.c.timeout_seconds',
    'sources.d.rate_limit_per_minute',
  ]);
  assert.match(
    p.find((x) => x.path === 'sources.d.rate_limit_per_minute')?.message ?? '',
    /a file source does not use rate_limit_per_minute \(it takes ingestion\); remove it/,
  );
  assert.match(p.find((x) => x.path === 'sources.c.timeout_seconds')?.message ?? '', /remove timeout_seconds/);
});

test("a source's destination may not disagree with an explicit routing entry for it", () => {
  const p = problemsOf(
    { w: { source_type: 'file', destination: 'weather', params: { path: 'w.jsonl' } } },
    { pipeline: { routing: { sources: { w: 'other' }, default: 'main' } } },
  );
  assert.equal(p[0].path, 'sources.w.destination');
});

test('header values are secrets: config show prints them as ***', () => {
  const c = configSchema.parse({
    sources: {
      api: { source_type: 'http', params: { url: 'https://x.test/', headers: { Authorization: 'Bearer abc123' } } },
    },
  });
  const shown = JSON.stringify(c);
  assert.ok(!shown.includes('abc123'));
  assert.match(shown, /"Authorization":"\*\*\*"/);
});

// The example config of seed 003 (its Quick Start plus the full source block of its reference), as written there.
const SEED_003_EXAMPLE = `
kafka:
  bootstrap_servers: "localhost:9092"
  client_id: "wildfire-stream-manager"
  compression_type: "gzip"
  batch_size: 500
  linger_ms: 100
  max_retries: 3
  retry_backoff_base: 2.0

throttling:
  enabled: true
  min_send_rate: 1.0
  max_send_rate: 1000.0
  target_consumer_lag: 1000
  critical_consumer_lag: 5000
  adjustment_factor: 1.5

queue_max_size: 10000
queue_overflow_strategy: "drop_oldest"
enable_dlq: true

sources:
  noaa_weather_ca:
    source_type: "noaa_weather"
    enabled: true
    topic: "wildfire-weather-data"
    ingestion:
      mode: "continuous_streaming"
      polling_interval_seconds: 30
      buffer_size: 100
    rate_limit_per_minute: 120
    timeout_seconds: 30.0
    cache_ttl_seconds: 60
    custom_params:
      state: "CA"
      data_types: ["temperature", "humidity"]
`;

test("seed 003's example config loads once its keys are mapped", () => {
  const { config: mapped, notes } = mapSeed003Config(YAML.parse(SEED_003_EXAMPLE), {
    noaa_weather: (p) => ({
      source_type: 'http',
      params: {
        url: 'https://api.weather.gov/alerts/active',
        query: { area: String(p.state) },
        records: '$.features[*]',
        key: 'id',
        event_type: 'weather_alert',
      },
    }),
  });
  const dir = mkdtempSync(join(tmpdir(), 'rdg-seed003-'));
  const file = join(dir, 'mapped.yaml');
  writeFileSync(file, YAML.stringify(mapped));
  const { config } = loadConfig({ file, env: {} });
  const kafka = config.sinks.kafka as { brokers: string[]; compression: string };
  assert.deepEqual(kafka.brokers, ['localhost:9092']);
  assert.equal(kafka.compression, 'gzip');
  assert.equal(config.stream.sink, 'kafka');
  assert.equal(config.realtime.max_batch_size, 500);
  assert.equal(config.realtime.retry_attempts, 3);
  assert.equal(config.realtime.max_buffer_size, 10_000);
  assert.equal(config.pipeline.overflow, 'drop_oldest');
  assert.equal(config.pipeline.throttle_min_rate, 1);
  const s = config.sources.noaa_weather_ca;
  assert.equal(s.source_type, 'http');
  assert.equal(s.destination, 'wildfire-weather-data');
  assert.deepEqual(settingsOf(s), {
    ingestion: { mode: 'continuous_streaming', polling_interval_seconds: 30, buffer_size: 100 },
    rate_limit_per_minute: 120,
    timeout_seconds: 30,
    cache_ttl_seconds: 60,
  });
  assert.equal(
    new Router(routingOf(config)).route({ type: 'weather_alert', source: 'noaa_weather_ca', data: {} }),
    'wildfire-weather-data',
  );
  // Lag thresholds belong to the Kafka lag throttling, not to this mapping: they are reported, not dropped silently.
  assert.ok(notes.some((n) => n.startsWith('throttling.target_consumer_lag')));
  assert.ok(notes.some((n) => n.startsWith('throttling.max_send_rate')));
});

test('without a connector mapping the seed source type is reported with the source name', () => {
  const { config, notes } = mapSeed003Config(YAML.parse(SEED_003_EXAMPLE));
  assert.ok(notes.some((n) => /sources\.noaa_weather_ca\.source_type: "noaa_weather" needs a connector/.test(n)));
  const r = configSchema.safeParse(config);
  assert.ok(!r.success);
  assert.deepEqual(r.error.issues[0].path, ['sources', 'noaa_weather_ca', 'source_type']);
});
