import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../config/schema.js';
import { buildWorld } from '../world/build.js';
import { dayOf } from './calendar.js';
import { buildContext } from './context.js';
import { envelopeJson, toEnvelope } from './envelope.js';
import { Simulator } from './simulator.js';

test('envelopeJson writes what JSON.stringify writes of the envelope, for every event of two days', () => {
  const config = configSchema.parse({
    seed: 5,
    volume: { stores: 5, dcs: 2, total_customers: 4000, total_products: 800, online_orders_per_day: 150 },
  });
  const sim = new Simulator(buildContext(config, buildWorld(config)), dayOf('2024-12-23'));
  const ingest = Date.parse('2026-11-26T10:11:12.345Z');
  const seen = new Set<string>();
  let n = 0;
  for (let d = 0; d < 2; d++) {
    for (const unit of sim.runDay().units) {
      for (const e of unit) {
        assert.equal(envelopeJson(e), JSON.stringify(toEnvelope(e)), e.event_id);
        assert.equal(envelopeJson(e, ingest), JSON.stringify(toEnvelope(e, ingest)), e.event_id);
        seen.add(e.event_type);
        n++;
      }
    }
  }
  assert.ok(n > 10_000, `${n} events`);
  assert.equal(seen.size, 18, `every event type is covered: ${[...seen].sort().join(', ')}`);
});
