// The simulator: advances the world day by day over a set of DC groups (a shard), unit by unit, and keeps the
// state that crosses days. History, the live stream and replays all come from here.

import { DatagenError } from '../errors.js';
import type { SimContext } from './context.js';
import { dcDayStart, simulateDcDay } from './dc-run.js';
import type { SimEvent } from './event-buffer.js';
import { simulateMarketingDay } from './marketing-run.js';
import {
  initialDcState,
  initialStoreState,
  type NodeState,
  type Shipment,
  snapshotOf,
  stateFromSnapshot,
} from './state.js';
import { BASKET_FACTOR, simulateStoreDay } from './store-run.js';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** Parses `k/n` (e.g. `2/4`). */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new DatagenError(
      'CLI_USAGE',
      `--shard: expected k/n with 1 <= k <= n, e.g. 1/4; got ${JSON.stringify(text)}`,
    );
  }
  return { index, count };
}

/** The events of one simulated day, unit by unit (each unit's events in time order). */
export interface SimDay {
  day: number;
  units: SimEvent[][];
}

/** A further split of a shard among worker threads: DC groups dealt by their load (partDcIds); marketing goes to part 1. */
export interface Part {
  index: number;
  count: number;
}

/**
 * Events a DC group makes on an ordinary day, estimated from its stores: visits times the events of a visit (6.4
 * and 2.16 per item, fitted on the default world's store-days by format), plus the DC's own (~400). Only relative
 * sizes matter: they balance the parts.
 */
function dcGroupLoad(ctx: SimContext, dcId: number): number {
  const v = ctx.config.volume;
  let load = 400;
  for (const s of ctx.world.stores) {
    if (s.dc_id !== dcId) continue;
    load +=
      v.customers_per_day *
      s.daily_traffic_multiplier *
      (6.4 + 2.16 * v.items_per_ticket_mean * BASKET_FACTOR[s.format]);
  }
  return load;
}

/**
 * The DCs of a part: the shard's DC groups dealt largest first to the part with the least load so far, part 1
 * starting with the marketing day's. Dealt round-robin instead, the default world's two parts made 77% and 23% of
 * the events (its DCs' store counts go from 0 to 16), and the stream ran at the speed of the larger. Which part
 * simulates a DC changes nothing in the events: the parts are merged in (event_ts, event_id) order.
 * @example partDcIds(ctx, [1, 2, 3], { index: 1, count: 2 })
 */
export function partDcIds(ctx: SimContext, dcIds: readonly number[], part: Part): number[] {
  if (part.count === 1) return [...dcIds];
  const loads = new Array<number>(part.count).fill(0);
  loads[0] = ctx.config.volume.marketing_impressions_per_day;
  const owner = new Map<number, number>();
  const bySize = dcIds.map((id) => ({ id, load: dcGroupLoad(ctx, id) })).sort((a, b) => b.load - a.load || a.id - b.id);
  for (const { id, load } of bySize) {
    let least = 0;
    for (let k = 1; k < part.count; k++) if (loads[k] < loads[least]) least = k;
    loads[least] += load;
    owner.set(id, least);
  }
  return dcIds.filter((id) => owner.get(id) === part.index - 1);
}

export interface SimSnapshot {
  /** The next day to simulate. */
  day: number;
  stores: Record<string, string>;
  dcs: Record<string, string>;
  /** Store shipments created but not yet out of their DC. */
  departing: Record<string, Shipment[]>;
}

/**
 * A shard of the world in simulation. Shards split the DCs (with their stores and the customers living near
 * them), so each shard is self-contained and the union of all shards is the whole world.
 * @example const sim = new Simulator(ctx, dayOf('2024-01-01')); const { units } = sim.runDay();
 */
export class Simulator {
  readonly dcIds: number[];
  readonly storeIds: number[];
  private readonly stores = new Map<number, NodeState>();
  private readonly dcs = new Map<number, NodeState>();
  private readonly departing = new Map<number, Shipment[]>();
  private readonly inShard: Uint8Array;
  day: number;

