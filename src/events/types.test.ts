// Tests of the event schemas, envelope validation and the documents derived from them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type EnvelopeError, validateEnvelope } from './envelope.js';
import { asyncApiDocument, columnsOf, eventJsonSchemas } from './json-schema.js';
import { sampleEvent } from './samples.js';
import { EVENT_TYPES, type EventType, PAYLOAD_SCHEMAS } from './types.js';

/** The sample of `type` with `change` applied to a loose copy of it. */
function variant(type: EventType, change: (e: { payload: Record<string, unknown> } & Record<string, unknown>) => void) {
  const event = sampleEvent(type) as unknown as { payload: Record<string, unknown> } & Record<string, unknown>;
  change(event);
  return event;
}

/** The value at `keys` under `node`, or undefined. */
function at(node: unknown, ...keys: string[]): unknown {
  return keys.reduce<unknown>((n, key) => (n as Record<string, unknown> | undefined)?.[key], node);
}

function errorsOf(value: unknown): EnvelopeError[] {
  const result = validateEnvelope(value);
  assert.equal(result.ok, false, 'expected the event to be rejected');
  return result.ok ? [] : result.errors;
}

function assertRejectedAt(value: unknown, path: string, message?: RegExp): void {
  const errors = errorsOf(value);
  const hit = errors.find((e) => e.path === path);
  assert.ok(hit, `expected an error at ${path}, got ${JSON.stringify(errors)}`);
  if (message) assert.match(hit.message, message);
}

test('EVENT_TYPES lists the 18 event types in order, each with a payload schema', () => {
  assert.equal(EVENT_TYPES.length, 18);
  assert.equal(EVENT_TYPES[0], 'receipt_created');
  assert.equal(EVENT_TYPES[17], 'online_order_shipped');
  assert.deepEqual(Object.keys(PAYLOAD_SCHEMAS), [...EVENT_TYPES]);
});

test('the sample envelope of every event type passes validateEnvelope unchanged', () => {
  for (const type of EVENT_TYPES) {
    const sample = sampleEvent(type);
    const result = validateEnvelope(sample);
    assert.ok(result.ok, `${type}: ${JSON.stringify(result.ok ? [] : result.errors)}`);
    assert.equal(result.event.event_type, type);
    assert.deepEqual(result.event, sample);
  }
});

test('validation fills in source when the producer leaves it out', () => {
  const result = validateEnvelope(variant('store_opened', (e) => delete e.source));
  assert.ok(result.ok);
  assert.equal(result.event.source, 'retail-datagen');
});

test('a payload field of the wrong type is rejected at its path', () => {
  assertRejectedAt(
    variant('receipt_created', (e) => (e.payload.store_id = '12')),
    'payload.store_id',
  );
  assertRejectedAt(
    variant('receipt_created', (e) => (e.payload.tender_type = 'BITCOIN')),
    'payload.tender_type',
  );
  assertRejectedAt(
    variant('receipt_line_added', (e) => (e.payload.quantity = 1.5)),
    'payload.quantity',
  );
});

test('an unknown field is rejected at the field itself, in the payload and in the envelope', () => {
  assertRejectedAt(
    variant('receipt_created', (e) => (e.payload.loyalty_tier = 'GOLD')),
    'payload.loyalty_tier',
    /unknown field/,
  );
  assertRejectedAt(
    variant('receipt_created', (e) => (e.region = 'WEST')),
    'region',
    /unknown field/,
  );
});

test('a missing required field is rejected and an optional field set to null is rejected', () => {
  assertRejectedAt(
    variant('truck_departed', (e) => delete e.payload.actual_unload_duration),
    'payload.actual_unload_duration',
  );
  assertRejectedAt(
    variant('receipt_created', (e) => (e.payload.campaign_id = null)),
    'payload.campaign_id',
  );
});

test('rssi outside -120..0 dBm is rejected', () => {
  for (const rssi of [1, -121]) {
    assertRejectedAt(
      variant('ble_ping_detected', (e) => (e.payload.rssi = rssi)),
      'payload.rssi',
    );
  }
  assert.ok(validateEnvelope(variant('ble_ping_detected', (e) => (e.payload.rssi = -120))).ok);
});

