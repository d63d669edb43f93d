// One customer's trip through a store: entering, moving between zones (BLE pings), the receipt, promotions,
// payment (a few declined, then paid another way), and the stock it takes.

import { DECLINE_REASONS, type TenderType } from '../events/types.js';
import { mix32, type Rng } from '../random.js';
import { type Campaign, discountedCents, firstImpressionAt, isTargeted, REDEEM_CHANCE } from './campaigns.js';
import { dollars, iso } from './event-buffer.js';
import { available } from './state.js';
import { takeStock } from './stock.js';
import type { StoreRun } from './store-run.js';
import type { Zone } from './zones.js';

/** Share of shoppers whose phone app is seen by the store's BLE beacons. */
export const BLE_SHARE = 0.45;
/** Share of card payments declined at first. */
export const DECLINE_SHARE = 0.025;

const TENDERS: readonly [TenderType, number][] = [
  ['CREDIT_CARD', 0.45],
  ['DEBIT_CARD', 0.25],
  ['CASH', 0.15],
  ['MOBILE_PAY', 0.1],
  ['GIFT_CARD', 0.03],
  ['CHECK', 0.02],
];

export function pickTender(rng: Rng, exclude?: TenderType): TenderType {
  for (;;) {
    let x = rng.next();
    for (const [t, w] of TENDERS) {
      x -= w;
      if (x < 0) {
        if (t !== exclude) return t;
        break;
      }
    }
    if (exclude === undefined) return 'CREDIT_CARD';
  }
}

export interface Visit {
  arriveAt: number;
  checkoutAt: number;
  basketSize: number;
}

interface Line {
  p: number;
  qty: number;
  unitCents: number;
  campaign?: Campaign;
}

function quantity(rng: Rng): number {
  const x = rng.next();
  return x < 0.82 ? 1 : x < 0.95 ? 2 : x < 0.99 ? 3 : 4;
}

/** The products of a basket: popular and in-season ones most often; out-of-stock picks are skipped. */
function fillBasket(run: StoreRun, rng: Rng, size: number): Line[] {
  const lines: Line[] = [];
  for (let i = 0; i < size; i++) {
    let p = -1;
    let line: Line | undefined;
    for (let tries = 0; tries < 4; tries++) {
      const candidate = run.catalog.pick(rng);
      // A basket holds a few lines: a scan is cheaper than a map.
      line = undefined;
      for (let k = 0; k < lines.length; k++) {
        if (lines[k].p === candidate) {
          line = lines[k];
          break;
        }
      }
      if (available(run.state, candidate) > (line?.qty ?? 0)) {
        p = candidate;
        break;
      }
    }
    if (p < 0) continue;
    const left = available(run.state, p) - (line?.qty ?? 0);
    const qty = Math.min(quantity(rng), left);
    if (line) line.qty += qty;
    else lines.push({ p, qty, unitCents: run.ctx.priceCents[p], campaign: undefined });
  }
  return lines;
}

/** Share of reached customers whose trip includes a product of the campaign (the ad brought them in). */
export const AD_PULL = 0.5;

/** Adds a promoted product for customers an active campaign has reached before they came in. */
function addPromotedProducts(run: StoreRun, rng: Rng, customerId: number, lines: Line[], at: number): void {
  for (const c of run.campaigns) {
    if (!isTargeted(c, customerId) || firstImpressionAt(c, customerId) >= at || !rng.chance(AD_PULL)) continue;
    const cats = [...c.categories];
    const list = run.ctx.productsOfCategory[cats[rng.int(0, cats.length - 1)]];
    if (list.length === 0) continue;
    const p = list[rng.int(0, list.length - 1)];
    if (run.ctx.launchDay[p] > run.day || available(run.state, p) <= 0 || lines.some((l) => l.p === p)) continue;
    lines.push({ p, qty: 1, unitCents: run.ctx.priceCents[p], campaign: undefined });
  }
}

/** Applies the campaigns the customer was reached by to the lines of their products. */
function applyPromotions(run: StoreRun, rng: Rng, customerId: number, lines: Line[], at: number): void {
  for (const c of run.campaigns) {
    if (!isTargeted(c, customerId) || firstImpressionAt(c, customerId) >= at) continue;
    const eligible = lines.filter((l) => l.campaign === undefined && c.categories.has(run.ctx.categoryOf[l.p]));
    if (eligible.length === 0 || !rng.chance(REDEEM_CHANCE)) continue;
    for (const l of eligible) {
      if (c.discountType === 'BOGO') {
        if (l.qty < 2 && available(run.state, l.p) >= 2) l.qty = 2;
        if (l.qty < 2) continue;
      }
      l.unitCents = discountedCents(c, run.ctx.priceCents[l.p]);
      l.campaign = c;
    }
  }
}

/** Zones visited, in walking order: the entrance, the basket's zones, the checkout. */
function pathOf(run: StoreRun, lines: readonly Line[]): Zone[] {
  const zones: Zone[] = ['ENTRANCE'];
  for (const l of lines) {
    const z = run.ctx.zoneOf[l.p];
    if (!zones.includes(z)) zones.push(z);
  }
  zones.push('CHECKOUT');
  return zones;
}

