// The store-day: opening and closing, customer visits, online orders picked in store, deliveries and the
// reorders that become tomorrow's shipments. Everything here depends only on the store's own state.

import { hashKey, Rng, WeightedPicker } from '../random.js';
import { bleIdOf } from '../world/ids.js';
import type { Store } from '../world/types.js';
import { Agenda } from './agenda.js';
import { DAY_MS, dayProfile, HOUR_MS, HOUR_WEIGHTS, localToUtc, ONLINE_HOUR_WEIGHTS, ymdOf } from './calendar.js';
import { activeCampaigns, type Campaign } from './campaigns.js';
import { dayCatalog } from './catalog.js';
import type { SimContext } from './context.js';
import { receiveShipment } from './deliveries.js';
import { EventBuffer, iso, type SimEvent } from './event-buffer.js';
import { createOnlineOrder, type OrderSite, scheduleOrder } from './online-orders.js';
import { shop, type Visit } from './shopping-trip.js';
import { initialStoreState, type NodeState, type Shipment } from './state.js';

/** Basket size relative to items_per_ticket_mean, by store format. */
export const BASKET_FACTOR = {
  HYPERMARKET: 1.5,
  SUPERSTORE: 1.2,
  STANDARD: 1.0,
  NEIGHBORHOOD: 0.75,
  EXPRESS: 0.35,
} as const;
/** Share of a store's visits made by customers who live near it. */
export const LOYAL_SHARE = 0.8;
/** Share of online orders fulfilled by stores (the rest by DCs). */
export const STORE_ONLINE_SHARE = 0.6;

export interface StoreRun extends OrderSite {
  store: Store;
  agenda: Agenda;
  day: number;
  campaigns: Campaign[];
  bleBase: number;
  bleIdOf: (customerId: number) => string;
  receipts: number;
  transactions: number;
  /** Opening hours of this day in UTC ms, or null when the store stays closed. */
  openAt: number | null;
  closeAt: number | null;
}

export interface StoreDayResult {
  events: SimEvent[];
  /** Shipments the store's reorders of this day became (the DC ships them tomorrow). */
  shipments: Shipment[];
}

/** The next time at or after `t` when the store is open (scans ahead day by day). */
export function nextOpenTime(store: Store, t: number): number {
  if (store.open_hour === 0 && store.close_hour === 24) return t;
  const localDay = Math.floor((t + store.utc_offset_hours * HOUR_MS) / DAY_MS);
  for (let d = localDay; d < localDay + 4; d++) {
    if (dayProfile(d).closed) continue;
    const open = localToUtc(d, store.open_hour, store.utc_offset_hours);
    const close = localToUtc(d, store.close_hour, store.utc_offset_hours);
    if (t < open) return open;
    if (t < close) return t;
  }
  return t;
}

/** Turns the day's reorders into shipments leaving the DC early the next morning (cold goods on their own truck). */
function shipReorders(run: StoreRun, rng: Rng): Shipment[] {
  const { ctx, store, state } = run;
  if (state.ordersToday.length === 0) return [];
  const out: Shipment[] = [];
  for (const refrigerated of [true, false]) {
    const lines = state.ordersToday.filter((l) => (ctx.refrigerated[l.productIndex] === 1) === refrigerated);
    if (lines.length === 0) continue;
    const trucks = ctx.trucksFor(store.dc_id, refrigerated);
    const departAt = localToUtc(run.day + 1, 5, store.utc_offset_hours) + rng.int(0, 90) * 60_000;
    const estimated = Math.round(20 + lines.length * 0.4);
    const s: Shipment = {
      id: `SH${store.id}-${run.ymd}-${out.length + 1}`,
      truckId: trucks[rng.int(0, trucks.length - 1)].id,
      dcId: store.dc_id,
      storeId: store.id,
      refrigerated,
      departAt,
      arriveAt: departAt + ctx.travelMinutes(store.dc_id, store.id) * 60_000,
      estimatedUnloadMin: estimated,
      actualUnloadMin: Math.round(estimated * rng.range(0.8, 1.4)),
      lines,
    };
    out.push(s);
  }
  state.ordersToday = [];
  state.inbound.push(...out);
  return out;
}

/**
 * Simulates one store for one local day, from its state at the start of the day (which it updates).
 * @example const { events } = simulateStoreDay(ctx, ctx.storeById(1), state, day);
 */