test('an inventory update with quantity_delta 0 is rejected', () => {
  assertRejectedAt(
    variant('inventory_updated', (e) => (e.payload.quantity_delta = 0)),
    'payload.quantity_delta',
    /must not be 0/,
  );
});

test('inventory, stockout and reorder events need exactly one of store_id and dc_id', () => {
  for (const type of ['inventory_updated', 'stockout_detected', 'reorder_triggered'] as const) {
    const both = variant(type, (e) => {
      e.payload.store_id = 12;
      e.payload.dc_id = 3;
    });
    assertRejectedAt(both, 'payload.dc_id', /only one/);
    const neither = variant(type, (e) => {
      delete e.payload.store_id;
      delete e.payload.dc_id;
    });
    assertRejectedAt(neither, 'payload.store_id', /exactly one/);
  }
});

test('a payment needs exactly one of receipt_id and order_id', () => {
  assertRejectedAt(
    variant('payment_processed', (e) => (e.payload.order_id = 'ORD-1')),
    'payload.order_id',
  );
  assertRejectedAt(
    variant('payment_processed', (e) => delete e.payload.receipt_id),
    'payload.receipt_id',
  );
});

test('a decline_reason is accepted on a declined payment and rejected on an approved one', () => {
  const declined = variant('payment_processed', (e) => {
    e.payload.status = 'DECLINED';
    e.payload.decline_reason = 'CARD_EXPIRED';
  });
  assert.ok(validateEnvelope(declined).ok);
  assertRejectedAt(
    variant('payment_processed', (e) => (e.payload.decline_reason = 'CARD_EXPIRED')),
    'payload.decline_reason',
  );
});

test('a promotion whose product_ids length differs from product_count is rejected', () => {
  assertRejectedAt(
    variant('promotion_applied', (e) => (e.payload.product_count = 3)),
    'payload.product_ids',
    /product_count is 3/,
  );
});

test('money with more than 2 decimals, cents that disagree with dollars and a wrong total are rejected', () => {
  assertRejectedAt(
    variant('receipt_line_added', (e) => (e.payload.unit_price = 4.999)),
    'payload.unit_price',
  );
  assertRejectedAt(
    variant('payment_processed', (e) => (e.payload.amount_cents = 4975)),
    'payload.amount_cents',
  );
  assertRejectedAt(
    variant('receipt_created', (e) => (e.payload.total = 49.75)),
    'payload.total',
  );
  assert.ok(validateEnvelope(variant('ad_impression', (e) => (e.payload.cost = 0.0042))).ok);
});

test('times that are not ISO-8601 UTC with milliseconds are rejected', () => {
  for (const time of ['2024-03-01T14:05:09Z', '2024-03-01 14:05:09.120Z', '2024-03-01T14:05:09.120+01:00']) {
    assertRejectedAt(
      variant('store_opened', (e) => (e.payload.operation_time = time)),
      'payload.operation_time',
    );
    assertRejectedAt(
      variant('store_opened', (e) => (e.event_ts = time)),
      'event_ts',
    );
  }
});

test('partition keys other than store_<id>, dc_<id> or online are rejected', () => {
  for (const key of ['store-12', 'STORE_12', 'store_', 'region_1', 'online_1', '']) {
    assertRejectedAt(
      variant('receipt_created', (e) => (e.partition_key = key)),
      'partition_key',
    );
  }
  assert.ok(validateEnvelope(variant('stockout_detected', (e) => (e.partition_key = 'dc_3'))).ok);
});

test('an unknown event_type, or a payload of another type, is rejected', () => {
  assertRejectedAt(
    variant('store_opened', (e) => (e.event_type = 'store_exploded')),
    'event_type',
  );
  const mismatched = variant('receipt_created', (e) => (e.payload = sampleEvent('store_opened').payload));
  assert.ok(errorsOf(mismatched).some((e) => e.path.startsWith('payload.')));
  assert.ok(errorsOf(null).length > 0);
  assertRejectedAt(
    variant('promotion_applied', (e) => (e.payload.product_ids = null)),
    'payload.product_ids',
  );
});

