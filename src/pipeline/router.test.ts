// Tests of the router: each precedence level, dotted paths, config validation and explain().

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DatagenError, isDatagenError } from '../errors.js';
import { formatPath, parseRoutingRules, Router, routingRulesSchema } from './router.js';

const sale = (severity?: unknown, source = 'pos') => ({
  type: 'sale_completed',
  source,
  data: { event_type: 'sale_completed', payload: severity === undefined ? {} : { severity, lines: [{ sku: 'A-1' }] } },
});

const router = new Router({
  map: { store_opened: 'ops', pos: 'pos-topic' },
  rules: [
    { name: 'severe', field: 'payload.severity', equals: 'critical', destination: 'alerts' },
    { field: 'payload.lines.0.sku', matches: '^B-', destination: 'b-skus' },
  ],
  patterns: [
    { regex: '^sale_', destination: 'sales' },
    { regex: '^web', on: 'source', destination: 'web' },
  ],
  default: 'main',
});

test('an exact type in the map wins over every rule and pattern', () => {
  assert.equal(
    router.route({ type: 'store_opened', source: 'web-1', data: { payload: { severity: 'critical' } } }),
    'ops',
  );
});

test('the map is checked by source when the type has no entry, before any rule', () => {
  assert.equal(router.route(sale('critical', 'pos')), 'pos-topic');
});

test('content rules apply in order after the map, on dotted paths into the data', () => {
  assert.equal(router.route(sale('critical', 'shop')), 'alerts');
  const bSku = { type: 'x', source: 'shop', data: { payload: { severity: 'low', lines: [{ sku: 'B-7' }] } } };
  assert.equal(router.route(bSku), 'b-skus');
});

test('equals compares strictly, without converting types', () => {
  const r = new Router({ rules: [{ field: 'a.b', equals: 5, destination: 'five' }], default: 'main' });
  assert.equal(r.route({ type: 't', data: { a: { b: 5 } } }), 'five');
  assert.equal(r.route({ type: 't', data: { a: { b: '5' } } }), 'main');
  const bool = new Router({ rules: [{ field: 'flag', equals: false, destination: 'off' }], default: 'main' });
  assert.equal(bool.route({ type: 't', data: { flag: false } }), 'off');
  assert.equal(bool.route({ type: 't', data: {} }), 'main', 'a missing field is not false');
});

test('matches tests numbers and booleans as text but never objects', () => {
  const r = new Router({ rules: [{ field: 'v', matches: '^4\\d$', destination: 'forties' }], default: 'main' });
  assert.equal(r.route({ type: 't', data: { v: 42 } }), 'forties');
  assert.equal(r.route({ type: 't', data: { v: { toString: () => '42' } } }), 'main');
});

test('dotted paths do not reach into prototypes', () => {
  const r = new Router({ rules: [{ field: 'constructor.name', equals: 'Object', destination: 'x' }], default: 'main' });
  assert.equal(r.route({ type: 't', data: {} }), 'main');
});

test('patterns apply in order after the rules, on the type or the source', () => {
  assert.equal(router.route(sale('low', 'shop')), 'sales');
  assert.equal(router.route({ type: 'ad_click', source: 'web-2', data: {} }), 'web');
  assert.equal(router.route({ type: 'ad_click', data: {} }), 'main', 'a source pattern skips records without a source');
});

test('the default takes what nothing else matched', () => {
  assert.equal(router.route({ type: 'ad_click', source: 'app', data: null }), 'main');
  assert.equal(new Router({ default: 'only' }).route({ type: 'anything', data: 1 }), 'only');
});

test('a type that is an Object.prototype key is not mistaken for a map entry', () => {
  assert.equal(router.route({ type: 'constructor', data: {} }), 'main');
});

test('explain names the deciding entry and lists every check in order', () => {
  assert.deepEqual(router.explain(sale('low', 'shop')), {
    destination: 'sales',
    matched: 'pattern',
    rule: 'patterns[0] /^sale_/ on type',
    checked: [
      "map[type 'sale_completed']: no entry",
      "map[source 'shop']: no entry",
      `rules[0] 'severe' (payload.severity == "critical"): no (payload.severity is "low")`,
      'rules[1] (payload.lines.0.sku =~ /^B-/): no (payload.lines.0.sku is "A-1")',
      'patterns[0] /^sale_/ on type: -> sales',
    ],
  });
  const severe = router.explain(sale('critical', 'shop'));
  assert.equal(severe.matched, 'rule');
  assert.equal(severe.rule, `rules[0] 'severe' (payload.severity == "critical")`);
  assert.equal(severe.checked.length, 3);
  assert.deepEqual(router.explain({ type: 'store_opened', data: {} }), {
    destination: 'ops',
    matched: 'map',
    rule: "map[type 'store_opened']",
    checked: ["map[type 'store_opened']: -> ops"],
  });
  const fallback = router.explain({ type: 'q', data: {} });
  assert.equal(fallback.matched, 'default');
  assert.equal(fallback.rule, undefined);
  assert.equal(fallback.checked.at(-1), 'default: -> main');
  assert.ok(fallback.checked.includes('rules[1] (payload.lines.0.sku =~ /^B-/): no (payload.lines.0.sku is missing)'));
});

