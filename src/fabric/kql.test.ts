import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { z } from 'zod';
import { ENVELOPE_SCHEMAS } from '../events/envelope.js';
import { columnsOf } from '../events/json-schema.js';
import { EVENT_TYPES, PAYLOAD_SCHEMAS } from '../events/types.js';
import { eventstreamRules } from './eventstream.js';
import { ENVELOPE_COLUMNS, kqlColumns, kqlScript, MAPPING_NAME } from './kql.js';

function mappingOf(script: string, table: string): { column: string; Properties: { Path: string } }[] {
  const m = new RegExp(`\\.create-or-alter table ${table} ingestion json mapping "${MAPPING_NAME}" '(.*)'`).exec(
    script,
  );
  assert.ok(m, `no mapping for ${table}`);
  return JSON.parse(m[1]);
}

test('the envelope columns are exactly the envelope fields besides the payload', () => {
  for (const type of EVENT_TYPES) {
    const fields = Object.keys(ENVELOPE_SCHEMAS[type].shape).filter((f) => f !== 'payload');
    assert.deepEqual(ENVELOPE_COLUMNS.map((c) => c.name).sort(), fields.sort());
  }
});

test('every event type gets a table and a mapping that maps every envelope and payload field', () => {
  const script = kqlScript();
  for (const type of EVENT_TYPES) {
    assert.match(script, new RegExp(`^\\.create-merge table ${type} \\(`, 'm'));
    const mapping = mappingOf(script, type);
    const payloadFields = Object.keys(PAYLOAD_SCHEMAS[type].shape as Record<string, z.ZodType>);
    const paths = mapping.map((m) => m.Properties.Path);
    for (const f of payloadFields) assert.ok(paths.includes(`$.payload.${f}`), `${type}.${f} is not mapped`);
    for (const c of ENVELOPE_COLUMNS) assert.ok(paths.includes(`$.${c.name}`), `${type}: envelope ${c.name}`);
    assert.equal(mapping.length, ENVELOPE_COLUMNS.length + payloadFields.length);
    // Every mapped column exists in the table with the type derived from the event schema.
    const table = new RegExp(`^\\.create-merge table ${type} \\((.*?)\\) with`, 'm').exec(script)![1];
    for (const m of mapping) assert.match(table, new RegExp(`(^|, )${m.column}: `));
  }
});

test('payload columns carry the KQL type of their schema field', () => {
  const expected = {
    INTEGER: 'int',
    BIGINT: 'long',
    DOUBLE: 'real',
    VARCHAR: 'string',
    TIMESTAMP: 'datetime',
  } as const;
  for (const type of EVENT_TYPES) {
    const cols = new Map(kqlColumns(type).map((c) => [c.path, c.type]));
    for (const c of columnsOf(type)) {
      const kql = cols.get(`$.payload.${c.name}`);
      if (c.sqlType.startsWith('DECIMAL')) assert.equal(kql, 'decimal');
      else if (c.sqlType in expected)
        assert.equal(kql, expected[c.sqlType as keyof typeof expected], `${type}.${c.name}`);
    }
  }
  const lines = kqlColumns('online_order_created').find((c) => c.name === 'lines');
  assert.deepEqual(lines, { name: 'lines', type: 'dynamic', path: '$.payload.lines' });
  assert.equal(kqlColumns('receipt_created').find((c) => c.name === 'event_ts')?.type, 'datetime');
});

test('the update-policy mode creates the raw table and one policy per type reading it', () => {
  const script = kqlScript({ mode: 'update-policy', rawTable: 'raw_events' });
  assert.match(script, /^\.create-merge table raw_events \(.*payload: dynamic\)/m);
  assert.deepEqual(mappingOf(script, 'raw_events').at(-1), { column: 'payload', Properties: { Path: '$.payload' } });
  for (const type of EVENT_TYPES) {
    assert.match(
      script,
      new RegExp(
        `function with \\(folder = "retail-datagen"\\) ${type}_expand\\(\\) \\{ raw_events \\| where event_type == "${type}"`,
      ),
    );
    const policy = new RegExp(`^\\.alter table ${type} policy update @'(.*)'$`, 'm').exec(script);
    assert.ok(policy);
    assert.equal(JSON.parse(policy[1])[0].Query, `${type}_expand()`);
    assert.equal(JSON.parse(policy[1])[0].Source, 'raw_events');
  }
  assert.match(script, /store_id = toint\(payload\.store_id\)/);
});

test('the raw mode creates only the raw table', () => {
  const script = kqlScript({ mode: 'raw' });
  assert.equal(script.match(/\.create-merge table/g)?.length, 1);
});

test('the eventstream rules send each Table property to its own table', () => {
  const rules = eventstreamRules({ prefix: 'rt_' });
  assert.equal(rules.length, EVENT_TYPES.length);
  for (const r of rules) {
    assert.equal(r.match.equals, r.event_type);
    assert.equal(r.destination.table, `rt_${r.event_type}`);
    assert.equal(r.destination.mapping, MAPPING_NAME);
  }
});