test('every event has a draft 2020-12 JSON Schema with its $id, a title and a closed payload', () => {
  const schemas = eventJsonSchemas();
  assert.deepEqual(Object.keys(schemas), [...EVENT_TYPES]);
  for (const type of EVENT_TYPES) {
    const s = schemas[type];
    assert.equal(at(s, '$schema'), 'https://json-schema.org/draft/2020-12/schema');
    assert.equal(at(s, '$id'), `https://retail-datagen.dev/schemas/${type}.json`);
    assert.equal(typeof at(s, 'title'), 'string');
    assert.equal(at(s, 'additionalProperties'), false);
    assert.equal(at(s, 'properties', 'payload', 'additionalProperties'), false, type);
    assert.equal(at(s, 'properties', 'event_type', 'const'), type);
    const required = at(s, 'required') as string[];
    assert.ok(required.includes('partition_key'));
    assert.ok(!required.includes('source'), 'source has a default, so producers may omit it');
  }
  assert.equal(at(schemas.ble_ping_detected, 'properties', 'payload', 'properties', 'rssi', 'minimum'), -120);
});

test('the AsyncAPI document has one channel and one send operation per event type, with resolvable refs', () => {
  const doc = asyncApiDocument({ title: 'Test', version: '9.9.9' });
  assert.equal(doc.asyncapi, '3.0.0');
  assert.deepEqual(doc.info.title, 'Test');
  assert.equal(Object.keys(doc.channels).length, 18);
  assert.equal(doc.channels.truck_arrived.address, 'truck_arrived');
  assert.equal(doc.operations.sendTruckArrived.action, 'send');
  assert.equal(Object.keys(doc.operations).length, 18);
  assert.equal(Object.keys(doc.components.messages).length, 18);
  const resolve = (ref: string) => at(doc, ...ref.slice(2).split('/'));
  for (const op of Object.values(doc.operations)) {
    assert.ok(resolve(op.channel.$ref), op.channel.$ref);
    for (const m of op.messages) assert.ok(resolve(m.$ref), m.$ref);
  }
  const message = doc.components.messages.TruckArrived;
  assert.deepEqual(at(message, 'headers', 'required'), ['event_type', 'schema_version', 'event_id']);
  assert.equal(at(message, 'payload', 'properties', 'payload', 'additionalProperties'), false);
  assert.equal(at(message, 'payload', '$schema'), undefined, 'AsyncAPI payloads use its own schema format');
});

test('columnsOf(receipt_created) gives its columns in field order with SQL types and nullability', () => {
  const columns = columnsOf('receipt_created');
  assert.deepEqual(
    columns.map(({ name, sqlType, nullable }) => [name, sqlType, nullable]),
    [
      ['store_id', 'INTEGER', false],
      ['customer_id', 'INTEGER', false],
      ['receipt_id', 'VARCHAR', false],
      ['subtotal', 'DECIMAL(12,2)', false],
      ['tax', 'DECIMAL(12,2)', false],
      ['total', 'DECIMAL(12,2)', false],
      ['tender_type', 'VARCHAR', false],
      ['item_count', 'INTEGER', false],
      ['campaign_id', 'VARCHAR', true],
    ],
  );
  assert.ok(columns.every((c) => c.description.length > 0));
});

test('columnsOf maps cents to BIGINT, times to TIMESTAMP, id lists to INTEGER[] and ad cost to DECIMAL(12,4)', () => {
  const typeOf = (type: EventType, name: string) => columnsOf(type).find((c) => c.name === name)?.sqlType;
  assert.equal(typeOf('payment_processed', 'amount_cents'), 'BIGINT');
  assert.equal(typeOf('payment_processed', 'processing_time'), 'TIMESTAMP');
  assert.equal(typeOf('payment_processed', 'processing_time_ms'), 'INTEGER');
  assert.equal(typeOf('promotion_applied', 'product_ids'), 'INTEGER[]');
  assert.equal(typeOf('ad_impression', 'cost'), 'DECIMAL(12,4)');
  assert.equal(typeOf('inventory_updated', 'quantity_delta'), 'INTEGER');
});

test('every payload field of every event type has a description', () => {
  for (const type of EVENT_TYPES) {
    for (const c of columnsOf(type)) assert.ok(c.description.length > 0, `${type}.${c.name}`);
  }
});
