// The 18 event types, the payload schema of each (defined in *-payloads.ts) and the types derived from them.

import type { z } from 'zod';
import {
  blePingDetectedPayload,
  customerEnteredPayload,
  customerZoneChangedPayload,
  inventoryUpdatedPayload,
  reorderTriggeredPayload,
  stockoutDetectedPayload,
  storeClosedPayload,
  storeOpenedPayload,
  truckArrivedPayload,
  truckDepartedPayload,
} from './operations-payloads.js';
import {
  adImpressionPayload,
  onlineOrderCreatedPayload,
  onlineOrderPickedPayload,
  onlineOrderShippedPayload,
  paymentProcessedPayload,
  promotionAppliedPayload,
  receiptCreatedPayload,
  receiptLineAddedPayload,
} from './sales-payloads.js';

export type {
  Channel,
  DeclineReason,
  DeviceType,
  DiscountType,
  FulfillmentMode,
  InventoryReason,
  NodeType,
  PaymentStatus,
  ReorderPriority,
  StoreOperationType,
  TenderType,
  Zone,
} from './fields.js';
export {
  CHANNELS,
  DECLINE_REASONS,
  DEVICE_TYPES,
  DISCOUNT_TYPES,
  FULFILLMENT_MODES,
  INVENTORY_REASONS,
  ISO_TIME_PATTERN,
  NODE_TYPES,
  PAYMENT_STATUSES,
  REORDER_PRIORITIES,
  STORE_OPERATION_TYPES,
  TENDER_TYPES,
  ZONES,
} from './fields.js';
export * from './operations-payloads.js';
export * from './sales-payloads.js';

/**
 * The 18 event types, in their canonical order.
 * @example EVENT_TYPES[0] === 'receipt_created'
 */
export const EVENT_TYPES = [
  'receipt_created',
  'receipt_line_added',
  'payment_processed',
  'inventory_updated',
  'stockout_detected',
  'reorder_triggered',
  'customer_entered',
  'customer_zone_changed',
  'ble_ping_detected',
  'truck_arrived',
  'truck_departed',
  'store_opened',
  'store_closed',
  'ad_impression',
  'promotion_applied',
  'online_order_created',
  'online_order_picked',
  'online_order_shipped',
] as const;

/** One of the 18 event type names. */
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * The payload schema of each event type.
 * @example PAYLOAD_SCHEMAS.ble_ping_detected.safeParse({ store_id: 1 }).success === false
 */
export const PAYLOAD_SCHEMAS = {
  receipt_created: receiptCreatedPayload,
  receipt_line_added: receiptLineAddedPayload,
  payment_processed: paymentProcessedPayload,
  inventory_updated: inventoryUpdatedPayload,
  stockout_detected: stockoutDetectedPayload,
  reorder_triggered: reorderTriggeredPayload,
  customer_entered: customerEnteredPayload,
  customer_zone_changed: customerZoneChangedPayload,
  ble_ping_detected: blePingDetectedPayload,
  truck_arrived: truckArrivedPayload,
  truck_departed: truckDepartedPayload,
  store_opened: storeOpenedPayload,
  store_closed: storeClosedPayload,
  ad_impression: adImpressionPayload,
  promotion_applied: promotionAppliedPayload,
  online_order_created: onlineOrderCreatedPayload,
  online_order_picked: onlineOrderPickedPayload,
  online_order_shipped: onlineOrderShippedPayload,
} as const satisfies { readonly [K in EventType]: z.ZodObject };

/**
 * The payload of event type `T`.
 * @example const p: PayloadOf<'store_opened'> = { store_id: 1, operation_time: now, operation_type: 'OPENED' }
 */
export type PayloadOf<T extends EventType> = z.output<(typeof PAYLOAD_SCHEMAS)[T]>;

/**
 * An event type with its payload; switch on `event_type` to narrow the payload.
 * @example if (e.event_type === 'ble_ping_detected') console.log(e.payload.rssi)
 */
export type RetailEvent = { [K in EventType]: { event_type: K; payload: PayloadOf<K> } }[EventType];
