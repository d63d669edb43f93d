// One valid example envelope per event type, for tests and documentation.

import { type EventEnvelope, SCHEMA_VERSION } from './envelope.js';
import { EVENT_TYPES, type EventType, type PayloadOf } from './types.js';

const STORE = 12;
const DC = 3;
const CUSTOMER = 40321;
const PRODUCT = 2207;
const RECEIPT = 'R-0012-20240301-0042';
const ORDER = 'ORD-20240301-000981';
const CAMPAIGN = 'CMP-2024-SPRING';
const BLE_ID = 'BLE-3F:A2:09:1C:77:D4';
const SHIPMENT = 'SHP-20240301-0003-0012';
const order = {
  order_id: ORDER,
  customer_id: CUSTOMER,
  fulfillment_mode: 'SHIP_FROM_STORE',
  node_type: 'STORE',
  node_id: STORE,
  item_count: 3,
} as const;

const PAYLOADS: { [K in EventType]: PayloadOf<K> } = {
  receipt_created: {
    store_id: STORE,
    customer_id: CUSTOMER,
    receipt_id: RECEIPT,
    subtotal: 45.97,
    tax: 3.79,
    total: 49.76,
    tender_type: 'CREDIT_CARD',
    item_count: 5,
    campaign_id: CAMPAIGN,
  },
  receipt_line_added: {
    receipt_id: RECEIPT,
    store_id: STORE,
    line_number: 1,
    product_id: PRODUCT,
    quantity: 2,
    unit_price: 4.99,
    extended_price: 8.98,
    promo_code: 'SPRING10',
  },
  payment_processed: {
    receipt_id: RECEIPT,
    payment_method: 'CREDIT_CARD',
    amount: 49.76,
    amount_cents: 4976,
    transaction_id: 'TXN-8F3A2C19',
    processing_time: '2024-03-01T14:05:10.480Z',
    processing_time_ms: 420,
    status: 'APPROVED',
    store_id: STORE,
    customer_id: CUSTOMER,
  },
  inventory_updated: {
    store_id: STORE,
    product_id: PRODUCT,
    quantity_delta: -2,
    reason: 'SALE',
    source: RECEIPT,
    quantity_after: 38,
  },
  stockout_detected: {
    dc_id: DC,
    product_id: 5120,
    last_known_quantity: 0,
    detection_time: '2024-03-01T14:05:09.120Z',
  },
  reorder_triggered: {
    store_id: STORE,
    product_id: PRODUCT,
    current_quantity: 8,
    reorder_quantity: 48,
    reorder_point: 10,
    priority: 'HIGH',
  },
  customer_entered: {
    store_id: STORE,
    sensor_id: 'SENSOR-012-ENTRANCE-1',
    zone: 'ENTRANCE',
    customer_count: 2,
    dwell_time: 45,
  },
  customer_zone_changed: {
    store_id: STORE,
    customer_ble_id: BLE_ID,
    from_zone: 'ENTRANCE',
    to_zone: 'PRODUCE',
    timestamp: '2024-03-01T14:05:09.120Z',
  },
  ble_ping_detected: {
    store_id: STORE,
    beacon_id: 'BEACON-012-PRODUCE-2',
    customer_ble_id: BLE_ID,
    rssi: -67,
    zone: 'PRODUCE',
  },
  truck_arrived: {
    truck_id: 77,
    dc_id: DC,
    store_id: STORE,
    shipment_id: SHIPMENT,
    arrival_time: '2024-03-01T11:30:00.000Z',
    estimated_unload_duration: 45,
  },
  truck_departed: {
    truck_id: 77,
    dc_id: DC,
    store_id: STORE,
    shipment_id: SHIPMENT,
    departure_time: '2024-03-01T12:22:00.000Z',
    estimated_unload_duration: 45,
    actual_unload_duration: 52,
  },
  store_opened: { store_id: STORE, operation_time: '2024-03-01T13:00:00.000Z', operation_type: 'OPENED' },
  store_closed: { store_id: STORE, operation_time: '2024-03-02T02:00:00.000Z', operation_type: 'CLOSED' },
  ad_impression: {
    channel: 'FACEBOOK',
    campaign_id: CAMPAIGN,
    creative_id: 'CR-0042',
    customer_ad_id: '3f9c2a1e-77d4-4b0e-a1c2-09e8d7f6a5b4',
    customer_id: CUSTOMER,
    impression_id: 'IMP-20240301-7731',
    cost: 0.0125,
    device_type: 'MOBILE',
  },
  promotion_applied: {
    receipt_id: RECEIPT,
    promo_code: 'SPRING10',
    discount_amount: 1.0,
    discount_cents: 100,
    discount_type: 'PERCENTAGE',
    product_count: 2,
    product_ids: [PRODUCT, 3310],
    store_id: STORE,
    customer_id: CUSTOMER,
    campaign_id: CAMPAIGN,
  },
  online_order_created: {
    ...order,
    subtotal: 32.47,
    tax: 2.68,
    total: 35.15,
    tender_type: 'DEBIT_CARD',
    created_time: '2024-03-01T14:05:09.120Z',
    lines: [
      { product_id: 17, quantity: 2, unit_price: 12.49, extended_price: 24.98 },
      { product_id: 230, quantity: 1, unit_price: 7.49, extended_price: 7.49 },
    ],
  },
  online_order_picked: { ...order, picked_time: '2024-03-01T15:40:00.000Z' },
  online_order_shipped: { ...order, shipped_time: '2024-03-01T18:10:00.000Z', carrier: 'UPS' },
};

function partitionKeyOf(payload: object): string {
  if ('store_id' in payload && typeof payload.store_id === 'number') return `store_${payload.store_id}`;
  if ('dc_id' in payload && typeof payload.dc_id === 'number') return `dc_${payload.dc_id}`;
  return 'online';
}

/**
 * A valid example envelope of `type`, a fresh copy on each call (tests may change it).
 * @example const bad = sampleEvent('ble_ping_detected'); bad.payload.rssi = 5; validateEnvelope(bad).ok === false
 */
export function sampleEvent<T extends EventType>(type: T): EventEnvelope<T> {
  const n = String(EVENT_TYPES.indexOf(type) + 1).padStart(12, '0');
  const payload = PAYLOADS[type];
  const envelope = {
    event_type: type,
    payload,
    event_id: `0f6b1c2e-5d4a-4e3b-9c8d-${n}`,
    event_ts: '2024-03-01T14:05:09.120Z',
    trace_id: `4bf92f3577b34da6a3ce929d${n.slice(4)}`,
    ingest_timestamp: '2025-06-10T08:00:00.250Z',
    schema_version: SCHEMA_VERSION,
    source: 'retail-datagen',
    correlation_id: 'receipt_id' in payload ? payload.receipt_id : 'order_id' in payload ? payload.order_id : undefined,
    partition_key: type.startsWith('online_order') || type === 'ad_impression' ? 'online' : partitionKeyOf(payload),
  };
  if (envelope.correlation_id === undefined) delete envelope.correlation_id;
  return structuredClone(envelope) as EventEnvelope<T>;
}
