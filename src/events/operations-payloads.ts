// Payload schemas of the operations events: inventory, stockouts, reorders, foot traffic, trucks and store hours.

import { z } from 'zod';
import {
  count,
  exactlyOne,
  INVENTORY_REASONS,
  id,
  isoTime,
  productId,
  REORDER_PRIORITIES,
  storeId,
  textId,
  zone,
} from './fields.js';

/**
 * A change of on-hand quantity at a store or DC.
 * @example inventoryUpdatedPayload.parse(sampleEvent('inventory_updated').payload)
 */
export const inventoryUpdatedPayload = z
  .object({
    store_id: id('Store whose stock changed; exactly one of store_id and dc_id.').optional(),
    dc_id: id('Distribution center whose stock changed; exactly one of store_id and dc_id.').optional(),
    product_id: productId(),
    quantity_delta: z
      .number()
      .int()
      .refine((n) => n !== 0, 'quantity_delta must not be 0: emit no event when nothing changed')
      .describe('Change of on-hand units: positive adds stock, negative removes it; never 0.'),
    reason: z.enum(INVENTORY_REASONS).describe('Why the quantity changed.'),
    source: textId('What caused the change: a receipt_id, shipment_id or order_id.').optional(),
    quantity_after: count(0, 'On-hand units after the change.'),
  })
  .strict()
  .superRefine(exactlyOne('store_id', 'dc_id'))
  .describe('A change of on-hand quantity at a store or DC.');

/**
 * On-hand quantity reached zero.
 * @example stockoutDetectedPayload.parse(sampleEvent('stockout_detected').payload)
 */
export const stockoutDetectedPayload = z
  .object({
    store_id: id('Store out of stock; exactly one of store_id and dc_id.').optional(),
    dc_id: id('Distribution center out of stock; exactly one of store_id and dc_id.').optional(),
    product_id: productId(),
    last_known_quantity: count(0, 'On-hand units before the stockout was detected.'),
    detection_time: isoTime('When the stockout was detected.'),
  })
  .strict()
  .superRefine(exactlyOne('store_id', 'dc_id'))
  .describe('On-hand quantity reached zero.');

/**
 * Stock fell to its reorder point.
 * @example reorderTriggeredPayload.parse(sampleEvent('reorder_triggered').payload)
 */
export const reorderTriggeredPayload = z
  .object({
    store_id: id('Store that reorders; exactly one of store_id and dc_id.').optional(),
    dc_id: id('Distribution center that reorders; exactly one of store_id and dc_id.').optional(),
    product_id: productId(),
    current_quantity: count(0, 'On-hand units when the reorder was triggered.'),
    reorder_quantity: count(1, 'Units ordered.'),
    reorder_point: count(0, 'On-hand level at or below which a reorder is triggered.'),
    priority: z.enum(REORDER_PRIORITIES).describe('Urgency of the reorder.'),
  })
  .strict()
  .superRefine(exactlyOne('store_id', 'dc_id'))
  .describe('Stock fell to its reorder point.');

/**
 * A door or zone sensor counted customers.
 * @example customerEnteredPayload.parse(sampleEvent('customer_entered').payload)
 */
export const customerEnteredPayload = z
  .object({
    store_id: storeId(),
    sensor_id: textId('Foot-traffic sensor id.'),
    zone: zone('Zone the sensor watches.'),
    customer_count: count(1, 'Customers counted in this reading.'),
    dwell_time: count(0, 'Time spent in the zone, in seconds.'),
  })
  .strict()
  .describe('A door or zone sensor counted customers.');

/**
 * A tracked customer moved between zones.
 * @example customerZoneChangedPayload.parse(sampleEvent('customer_zone_changed').payload)
 */
export const customerZoneChangedPayload = z
  .object({
    store_id: storeId(),
    customer_ble_id: textId("Customer's Bluetooth id, e.g. `BLE-3F:A2:09:1C:77:D4`."),
    from_zone: zone('Zone the customer left.'),
    to_zone: zone('Zone the customer entered; differs from from_zone.'),
    timestamp: isoTime('When the move was seen.'),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.from_zone === value.to_zone) {
      ctx.addIssue({ code: 'custom', path: ['to_zone'], message: 'to_zone must differ from from_zone' });
    }
  })
  .describe('A tracked customer moved between zones.');

/**
 * A BLE beacon heard a customer's device.
 * @example blePingDetectedPayload.parse(sampleEvent('ble_ping_detected').payload)
 */
export const blePingDetectedPayload = z
  .object({
    store_id: storeId(),
    beacon_id: textId('Beacon id.'),
    customer_ble_id: textId("Customer's Bluetooth id."),
    rssi: z.number().int().min(-120).max(0).describe('Received signal strength in dBm, -120 (far) to 0 (near).'),
    zone: zone('Zone of the beacon.'),
  })
  .strict()
  .describe("A BLE beacon heard a customer's device.");

function atLeastOneNode(value: { dc_id?: unknown; store_id?: unknown }, ctx: z.RefinementCtx) {
  if (value.dc_id === undefined && value.store_id === undefined) {
    ctx.addIssue({ code: 'custom', path: ['dc_id'], message: 'set dc_id, store_id or both' });
  }
}

/**
 * A truck reached a DC or a store.
 * @example truckArrivedPayload.parse(sampleEvent('truck_arrived').payload)
 */
export const truckArrivedPayload = z
  .object({
    truck_id: id('Truck id.'),
    dc_id: id('Distribution center of the shipment; at least one of dc_id and store_id.').optional(),
    store_id: id('Store the truck arrived at, for store deliveries.').optional(),
    shipment_id: textId('Shipment the truck carries.'),
    arrival_time: isoTime('When the truck arrived.'),
    estimated_unload_duration: count(0, 'Planned unload time in minutes.'),
    actual_unload_duration: count(0, 'Unload time in minutes, when already known.').optional(),
  })
  .strict()
  .superRefine(atLeastOneNode)
  .describe('A truck reached a DC or a store.');

/**
 * A truck left after unloading.
 * @example truckDepartedPayload.parse(sampleEvent('truck_departed').payload)
 */
export const truckDepartedPayload = z
  .object({
    truck_id: id('Truck id.'),
    dc_id: id('Distribution center of the shipment; at least one of dc_id and store_id.').optional(),
    store_id: id('Store the truck left, for store deliveries.').optional(),
    shipment_id: textId('Shipment the truck carried.'),
    departure_time: isoTime('When the truck left.'),
    estimated_unload_duration: count(0, 'Planned unload time in minutes.').optional(),
    actual_unload_duration: count(0, 'Unload time in minutes.'),
  })
  .strict()
  .superRefine(atLeastOneNode)
  .describe('A truck left after unloading.');

/**
 * A store opened its doors.
 * @example storeOpenedPayload.parse(sampleEvent('store_opened').payload)
 */
export const storeOpenedPayload = z
  .object({
    store_id: storeId(),
    operation_time: isoTime('When the store opened.'),
    operation_type: z.literal('OPENED').describe('Always OPENED.'),
  })
  .strict()
  .describe('A store opened its doors.');

/**
 * A store closed its doors.
 * @example storeClosedPayload.parse(sampleEvent('store_closed').payload)
 */
export const storeClosedPayload = z
  .object({
    store_id: storeId(),
    operation_time: isoTime('When the store closed.'),
    operation_type: z.literal('CLOSED').describe('Always CLOSED.'),
  })
  .strict()
  .describe('A store closed its doors.');
