// Building blocks of the event payloads: enum value lists, field builders and the registry of field kinds.

import { z } from 'zod';

/** How a tender or payment was made. @example TENDER_TYPES[1] === 'CREDIT_CARD' */
export const TENDER_TYPES = ['CASH', 'CREDIT_CARD', 'DEBIT_CARD', 'MOBILE_PAY', 'GIFT_CARD', 'CHECK'] as const;
export type TenderType = (typeof TENDER_TYPES)[number];

/** Outcome of a payment. @example PAYMENT_STATUSES[0] === 'APPROVED' */
export const PAYMENT_STATUSES = ['APPROVED', 'DECLINED'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Why a payment was declined. @example DECLINE_REASONS[2] === 'SUSPECTED_FRAUD' */
export const DECLINE_REASONS = [
  'INSUFFICIENT_FUNDS',
  'CARD_EXPIRED',
  'SUSPECTED_FRAUD',
  'NETWORK_ERROR',
  'INVALID_PIN',
] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

/** Why an inventory quantity changed. @example INVENTORY_REASONS[0] === 'SALE' */
export const INVENTORY_REASONS = [
  'SALE',
  'ONLINE_PICK',
  'RESTOCK',
  'SHIPMENT_OUT',
  'SUPPLIER_DELIVERY',
  'RETURN',
  'SHRINKAGE',
  'ADJUSTMENT',
] as const;
export type InventoryReason = (typeof INVENTORY_REASONS)[number];

/** Urgency of a reorder. @example REORDER_PRIORITIES[2] === 'URGENT' */
export const REORDER_PRIORITIES = ['NORMAL', 'HIGH', 'URGENT'] as const;
export type ReorderPriority = (typeof REORDER_PRIORITIES)[number];

/** Zones of a store floor, as seen by sensors and BLE beacons. @example ZONES[0] === 'ENTRANCE' */
export const ZONES = [
  'ENTRANCE',
  'GROCERY',
  'PRODUCE',
  'DAIRY',
  'ELECTRONICS',
  'APPAREL',
  'HOME',
  'HEALTH_BEAUTY',
  'PHARMACY',
  'CHECKOUT',
  'CUSTOMER_SERVICE',
] as const;
export type Zone = (typeof ZONES)[number];

/** What happened to a store's doors. @example STORE_OPERATION_TYPES[1] === 'CLOSED' */
export const STORE_OPERATION_TYPES = ['OPENED', 'CLOSED'] as const;
export type StoreOperationType = (typeof STORE_OPERATION_TYPES)[number];

/**
 * Advertising channels (upper-case names of the `marketing_cost` config channels).
 * @example CHANNELS[5] === 'FACEBOOK'
 */
export const CHANNELS = [
  'EMAIL',
  'DISPLAY',
  'SOCIAL',
  'SEARCH',
  'VIDEO',
  'FACEBOOK',
  'GOOGLE',
  'INSTAGRAM',
  'YOUTUBE',
] as const;
export type Channel = (typeof CHANNELS)[number];

/** Device an ad was shown on. @example DEVICE_TYPES[2] === 'DESKTOP' */
export const DEVICE_TYPES = ['MOBILE', 'TABLET', 'DESKTOP'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

/** How a promotion discounts. @example DISCOUNT_TYPES[2] === 'BOGO' */
export const DISCOUNT_TYPES = ['PERCENTAGE', 'FIXED_AMOUNT', 'BOGO'] as const;
export type DiscountType = (typeof DISCOUNT_TYPES)[number];

/** How an online order reaches the customer. @example FULFILLMENT_MODES[2] === 'BOPIS' */
export const FULFILLMENT_MODES = ['SHIP_FROM_STORE', 'SHIP_FROM_DC', 'BOPIS', 'CURBSIDE'] as const;
export type FulfillmentMode = (typeof FULFILLMENT_MODES)[number];

/** Kind of node that fulfils an online order. @example NODE_TYPES[1] === 'DC' */
export const NODE_TYPES = ['STORE', 'DC'] as const;
export type NodeType = (typeof NODE_TYPES)[number];

/**
 * ISO-8601 UTC time with milliseconds, the only time format events carry.
 * @example ISO_TIME_PATTERN.test('2024-03-01T14:05:09.120Z') === true
 */
export const ISO_TIME_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/** What a field means beyond its JSON type; decides its SQL column type. */
export type FieldKind = 'money' | 'money4' | 'cents' | 'time';

/**
 * The fields built by `money`, `money4`, `cents` and `isoTime`, with their kind.
 * Schemas register themselves here so table columns are derived from the payload schemas alone.
 * @example FIELD_KINDS.get(money('Total.'))?.kind === 'money'
 */
export const FIELD_KINDS = z.registry<{ kind: FieldKind }>();

function mark<T extends z.ZodType>(schema: T, kind: FieldKind): T {
  FIELD_KINDS.add(schema, { kind });
  return schema;
}

/** A positive integer id. @example id('Store id.') */
export const id = (description: string) => z.number().int().positive().describe(description);

/** A non-empty string id. @example textId('Receipt id, e.g. `R-000012-20240301-0042`.') */
export const textId = (description: string) => z.string().min(1).describe(description);

/** An integer count or quantity, at least `min`. @example count(1, 'Items on the receipt.') */
export const count = (min: number, description: string) => z.number().int().min(min).describe(description);

/** A dollar amount with at most 2 decimals, never negative. @example money('Receipt total (USD).') */
export const money = (description: string) => mark(z.number().min(0).multipleOf(0.01).describe(description), 'money');

/** A dollar amount with at most 4 decimals (ad costs are fractions of a cent). @example money4('Cost (USD).') */
export const money4 = (description: string) =>
  mark(z.number().min(0).multipleOf(0.0001).describe(description), 'money4');

/** A non-negative integer amount of cents. @example cents('Amount in cents.') */
export const cents = (description: string) => mark(z.number().int().min(0).describe(description), 'cents');

/** An ISO-8601 UTC time, `YYYY-MM-DDTHH:mm:ss.sssZ`. @example isoTime('When the truck arrived.') */
export const isoTime = (description: string) =>
  mark(
    z
      .string()
      .regex(ISO_TIME_PATTERN, 'expected an ISO-8601 UTC time YYYY-MM-DDTHH:mm:ss.sssZ')
      .meta({ description, format: 'date-time' }),
    'time',
  );

/**
 * A `superRefine` check that exactly one of two optional fields is set.
 * @example
 * z.object({ store_id: storeId().optional(), dc_id: id('DC id.').optional() })
 *   .superRefine(exactlyOne('store_id', 'dc_id'))
 */
export function exactlyOne<K extends string>(a: K, b: K) {
  return (value: Partial<Record<K, unknown>>, ctx: z.RefinementCtx): void => {
    const hasA = value[a] !== undefined;
    const hasB = value[b] !== undefined;
    if (hasA && hasB) ctx.addIssue({ code: 'custom', path: [b], message: `set only one of ${a} and ${b}, not both` });
    if (!hasA && !hasB) ctx.addIssue({ code: 'custom', path: [a], message: `set exactly one of ${a} and ${b}` });
  };
}

/** A `superRefine` check that a `*_cents` field is its dollar field times 100. */
export function centsMatch<K extends string, C extends string>(dollars: K, centsKey: C) {
  return (value: Partial<Record<K | C, unknown>>, ctx: z.RefinementCtx): void => {
    const d = value[dollars];
    const c = value[centsKey];
    if (typeof d === 'number' && typeof c === 'number' && Math.round(d * 100) !== c) {
      ctx.addIssue({
        code: 'custom',
        path: [centsKey],
        message: `${centsKey} must be ${dollars} × 100 (${Math.round(d * 100)})`,
      });
    }
  };
}

/** A store id. @example storeId() */
export const storeId = () => id('Store id.');

/** A customer id. @example customerId() */
export const customerId = () => id('Customer id.');

/** A product id. @example productId() */
export const productId = () => id('Product id.');

/** A tender type. @example tenderType('How the customer paid.') */
export const tenderType = (description: string) => z.enum(TENDER_TYPES).describe(description);

/** A store zone. @example zone('Zone of the beacon.') */
export const zone = (description: string) => z.enum(ZONES).describe(description);

/** A `superRefine` check that `total` is `subtotal + tax`, compared in cents. */
export function totalIsSubtotalPlusTax(
  value: { subtotal?: unknown; tax?: unknown; total?: unknown },
  ctx: z.RefinementCtx,
): void {
  const { subtotal, tax, total } = value;
  if (typeof subtotal !== 'number' || typeof tax !== 'number' || typeof total !== 'number') return;
  // In cents, because 0.1 + 0.2 !== 0.3 in floating point.
  if (Math.round(subtotal * 100) + Math.round(tax * 100) !== Math.round(total * 100)) {
    const expected = ((Math.round(subtotal * 100) + Math.round(tax * 100)) / 100).toFixed(2);
    ctx.addIssue({ code: 'custom', path: ['total'], message: `total must be subtotal + tax (${expected})` });
  }
}