  constructor(
    readonly ctx: SimContext,
    startDay: number,
    readonly shard: Shard = { index: 1, count: 1 },
    snapshot?: SimSnapshot,
    readonly part: Part = { index: 1, count: 1 },
  ) {
    const w = ctx.world;
    const shardDcs = w.distributionCenters
      .filter((dc) => (dc.id - 1) % shard.count === shard.index - 1)
      .map((dc) => dc.id);
    // Customers (for marketing) belong to the whole shard, whichever part simulates their stores.
    const shardDcSet = new Set(shardDcs);
    this.inShard = new Uint8Array(w.stores.length + 1);
    for (const s of w.stores) if (shardDcSet.has(s.dc_id)) this.inShard[s.id] = 1;
    this.dcIds = partDcIds(ctx, shardDcs, part);
    const dcSet = new Set(this.dcIds);
    this.storeIds = w.stores.filter((s) => dcSet.has(s.dc_id)).map((s) => s.id);
    this.day = snapshot?.day ?? startDay;
    for (const id of this.storeIds) {
      const s = snapshot?.stores[id];
      this.stores.set(id, s ? stateFromSnapshot(s) : initialStoreState(ctx, id));
    }
    for (const id of this.dcIds) {
      const s = snapshot?.dcs[id];
      this.dcs.set(id, s ? stateFromSnapshot(s) : initialDcState(ctx, id));
      this.departing.set(id, snapshot?.departing[id] ?? []);
    }
  }

  /** True when the customer's home store belongs to this shard. */
  ownsCustomer(customerId: number): boolean {
    return this.inShard[this.ctx.world.customers.homeStoreId[customerId - 1]] === 1;
  }

  /** Simulates the next day and returns its events. */
  runDay(): SimDay {
    const units: SimEvent[][] = [];
    const day = this.day;
    this.streamDay((events) => units.push(events));
    return { day, units };
  }

  /**
   * Simulates the next day, handing each unit's events to `onUnit` as soon as the unit is done, so that no more
   * than one unit's events are held (the history writes them straight away).
   */
  streamDay(onUnit: (events: SimEvent[]) => void): number {
    const day = this.day;
    for (const id of this.storeIds) {
      const store = this.ctx.storeById(id);
      const r = simulateStoreDay(this.ctx, store, this.stores.get(id)!, day);
      onUnit(r.events);
      this.departing.get(store.dc_id)!.push(...r.shipments);
    }
    for (const id of this.dcIds) {
      const dc = this.ctx.dcById(id);
      const end = dcDayStart(this.ctx, dc, day + 1);
      const queue = this.departing.get(id)!;
      this.departing.set(
        id,
        queue.filter((s) => s.departAt >= end),
      );
      onUnit(
        simulateDcDay(
          this.ctx,
          dc,
          this.dcs.get(id)!,
          day,
          queue.filter((s) => s.departAt < end),
        ),
      );
    }
    if (this.part.index === 1) {
      const keepAll = this.shard.count === 1;
      onUnit(simulateMarketingDay(this.ctx, day, keepAll ? undefined : (c) => this.ownsCustomer(c)));
    }
    this.day = day + 1;
    return day;
  }

  /** Combines the snapshots of the parts of a shard into the shard's snapshot. */
  static mergeSnapshots(parts: readonly SimSnapshot[]): SimSnapshot {
    const out: SimSnapshot = { day: parts[0].day, stores: {}, dcs: {}, departing: {} };
    for (const p of parts) {
      if (p.day !== out.day)
        throw new DatagenError('INTERNAL', `parts of a shard disagree on the next day (${p.day} vs ${out.day})`);
      Object.assign(out.stores, p.stores);
      Object.assign(out.dcs, p.dcs);
      Object.assign(out.departing, p.departing);
    }
    return out;
  }

  /** The state to resume from (before `this.day`). */
  snapshot(): SimSnapshot {
    const stores: Record<string, string> = {};
    const dcs: Record<string, string> = {};
    const departing: Record<string, Shipment[]> = {};
    for (const [id, s] of this.stores) stores[id] = snapshotOf(s);
    for (const [id, s] of this.dcs) dcs[id] = snapshotOf(s);
    for (const [id, q] of this.departing) departing[id] = q;
    return { day: this.day, stores, dcs, departing };
  }
}
