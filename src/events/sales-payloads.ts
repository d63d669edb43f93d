// Payload schemas of the selling events: receipts, payments, promotions, ad impressions and online orders.

import { z } from 'zod';
import {
  CHANNELS,
  cents,
  centsMatch,
  count,
  customerId,
  DECLINE_REASONS,
  DEVICE_TYPES,
  DISCOUNT_TYPES,
  exactlyOne,
  FULFILLMENT_MODES,
  id,
  isoTime,
  money,
  money4,
  NODE_TYPES,
  PAYMENT_STATUSES,
  productId,
  storeId,
  tenderType,
  textId,
  totalIsSubtotalPlusTax,
} from './fields.js';

/**
 * A sale at a store register.
 * @example receiptCreatedPayload.parse(sampleEvent('receipt_created').payload)
 */
export const receiptCreatedPayload = z
  .object({
    store_id: storeId(),
    customer_id: customerId(),
    receipt_id: textId('Receipt id, unique across all stores.'),
    subtotal: money('Sum of the line extended prices after discounts (USD).'),
    tax: money('Sales tax (USD).'),
    total: money('subtotal + tax (USD).'),
    tender_type: tenderType('How the customer paid.'),
    item_count: count(1, 'Number of units on the receipt.'),
    campaign_id: textId('Marketing campaign that brought the customer in, when attributed.').optional(),
  })
  .strict()
  .superRefine(totalIsSubtotalPlusTax)
  .describe('A sale at a store register.');

/**
 * One line of a receipt.
 * @example receiptLineAddedPayload.parse(sampleEvent('receipt_line_added').payload)
 */
export const receiptLineAddedPayload = z
  .object({
    receipt_id: textId('Receipt the line belongs to.'),
    store_id: storeId(),
    line_number: count(1, 'Position of the line on the receipt, from 1.'),
    product_id: productId(),
    quantity: count(1, 'Units sold on this line.'),
    unit_price: money("Price of one unit that day, less the line's promotion (USD)."),
    extended_price: money('quantity × unit_price (USD).'),
    promo_code: textId('Promotion applied to this line, if any.').optional(),
  })
  .strict()
  .describe('One line of a receipt.');

/**
 * A payment for a receipt or an online order.
 * @example paymentProcessedPayload.parse(sampleEvent('payment_processed').payload)
 */
export const paymentProcessedPayload = z
  .object({
    receipt_id: textId('Receipt paid (in-store payment); exactly one of receipt_id and order_id.').optional(),
    order_id: textId('Online order paid; exactly one of receipt_id and order_id.').optional(),
    payment_method: tenderType('How the customer paid.'),
    amount: money('Amount charged (USD).'),
    amount_cents: cents('Amount charged, in cents (amount × 100).'),
    transaction_id: textId('Payment processor transaction id.'),
    processing_time: isoTime('When the processor answered.'),
    processing_time_ms: count(0, 'Processor latency in milliseconds.'),
    status: z.enum(PAYMENT_STATUSES).describe('Whether the payment went through.'),
    decline_reason: z.enum(DECLINE_REASONS).describe('Why it was declined; only with status DECLINED.').optional(),
    store_id: id('Store of an in-store payment.').optional(),
    customer_id: customerId(),
  })
  .strict()
  .superRefine(exactlyOne('receipt_id', 'order_id'))
  .superRefine(centsMatch('amount', 'amount_cents'))
  .superRefine((value, ctx) => {
    if (value.decline_reason !== undefined && value.status !== 'DECLINED') {
      ctx.addIssue({
        code: 'custom',
        path: ['decline_reason'],
        message: 'decline_reason is only allowed when status is DECLINED',
      });
    }
  })
  .describe('A payment for a receipt or an online order.');

/**
 * An ad was shown to a customer.
 * @example adImpressionPayload.parse(sampleEvent('ad_impression').payload)
 */
export const adImpressionPayload = z
  .object({
    channel: z.enum(CHANNELS).describe('Advertising channel.'),
    campaign_id: textId('Campaign the ad belongs to.'),
    creative_id: textId('Creative (ad variant) shown.'),
    customer_ad_id: textId("Customer's advertising id (UUID style)."),
    customer_id: customerId(),
    impression_id: textId('Impression id.'),
    cost: money4('Cost of the impression (USD, up to 4 decimals).'),
    device_type: z.enum(DEVICE_TYPES).describe('Device the ad was shown on.'),
  })
  .strict()
  .describe('An ad was shown to a customer.');

/**
 * A promotion discounted a receipt.
 * @example promotionAppliedPayload.parse(sampleEvent('promotion_applied').payload)
 */