test('an invalid regular expression is a validation error that names the field', () => {
  const bad = {
    rules: [
      { field: 'a', equals: 1, destination: 'd' },
      { field: 'b', matches: '(', destination: 'd' },
    ],
    patterns: [{ regex: '[z-a]', destination: 'd' }],
    default: 'main',
  };
  const result = routingRulesSchema.safeParse(bad);
  assert.equal(result.success, false);
  assert.deepEqual(
    result.error?.issues.map((i) => i.path),
    [
      ['rules', 1, 'matches'],
      ['patterns', 0, 'regex'],
    ],
  );
  assert.throws(
    () => parseRoutingRules(bad),
    (err: unknown) => {
      assert.ok(err instanceof DatagenError);
      assert.equal(err.code, 'CONFIG_INVALID');
      assert.match(err.message, /rules\[1\]\.matches: invalid regular expression \/\(\/: /);
      assert.match(err.message, /patterns\[0\]\.regex: invalid regular expression \/\[z-a\]\/: /);
      return true;
    },
  );
  assert.throws(
    () => new Router(bad as never),
    (err) => isDatagenError(err, 'CONFIG_INVALID'),
  );
});

test('a rule needs exactly one of equals or matches, and unknown keys are refused', () => {
  const none = routingRulesSchema.safeParse({ rules: [{ field: 'a', destination: 'd' }], default: 'm' });
  assert.equal(none.error?.issues[0].message, "give exactly one of 'equals' or 'matches'");
  const both = routingRulesSchema.safeParse({
    rules: [{ field: 'a', equals: 1, matches: 'x', destination: 'd' }],
    default: 'm',
  });
  assert.equal(both.success, false);
  const unknown = routingRulesSchema.safeParse({ default: 'm', defualt: 'n' });
  assert.equal(unknown.error?.issues[0].code, 'unrecognized_keys');
  assert.equal(routingRulesSchema.safeParse({}).success, false, 'the default is required');
});

test('patterns are tested on the type unless told otherwise', () => {
  assert.equal(
    routingRulesSchema.parse({ patterns: [{ regex: 'x', destination: 'd' }], default: 'm' }).patterns?.[0].on,
    'type',
  );
});

test('formatPath writes indexes in brackets', () => {
  assert.equal(formatPath(['rules', 1, 'matches']), 'rules[1].matches');
  assert.equal(formatPath([]), '(routing)');
});

test('an explicit source mapping wins over the type map, content rules and patterns', () => {
  const r = new Router({
    sources: { emergency_alert: 'alerts-critical' },
    map: { weather_reading: 'weather' },
    rules: [{ field: 'payload.severity', equals: 'critical', destination: 'critical' }],
    patterns: [{ regex: '^sensor_\\d+$', on: 'source', destination: 'iot' }],
    default: 'fallback',
  });
  const rec = (type: string, source: string, severity?: string) => ({
    type,
    source,
    data: { event_type: type, payload: severity ? { severity } : {} },
  });
  assert.equal(r.route(rec('weather_reading', 'emergency_alert', 'critical')), 'alerts-critical');
  assert.equal(r.route(rec('weather_reading', 'noaa')), 'weather');
  assert.equal(r.route(rec('reading', 'noaa', 'critical')), 'critical');
  assert.equal(r.route(rec('reading', 'sensor_12')), 'iot');
  assert.equal(r.route(rec('reading', 'sensor_x')), 'fallback');
  const x = r.explain(rec('reading', 'sensor_12'));
  assert.equal(x.matched, 'pattern');
  assert.deepEqual(x.checked, [
    "sources['sensor_12']: no entry",
    "map[type 'reading']: no entry",
    "map[source 'sensor_12']: no entry",
    'rules[0] (payload.severity == "critical"): no (payload.severity is missing)',
    'patterns[0] /^sensor_\\d+$/ on source: -> iot',
  ]);
  assert.equal(r.explain(rec('x', 'emergency_alert')).matched, 'source');
});

test('byName decides by source and type alone when no content rule applies, and leaves the rest to route()', () => {
  const named = new Router({
    sources: { kafka: 'from-kafka' },
    map: { receipt_created: 'sales' },
    patterns: [{ regex: '^ble_', on: 'type', destination: 'sensors' }],
    default: 'main',
  });
  for (const [type, source] of [
    ['receipt_created', 'simulator'],
    ['ble_ping_detected', 'simulator'],
    ['store_opened', 'simulator'],
    ['store_opened', 'kafka'],
  ]) {
    const expected = named.route({ type, source, data: {} });
    assert.equal(named.byName(type, source), expected);
    assert.equal(named.byName(type, source), expected, 'the second time, from what was decided');
  }
  assert.deepEqual(
    ['receipt_created', 'ble_ping_detected', 'store_opened'].map((t) => named.byName(t, 'simulator')),
    ['sales', 'sensors', 'main'],
  );
  // With a content rule the data decides: byName cannot.
  assert.equal(router.byName('receipt_created', 'simulator'), undefined);
});
