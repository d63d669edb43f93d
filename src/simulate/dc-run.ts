// The DC-day: shipments out to stores, supplier deliveries in, DC reorders, and online orders shipped from the DC.

import { Rng, WeightedPicker } from '../random.js';
import { utcOffsetOf } from '../world/stores.js';
import type { DistributionCenter } from '../world/types.js';
import { Agenda } from './agenda.js';
import { DAY_MS, dayProfile, localToUtc, ONLINE_HOUR_WEIGHTS, ymdOf } from './calendar.js';
import { dayCatalog } from './catalog.js';
import type { SimContext } from './context.js';
import { receiveShipment } from './deliveries.js';
import { EventBuffer, iso, type SimEvent } from './event-buffer.js';
import { createOnlineOrder, type OrderSite, scheduleOrder } from './online-orders.js';
import type { NodeState, Shipment } from './state.js';
import { addStock, takeStock } from './stock.js';
import { STORE_ONLINE_SHARE } from './store-run.js';

/** The DC's standard-time UTC offset. */
export function dcUtcOffset(ctx: SimContext, dc: DistributionCenter): number {
  return utcOffsetOf(ctx.world.geographies[dc.geography_id - 1].state, dc.longitude);
}

/** Start of a DC's local day in UTC ms. */
export function dcDayStart(ctx: SimContext, dc: DistributionCenter, day: number): number {
  return localToUtc(day, 0, dcUtcOffset(ctx, dc));
}

function shipOut(site: OrderSite, s: Shipment, at: number): void {
  const trace = `TR_${Math.floor(s.departAt / 1000)}_${s.id}`;
  const st = site.state;
  for (const l of s.lines) {
    const p = l.productIndex;
    if (st.stock[p] - st.reserved[p] < l.quantity) {
      // Not enough on hand: the DC reports the stockout and cross-docks an expedited supplier delivery, so the
      // store still gets what it ordered (stores never wait on DC stock, which keeps store-days independent).
      site.buf.add(
        'stockout_detected',
        at,
        {
          dc_id: site.node.id,
          product_id: p + 1,
          last_known_quantity: Math.max(0, st.stock[p]),
          detection_time: iso(at),
        },
        trace,
        s.id,
      );
      addStock(
        site.node,
        p,
        l.quantity - (st.stock[p] - st.reserved[p]) + site.node.reorderPoint(p),
        at,
        'SUPPLIER_DELIVERY',
        `EXP-${s.id}`,
        trace,
      );
    }
    takeStock(site.node, p, l.quantity, at, 'SHIPMENT_OUT', s.id, trace);
  }
}

function orderFromSuppliers(ctx: SimContext, dc: DistributionCenter, site: OrderSite, day: number, rng: Rng): void {
  const st = site.state;
  if (st.ordersToday.length === 0) return;
  const offset = dcUtcOffset(ctx, dc);
  let k = 0;
  for (const refrigerated of [true, false]) {
    const lines = st.ordersToday.filter((l) => (ctx.refrigerated[l.productIndex] === 1) === refrigerated);
    if (lines.length === 0) continue;
    const trucks = ctx.supplierTrucks(refrigerated);
    const departAt = localToUtc(day + 1, 8, offset) + rng.int(0, 240) * 60_000;
    const estimated = Math.round(45 + lines.length * 0.3);
    st.inbound.push({
      id: `SP${dc.id}-${ymdOf(day)}-${++k}`,
      truckId: trucks.length > 0 ? trucks[rng.int(0, trucks.length - 1)].id : 0,
      dcId: dc.id,
      storeId: 0,
      refrigerated,
      departAt,
      arriveAt: departAt + rng.int(6, 30) * 3_600_000,
      estimatedUnloadMin: estimated,
      actualUnloadMin: Math.round(estimated * rng.range(0.8, 1.5)),
      lines,
    });
  }
  st.ordersToday = [];
}

/**
 * Simulates one DC for one local day. `departing` are the store shipments leaving the DC this day.
 * @example const events = simulateDcDay(ctx, ctx.dcById(1), state, day, shipments);
 */
export function simulateDcDay(
  ctx: SimContext,
  dc: DistributionCenter,
  state: NodeState,
  day: number,
  departing: readonly Shipment[],
): SimEvent[] {
  const profile = dayProfile(day);
  const dayStart = dcDayStart(ctx, dc, day);
  const dayEnd = dayStart + DAY_MS;
  const buf = new EventBuffer(`dc_${dc.id}`, `dc${dc.id}`, day);
  const site: OrderSite = {
    ctx,
    buf,
    state,
    ymd: ymdOf(day),
    catalog: dayCatalog(ctx, day, profile),
    nodeType: 'DC',
    taxRate: ctx.world.geographies[dc.geography_id - 1].tax_rate,
    orders: 0,
    nextOpen: (t) => t,
    node: {
      kind: 'dc',
      id: dc.id,
      state,
      buf,
      reorderPoint: (p) => ctx.dcReorderPoint(dc.id, p),
      target: (p) => ctx.dcTarget(dc.id, p),
    },
  };
  const agenda = new Agenda();
  for (const s of departing) {
    const at = Math.max(s.departAt, dayStart);
    agenda.push(at, () => shipOut(site, s, at));
  }
  for (const s of state.inbound)
    if (s.arriveAt < dayEnd)
      agenda.push(Math.max(s.arriveAt, dayStart), () => receiveShipment(site.node, agenda, s, 'SUPPLIER_DELIVERY'));
  for (const o of state.openOrders) scheduleOrder(site, agenda, o);

  const rng = Rng.of(ctx.seed, 'dc-online', dc.id, day);
  const expected =
    (ctx.config.volume.online_orders_per_day * (1 - STORE_ONLINE_SHARE) * profile.online) /
    ctx.world.distributionCenters.length;
  const count = rng.poisson(expected);
  const hours = new WeightedPicker(ONLINE_HOUR_WEIGHTS);
  const customers = ctx.dcCustomers[dc.id - 1];
  const offset = dcUtcOffset(ctx, dc);
  for (let i = 0; i < count; i++) {
    const at = localToUtc(day, hours.pick(rng) + rng.next() * 0.99, offset);
    const customerId =
      customers.length > 0 ? customers[rng.int(0, customers.length - 1)] : rng.int(1, ctx.world.customers.count);
    const orderRng = Rng.of(ctx.seed, 'dc-order', dc.id, day, i);
    agenda.push(at, () => createOnlineOrder(site, agenda, orderRng, at, customerId));
  }
  agenda.runUntil(dayEnd);
  orderFromSuppliers(ctx, dc, site, day, Rng.of(ctx.seed, 'supplier', dc.id, day));
  return buf.finish();
}