/** Plays one visit; `customerId` shops, and the receipt is rung up at `visit.checkoutAt`. */
export function shop(run: StoreRun, rng: Rng, customerId: number, visit: Visit): void {
  const { buf, store, ctx } = run;
  const storeId = store.id;
  let lines = fillBasket(run, rng, visit.basketSize);
  addPromotedProducts(run, rng, customerId, lines, visit.arriveAt);
  const trace = buf.trace(visit.arriveAt);
  const party = rng.chance(0.7) ? 1 : rng.chance(0.75) ? 2 : rng.int(3, 4);
  buf.add(
    'customer_entered',
    visit.arriveAt,
    {
      store_id: storeId,
      sensor_id: `S${storeId}-ENT-${rng.int(1, 2)}`,
      zone: 'ENTRANCE',
      customer_count: party,
      dwell_time: Math.round((visit.checkoutAt - visit.arriveAt) / 1000),
    },
    trace,
  );
  applyPromotions(run, rng, customerId, lines, visit.checkoutAt);
  const path = pathOf(run, lines);
  const tracked = mix32(run.bleBase, customerId) / 4294967296 < BLE_SHARE;
  const bleId = tracked ? run.bleIdOf(customerId) : '';
  const step = (visit.checkoutAt - visit.arriveAt) / path.length;
  for (let z = 0; z < path.length; z++) {
    const at = Math.round(visit.arriveAt + z * step);
    if (z > 0 && tracked) {
      buf.add(
        'customer_zone_changed',
        at,
        { store_id: storeId, customer_ble_id: bleId, from_zone: path[z - 1], to_zone: path[z], timestamp: iso(at) },
        trace,
      );
    }
    if (tracked) {
      const pings = rng.int(1, 2);
      for (let k = 0; k < pings; k++) {
        buf.add(
          'ble_ping_detected',
          at + Math.round(rng.next() * step * 0.9),
          {
            store_id: storeId,
            beacon_id: `B${storeId}-${path[z]}-${rng.int(1, 3)}`,
            customer_ble_id: bleId,
            rssi: -rng.int(38, 96),
            zone: path[z],
          },
          trace,
        );
      }
    }
  }
  lines = lines.filter((l) => l.qty > 0);
  if (lines.length === 0) return;

  const at = visit.checkoutAt;
  const receiptId = `R${storeId}-${run.ymd}-${++run.receipts}`;
  let subtotal = 0;
  let taxBase = 0;
  let items = 0;
  for (const l of lines) {
    const ext = l.unitCents * l.qty;
    subtotal += ext;
    taxBase += ext * ctx.taxMultiplier[l.p];
    items += l.qty;
  }
  const tax = Math.round(taxBase * store.tax_rate);
  const total = subtotal + tax;
  const campaign = lines.find((l) => l.campaign)?.campaign;
  const tender = pickTender(rng);
  const declined = tender !== 'CASH' && rng.chance(DECLINE_SHARE);
  const paidWith = declined ? pickTender(rng, tender) : tender;
  buf.add(
    'receipt_created',
    at,
    {
      store_id: storeId,
      customer_id: customerId,
      receipt_id: receiptId,
      subtotal: dollars(subtotal),
      tax: dollars(tax),
      total: dollars(total),
      tender_type: paidWith,
      item_count: items,
      // Optional fields are set to undefined rather than spread in: one shape per payload type, and JSON leaves
      // them out all the same.
      campaign_id: campaign?.id,
    },
    trace,
    receiptId,
  );
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    buf.add(
      'receipt_line_added',
      at,
      {
        receipt_id: receiptId,
        store_id: storeId,
        line_number: i + 1,
        product_id: l.p + 1,
        quantity: l.qty,
        unit_price: dollars(l.unitCents),
        extended_price: dollars(l.unitCents * l.qty),
        promo_code: l.campaign?.promoCode,
      },
      trace,
      receiptId,
    );
  }
  for (const c of new Set(lines.map((l) => l.campaign).filter((x) => x !== undefined))) {
    const promoted = lines.filter((l) => l.campaign === c);
    const discount = promoted.reduce((s, l) => s + (ctx.priceCents[l.p] - l.unitCents) * l.qty, 0);
    buf.add(
      'promotion_applied',
      at,
      {
        receipt_id: receiptId,
        promo_code: c.promoCode,
        discount_amount: dollars(discount),
        discount_cents: discount,
        discount_type: c.discountType,
        product_count: promoted.length,
        product_ids: promoted.map((l) => l.p + 1),
        store_id: storeId,
        customer_id: customerId,
        campaign_id: c.id,
      },
      trace,
      receiptId,
    );
  }
  let payAt = at + rng.int(400, 2500);
  if (declined) {
    buf.add(
      'payment_processed',
      payAt,
      payment(run, receiptId, customerId, tender, total, payAt, rng, rng.pick(DECLINE_REASONS)),
      trace,
      receiptId,
    );
    payAt += rng.int(5000, 25000);
  }
  buf.add(
    'payment_processed',
    payAt,
    payment(run, receiptId, customerId, paidWith, total, payAt, rng),
    trace,
    receiptId,
  );
  // The goods leave the shelf when the payment goes through; until then they are held for this customer.
  for (const l of lines) run.state.reserved[l.p] += l.qty;
  run.agenda.push(payAt, () => {
    for (const l of lines) {
      run.state.reserved[l.p] -= l.qty;
      takeStock(run.node, l.p, l.qty, payAt, 'SALE', receiptId, trace);
    }
  });
}

function payment(
  run: StoreRun,
  receiptId: string,
  customerId: number,
  method: TenderType,
  totalCents: number,
  at: number,
  rng: Rng,
  declineReason?: (typeof DECLINE_REASONS)[number],
): Record<string, unknown> {
  return {
    receipt_id: receiptId,
    payment_method: method,
    amount: dollars(totalCents),
    amount_cents: totalCents,
    transaction_id: `TX${run.store.id}-${run.ymd}-${++run.transactions}`,
    processing_time: iso(at),
    processing_time_ms: method === 'CASH' ? rng.int(50, 400) : rng.int(300, 2500),
    status: declineReason ? 'DECLINED' : 'APPROVED',
    decline_reason: declineReason,
    store_id: run.store.id,
    customer_id: customerId,
  };
}