export function simulateStoreDay(ctx: SimContext, store: Store, state: NodeState, day: number): StoreDayResult {
  const profile = dayProfile(day);
  const allDay = store.open_hour === 0 && store.close_hour === 24;
  const closed = profile.closed && !allDay;
  const dayStart = localToUtc(day, 0, store.utc_offset_hours);
  const dayEnd = dayStart + DAY_MS;
  const buf = new EventBuffer(`store_${store.id}`, `st${store.id}`, day);
  const agenda = new Agenda();
  const run: StoreRun = {
    ctx,
    store,
    agenda,
    day,
    ymd: ymdOf(day),
    state,
    buf,
    node: {
      kind: 'store',
      id: store.id,
      state,
      buf,
      reorderPoint: (p) => ctx.storeReorderPoint(store.id, p),
      target: (p) => ctx.storeTarget(store.id, p),
    },
    catalog: dayCatalog(ctx, day, profile),
    campaigns: activeCampaigns(ctx, day),
    bleBase: hashKey(ctx.seed, 'ble-tracked'),
    bleIdOf: (c) => bleIdOf(ctx.seed, c),
    receipts: 0,
    transactions: 0,
    orders: 0,
    nodeType: 'STORE',
    taxRate: store.tax_rate,
    nextOpen: (t) => nextOpenTime(store, t),
    openAt: closed ? null : localToUtc(day, store.open_hour, store.utc_offset_hours),
    closeAt: closed ? null : localToUtc(day, store.close_hour, store.utc_offset_hours),
  };

  for (const s of state.inbound)
    if (s.arriveAt < dayEnd)
      agenda.push(Math.max(s.arriveAt, dayStart), () => receiveShipment(run.node, agenda, s, 'RESTOCK'));
  for (const o of state.openOrders) scheduleOrder(run, agenda, o);

  if (run.openAt !== null && run.closeAt !== null && !allDay) {
    const openAt = run.openAt;
    const closeAt = run.closeAt;
    agenda.push(openAt, () =>
      buf.add(
        'store_opened',
        openAt,
        { store_id: store.id, operation_time: iso(openAt), operation_type: 'OPENED' },
        buf.trace(openAt),
      ),
    );
    agenda.push(closeAt - 1, () =>
      buf.add(
        'store_closed',
        closeAt - 1,
        { store_id: store.id, operation_time: iso(closeAt - 1), operation_type: 'CLOSED' },
        buf.trace(closeAt),
      ),
    );
  }

  const visitRng = Rng.of(ctx.seed, 'visits', store.id, day);
  if (run.openAt !== null && run.closeAt !== null) {
    const hours = HOUR_WEIGHTS.map((w, h) => (h >= store.open_hour && h < store.close_hour ? w : 0));
    const hourPicker = new WeightedPicker(hours);
    const expected = ctx.config.volume.customers_per_day * store.daily_traffic_multiplier * profile.traffic;
    const count = visitRng.poisson(expected);
    const meanItems = ctx.config.volume.items_per_ticket_mean * BASKET_FACTOR[store.format];
    const home = ctx.homeCustomers[store.id - 1];
    const customers = ctx.world.customers.count;

    for (let i = 0; i < count; i++) {
      const hour = hourPicker.pick(visitRng);
      const arriveAt = localToUtc(day, hour + visitRng.next() * 0.95, store.utc_offset_hours);
      const basketSize = 1 + visitRng.poisson(Math.max(0, meanItems - 1));
      const minutes = (6 + 1.6 * basketSize + visitRng.range(0, 6)) * (store.format === 'EXPRESS' ? 0.6 : 1);
      const checkoutAt = Math.min(arriveAt + Math.round(minutes * 60_000), run.closeAt - 60_000);
      const customerId =
        home.length > 0 && visitRng.chance(LOYAL_SHARE)
          ? home[visitRng.int(0, home.length - 1)]
          : visitRng.int(1, customers);
      const visit: Visit = { arriveAt: Math.min(arriveAt, checkoutAt - 60_000), checkoutAt, basketSize };
      const tripRng = Rng.of(ctx.seed, 'trip', store.id, day, i);
      agenda.push(checkoutAt, () => shop(run, tripRng, customerId, visit));
    }
  }

  const onlineRng = Rng.of(ctx.seed, 'store-online', store.id, day);
  const online =
    ctx.config.volume.online_orders_per_day *
    STORE_ONLINE_SHARE *
    (store.daily_traffic_multiplier / ctx.totalTraffic) *
    profile.online;
  const orderCount = onlineRng.poisson(online);
  const onlineHours = new WeightedPicker(ONLINE_HOUR_WEIGHTS);
  const home = ctx.homeCustomers[store.id - 1];
  for (let i = 0; i < orderCount; i++) {
    const at = localToUtc(day, onlineHours.pick(onlineRng) + onlineRng.next() * 0.99, store.utc_offset_hours);
    const customerId =
      home.length > 0 ? home[onlineRng.int(0, home.length - 1)] : onlineRng.int(1, ctx.world.customers.count);
    const orderRng = Rng.of(ctx.seed, 'store-order', store.id, day, i);
    agenda.push(at, () => createOnlineOrder(run, agenda, orderRng, at, customerId));
  }

  agenda.runUntil(dayEnd);
  const shipments = shipReorders(run, Rng.of(ctx.seed, 'ship', store.id, day));
  return { events: buf.finish(), shipments };
}

/**
 * One store-day generated alone: the store is replayed on its own from `startDay` (no other store, DC or
 * marketing is simulated), and gives exactly the events of that store-day in a full run.
 */
export function simulateStoreDayAlone(ctx: SimContext, storeId: number, startDay: number, day: number): SimEvent[] {
  const store = ctx.storeById(storeId);
  const state = initialStoreState(ctx, storeId);
  let events: SimEvent[] = [];
  for (let d = startDay; d <= day; d++) events = simulateStoreDay(ctx, store, state, d).events;
  return events;
}