export const promotionAppliedPayload = z
  .object({
    receipt_id: textId('Receipt discounted.'),
    promo_code: textId('Promotion code.'),
    discount_amount: money('Discount given (USD).'),
    discount_cents: cents('Discount given, in cents (discount_amount × 100).'),
    discount_type: z.enum(DISCOUNT_TYPES).describe('How the promotion discounts.'),
    product_count: count(1, 'Number of products discounted; the length of product_ids.'),
    product_ids: z.array(productId()).describe('Products discounted.'),
    store_id: storeId(),
    customer_id: customerId(),
    campaign_id: textId('Campaign of the promotion, if any.').optional(),
  })
  .strict()
  .superRefine(centsMatch('discount_amount', 'discount_cents'))
  .superRefine((value, ctx) => {
    if (Array.isArray(value.product_ids) && value.product_ids.length !== value.product_count) {
      ctx.addIssue({
        code: 'custom',
        path: ['product_ids'],
        message: `product_ids has ${value.product_ids.length} ids but product_count is ${value.product_count}`,
      });
    }
  })
  .describe('A promotion discounted a receipt.');

const orderIdentity = {
  order_id: textId('Online order id.'),
  customer_id: customerId(),
  fulfillment_mode: z.enum(FULFILLMENT_MODES).describe('How the order reaches the customer.'),
  node_type: z.enum(NODE_TYPES).describe('Kind of node fulfilling the order: DC for SHIP_FROM_DC, else STORE.'),
  node_id: id('Id of the store or DC fulfilling the order.'),
  item_count: count(1, 'Number of units ordered.'),
};

function nodeFitsMode(value: { fulfillment_mode?: unknown; node_type?: unknown }, ctx: z.RefinementCtx) {
  const expected = value.fulfillment_mode === 'SHIP_FROM_DC' ? 'DC' : 'STORE';
  if (value.node_type !== expected) {
    ctx.addIssue({
      code: 'custom',
      path: ['node_type'],
      message: `fulfillment_mode ${String(value.fulfillment_mode)} is fulfilled by a ${expected} node`,
    });
  }
}

/**
 * One line of an online order.
 * @example onlineOrderLine.parse({ product_id: 1, quantity: 2, unit_price: 3.49, extended_price: 6.98 })
 */
export const onlineOrderLine = z
  .object({
    product_id: productId(),
    quantity: count(1, 'Units ordered.'),
    unit_price: money('Price of one unit (USD).'),
    extended_price: money('quantity × unit_price (USD).'),
  })
  .strict()
  .describe('One line of an online order.');

/**
 * An online order was placed.
 * @example onlineOrderCreatedPayload.parse(sampleEvent('online_order_created').payload)
 */
export const onlineOrderCreatedPayload = z
  .object({
    ...orderIdentity,
    subtotal: money('Sum of the items (USD).'),
    tax: money('Sales tax (USD).'),
    total: money('subtotal + tax (USD).'),
    tender_type: tenderType('How the customer paid.'),
    created_time: isoTime('When the order was placed.'),
    lines: z.array(onlineOrderLine).min(1).describe('What was ordered (stored in fact_online_order_lines).'),
  })
  .strict()
  .superRefine(totalIsSubtotalPlusTax)
  .superRefine((value, ctx) => {
    if (!Array.isArray(value.lines)) return;
    const units = value.lines.reduce((s, l) => s + l.quantity, 0);
    if (units !== value.item_count) {
      ctx.addIssue({
        code: 'custom',
        path: ['item_count'],
        message: `item_count ${value.item_count} differs from the ${units} units of the lines`,
      });
    }
    const cents = value.lines.reduce((s, l) => s + Math.round(l.extended_price * 100), 0);
    if (cents !== Math.round(value.subtotal * 100)) {
      ctx.addIssue({ code: 'custom', path: ['subtotal'], message: 'subtotal differs from the sum of the lines' });
    }
  })
  .superRefine(nodeFitsMode)
  .describe('An online order was placed.');

/**
 * An online order was picked.
 * @example onlineOrderPickedPayload.parse(sampleEvent('online_order_picked').payload)
 */
export const onlineOrderPickedPayload = z
  .object({ ...orderIdentity, picked_time: isoTime('When picking finished.') })
  .strict()
  .superRefine(nodeFitsMode)
  .describe('An online order was picked.');

/**
 * An online order was shipped or handed over.
 * @example onlineOrderShippedPayload.parse(sampleEvent('online_order_shipped').payload)
 */
export const onlineOrderShippedPayload = z
  .object({
    ...orderIdentity,
    shipped_time: isoTime('When the order left the node (or was handed over, for BOPIS and CURBSIDE).'),
    carrier: textId('Parcel carrier, for shipped orders.').optional(),
  })
  .strict()
  .superRefine(nodeFitsMode)
  .describe('An online order was shipped or handed over.');
