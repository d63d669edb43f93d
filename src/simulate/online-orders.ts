// Online orders: placed any time, picked where they are fulfilled (a store or a DC), then shipped or handed over.

import type { TenderType } from '../events/types.js';
import type { Rng, WeightedPicker } from '../random.js';
import type { Agenda } from './agenda.js';
import type { SimContext } from './context.js';
import { dollars, type EventBuffer, iso } from './event-buffer.js';
import { pickTender } from './shopping-trip.js';
import { available, type NodeState, type OpenOrder } from './state.js';
import { checkReorder, type StockNode, takeStock } from './stock.js';

const CARRIERS = ['UPS', 'FedEx', 'USPS', 'OnTrac'] as const;

/** Where an order is fulfilled. */
export interface OrderSite {
  ctx: SimContext;
  buf: EventBuffer;
  node: StockNode;
  state: NodeState;
  ymd: number;
  catalog: WeightedPicker;
  nodeType: 'STORE' | 'DC';
  taxRate: number;
  orders: number;
  /** The first moment at or after t when the site works (stores have hours; DCs work around the clock). */
  nextOpen: (t: number) => number;
}

function identity(o: OpenOrder, site: OrderSite): Record<string, unknown> {
  return {
    order_id: o.id,
    customer_id: o.customerId,
    fulfillment_mode: o.mode,
    node_type: site.nodeType,
    node_id: site.node.id,
    item_count: o.itemCount,
  };
}

/** Puts the order's next steps on the agenda (the agenda drops what falls after the day; state keeps the order). */
export function scheduleOrder(site: OrderSite, agenda: Agenda, o: OpenOrder): void {
  if (!o.picked) {
    agenda.push(o.pickAt, () => {
      o.picked = true;
      site.buf.add(
        'online_order_picked',
        o.pickAt,
        { ...identity(o, site), picked_time: iso(o.pickAt) },
        o.trace,
        o.id,
      );
      for (const l of o.lines) {
        site.state.reserved[l.productIndex] -= l.quantity;
        takeStock(site.node, l.productIndex, l.quantity, o.pickAt, 'ONLINE_PICK', o.id, o.trace);
      }
    });
  }
  agenda.push(o.shipAt, () => {
    site.buf.add(
      'online_order_shipped',
      o.shipAt,
      {
        ...identity(o, site),
        shipped_time: iso(o.shipAt),
        ...(o.mode === 'SHIP_FROM_STORE' || o.mode === 'SHIP_FROM_DC'
          ? { carrier: CARRIERS[o.customerId % CARRIERS.length] }
          : {}),
      },
      o.trace,
      o.id,
    );
    site.state.openOrders = site.state.openOrders.filter((x) => x !== o);
  });
}

/**
 * Places an order at `at` for a customer: 1-4 products that the site has available, reserved until picked.
 * @returns false when nothing could be reserved (no order is placed).
 */
export function createOnlineOrder(site: OrderSite, agenda: Agenda, rng: Rng, at: number, customerId: number): boolean {
  const { ctx, state, buf } = site;
  const lines: OpenOrder['lines'] = [];
  const want = rng.int(1, 4);
  for (let i = 0; i < want; i++) {
    const p = site.catalog.pick(rng);
    if (lines.some((l) => l.productIndex === p) || available(state, p) <= 0) continue;
    const quantity = Math.min(rng.chance(0.8) ? 1 : 2, available(state, p));
    lines.push({ productIndex: p, quantity, unitCents: ctx.priceCents[p] });
    state.reserved[p] += quantity;
  }
  if (lines.length === 0) return false;
  const mode: OpenOrder['mode'] =
    site.nodeType === 'DC'
      ? 'SHIP_FROM_DC'
      : rng.chance(0.5)
        ? 'SHIP_FROM_STORE'
        : rng.chance(0.7)
          ? 'BOPIS'
          : 'CURBSIDE';
  const prefix = site.nodeType === 'DC' ? 'OD' : 'OS';
  const id = `${prefix}${site.node.id}-${site.ymd}-${++site.orders}`;
  const pickAt = site.nextOpen(at + rng.int(20, 180) * 60_000);
  const shipAt = site.nextOpen(pickAt + rng.int(45, mode === 'BOPIS' || mode === 'CURBSIDE' ? 900 : 300) * 60_000);
  const trace = buf.trace(at);
  const itemCount = lines.reduce((s, l) => s + l.quantity, 0);
  const order: OpenOrder = { id, customerId, mode, itemCount, lines, pickAt, shipAt, trace, picked: false };
  let subtotal = 0;
  let taxBase = 0;
  for (const l of lines) {
    subtotal += l.unitCents * l.quantity;
    taxBase += l.unitCents * l.quantity * ctx.taxMultiplier[l.productIndex];
  }
  const tax = Math.round(taxBase * site.taxRate);
  const tender: TenderType = pickTender(rng, 'CASH');
  buf.add(
    'online_order_created',
    at,
    {
      ...identity(order, site),
      subtotal: dollars(subtotal),
      tax: dollars(tax),
      total: dollars(subtotal + tax),
      tender_type: tender,
      created_time: iso(at),
      lines: lines.map((l) => ({
        product_id: l.productIndex + 1,
        quantity: l.quantity,
        unit_price: dollars(l.unitCents),
        extended_price: dollars(l.unitCents * l.quantity),
      })),
    },
    trace,
    id,
  );
  const payAt = at + rng.int(300, 2000);
  buf.add(
    'payment_processed',
    payAt,
    {
      order_id: id,
      payment_method: tender,
      amount: dollars(subtotal + tax),
      amount_cents: subtotal + tax,
      transaction_id: `TX${prefix}${site.node.id}-${site.ymd}-${site.orders}`,
      processing_time: iso(payAt),
      processing_time_ms: payAt - at,
      status: 'APPROVED',
      ...(site.nodeType === 'STORE' ? { store_id: site.node.id } : {}),
      customer_id: customerId,
    },
    trace,
    id,
  );
  for (const l of lines) checkReorder(site.node, l.productIndex, at, trace, id);
  state.openOrders.push(order);
  scheduleOrder(site, agenda, order);
  return true;
}
