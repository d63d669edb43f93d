import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../config/schema.js';
import { Rng } from '../random.js';
import { buildWorld } from '../world/build.js';
import { dayOf } from './calendar.js';
import { buildContext } from './context.js';
import { envelopeJson } from './envelope.js';
import { asciiBytes, type EnvelopeMarks, JsonBytes, writeEnvelope } from './envelope-bytes.js';
import { Simulator } from './simulator.js';

const text = (w: JsonBytes) => w.bytes.toString('utf8', 0, w.at);

test('writeEnvelope writes the bytes of envelopeJson, for every event of two days, and says where the id, stamp and key are', () => {
  const config = configSchema.parse({
    seed: 9,
    volume: { stores: 5, dcs: 2, total_customers: 4000, total_products: 800, online_orders_per_day: 150 },
  });
  const sim = new Simulator(buildContext(config, buildWorld(config)), dayOf('2024-11-28'));
  const stampText = '2026-11-26T10:11:12.345Z';
  const stamp = asciiBytes(stampText);
  // A small buffer, so that it grows many times on the way.
  const w = new JsonBytes(64);
  const seen = new Set<string>();
  const marks: EnvelopeMarks = { idAt: 0, idEnd: 0, stampAt: 0, keyAt: 0, keyEnd: 0 };
  let n = 0;
  for (let d = 0; d < 2; d++) {
    for (const unit of sim.runDay().units) {
      for (const e of unit) {
        w.at = n % 7; // anywhere in the buffer
        const from = w.at;
        writeEnvelope(w, e, stamp, marks);
        assert.equal(w.bytes.toString('utf8', from, w.at), envelopeJson(e, Date.parse(stampText)), e.event_id);
        assert.equal(w.bytes.toString('latin1', marks.stampAt, marks.stampAt + stamp.length), stampText);
        assert.equal(w.bytes.toString('latin1', marks.idAt, marks.idEnd), e.event_id);
        assert.equal(w.bytes.toString('latin1', marks.keyAt, marks.keyEnd), e.partition_key);
        seen.add(e.event_type);
        n++;
      }
    }
  }
  assert.ok(n > 10_000, `${n} events`);
  assert.equal(seen.size, 18, `every event type is covered: ${[...seen].sort().join(', ')}`);
  assert.ok(w.ascii);
});

test('JsonBytes writes numbers, decimals, strings and times as JSON.stringify and iso do', () => {
  const rng = Rng.of(3, 'json-bytes-test');
  const numbers = [
    0,
    -0,
    1,
    -1,
    9,
    10,
    99,
    100,
    2 ** 53 - 1,
    -(2 ** 53 - 1),
    2 ** 53,
    1.5,
    -2.25,
    1e21,
    1e-7,
    Number.NaN,
  ];
  for (let i = 0; i < 50_000; i++) {
    const magnitude = 10 ** rng.int(0, 13);
    numbers.push(
      Math.round(rng.next() * magnitude) / 100,
      -Math.round(rng.next() * magnitude) / 10_000,
      rng.int(-1e9, 1e9),
    );
  }
  for (const v of numbers) {
    for (const write of [(w: JsonBytes) => w.num(v), (w: JsonBytes) => w.dec(v, 2), (w: JsonBytes) => w.dec(v, 4)]) {
      const w = new JsonBytes(4);
      write(w);
      assert.equal(text(w), JSON.stringify(v), String(v));
    }
  }
  for (const s of [
    '',
    'plain',
    'a"b',
    'back\\slash',
    'tab\there',
    '\u0000',
    'Zoë',
    '日本',
    '\ud83d\ude00',
    '\ud800x',
    '~\u007f',
  ]) {
    const w = new JsonBytes(2);
    w.str(s);
    assert.equal(text(w), JSON.stringify(s), s);
    assert.equal(w.ascii, Buffer.byteLength(JSON.stringify(s)) === JSON.stringify(s).length, `ascii flag of ${s}`);
  }
  for (const t of [
    0,
    1,
    999,
    86_399_999,
    Date.parse('2024-02-29T23:59:59.999Z'),
    Date.parse('1969-12-31T23:00:00.010Z'),
  ]) {
    const w = new JsonBytes(1);
    w.iso(t);
    assert.equal(text(w), new Date(t).toISOString());
    // After constant text, and again without it: the cached date goes with its lead.
    const lead = asciiBytes('"at":"');
    w.iso(t + 86_400_000, lead);
    w.iso(t + 86_400_000);
    w.iso(t, lead);
    const next = new Date(t + 86_400_000).toISOString();
    assert.equal(text(w), `${new Date(t).toISOString()}"at":"${next}${next}"at":"${new Date(t).toISOString()}`);
  }
});
