// The simulator's view of the world: typed arrays per product, store and DC, built once from the master data.

import type { Config } from '../config/schema.js';
import { hashKey, mix32, Rng } from '../random.js';
import type { SeasonTag } from '../world/dictionaries/types.js';
import { distance2 } from '../world/places.js';
import { TAX_MULTIPLIER } from '../world/products.js';
import type { DistributionCenter, Store, Truck, World } from '../world/types.js';
import { dayOf } from './calendar.js';
import type { Zone } from './zones.js';
import { zoneOfDepartment } from './zones.js';

const SEASON_BITS: Readonly<Record<SeasonTag, number>> = {
  christmas: 1,
  halloween: 2,
  thanksgiving: 4,
  back_to_school: 8,
  summer: 16,
  valentines: 32,
  easter: 64,
  winter: 128,
};

export function seasonMask(seasons: Iterable<SeasonTag>): number {
  let m = 0;
  for (const s of seasons) m |= SEASON_BITS[s];
  return m;
}

/** Everything the simulator reads about the world, as flat arrays indexed by id - 1. */
export interface SimContext {
  seed: number;
  config: Config;
  world: World;
  productCount: number;
  priceCents: Int32Array;
  taxMultiplier: Float64Array;
  refrigerated: Uint8Array;
  launchDay: Int32Array;
  seasonMask: Uint8Array;
  /** Relative demand of each product (a long tail: a few best sellers, many slow movers). */
  popularity: Float64Array;
  categoryOf: Int32Array;
  /** Product indexes of each category. */
  productsOfCategory: Int32Array[];
  zoneOf: Zone[];
  categories: string[];
  /** Customers whose home store is each store (index store id - 1). */
  homeCustomers: Int32Array[];
  /** Customers served by each DC's stores (index dc id - 1), for DC-fulfilled online orders. */
  dcCustomers: Int32Array[];
  storeById: (id: number) => Store;
  dcById: (id: number) => DistributionCenter;
  /** The DC fleet (or the pool) for a DC: trucks by refrigeration. */
  trucksFor: (dcId: number, refrigerated: boolean) => readonly Truck[];
  supplierTrucks: (refrigerated: boolean) => readonly Truck[];
  /** Road time between a DC and a store, in minutes. */
  travelMinutes: (dcId: number, storeId: number) => number;
  /** Store reorder point and target level of a product, deterministic per (store, product). */
  storeReorderPoint: (storeId: number, productIndex: number) => number;
  storeTarget: (storeId: number, productIndex: number) => number;
  dcReorderPoint: (dcId: number, productIndex: number) => number;
  dcTarget: (dcId: number, productIndex: number) => number;
  /** Sum of store traffic multipliers, to share network-wide volumes among stores. */
  totalTraffic: number;
}

function range(base: number, n: number, lo: number, hi: number): number {
  return lo + (mix32(base, n) % (hi - lo + 1));
}

export function buildContext(config: Config, world: World): SimContext {
  const { seed, volume } = config;
  const products = world.products;
  const n = products.length;
  const priceCents = new Int32Array(n);
  const taxMultiplier = new Float64Array(n);
  const refrigerated = new Uint8Array(n);
  const launchDay = new Int32Array(n);
  const masks = new Uint8Array(n);
  const popularity = new Float64Array(n);
  const categoryOf = new Int32Array(n);
  const zoneOf: Zone[] = new Array(n);
  const categories: string[] = [];
  const categoryIndex = new Map<string, number>();
  const prng = Rng.of(seed, 'popularity');
  for (let i = 0; i < n; i++) {
    const p = products[i];
    priceCents[i] = Math.round(p.sale_price * 100);
    taxMultiplier[i] = TAX_MULTIPLIER[p.taxability];
    refrigerated[i] = p.requires_refrigeration ? 1 : 0;
    launchDay[i] = dayOf(p.launch_date);
    masks[i] = seasonMask(p.tags.split(',').filter((t) => t in SEASON_BITS) as SeasonTag[]);
    // Zipf-like demand by a random rank; cheap products sell more units.
    const rank = 1 + prng.int(0, n - 1);
    popularity[i] = (1 / rank ** 0.85) * (1 / Math.sqrt(Math.max(0.5, p.sale_price)));
    let c = categoryIndex.get(p.category);
    if (c === undefined) {
      c = categories.length;
      categories.push(p.category);
      categoryIndex.set(p.category, c);
    }
    categoryOf[i] = c;
    zoneOf[i] = zoneOfDepartment(p.department);
  }

  const storeCount = world.stores.length;
  const homeLists: number[][] = Array.from({ length: storeCount }, () => []);
  const dcLists: number[][] = Array.from({ length: world.distributionCenters.length }, () => []);
  const homes = world.customers;
  for (let i = 0; i < homes.count; i++) {
    const s = homes.homeStoreId[i];
    homeLists[s - 1].push(i + 1);
    dcLists[world.stores[s - 1].dc_id - 1].push(i + 1);
  }
  const fleet = new Map<string, Truck[]>();
  for (const t of world.trucks) {
    const key = `${t.fleet === 'SUPPLIER' ? 'S' : (t.dc_id ?? 'P')}-${t.refrigerated ? 1 : 0}`;
    const list = fleet.get(key) ?? [];
    list.push(t);
    fleet.set(key, list);
  }
  const anyKind = (r: boolean) => world.trucks.filter((t) => t.fleet !== 'SUPPLIER' && t.refrigerated === r);
  const rpBase = hashKey(seed, 'store-reorder-point');
  const tgBase = hashKey(seed, 'store-target');
  const dcRpBase = hashKey(seed, 'dc-reorder-point');
  const dcTgBase = hashKey(seed, 'dc-target');
  const storeRp = (storeId: number, p: number) =>
    range(rpBase, storeId * 1_000_003 + p, volume.store_reorder_point_min, volume.store_reorder_point_max);
  const dcRp = (dcId: number, p: number) =>
    range(dcRpBase, dcId * 1_000_003 + p, volume.dc_reorder_point_min, volume.dc_reorder_point_max);

  return {
    seed,
    config,
    world,
    productCount: n,
    priceCents,
    taxMultiplier,
    refrigerated,
    launchDay,
    seasonMask: masks,
    popularity,
    categoryOf,
    productsOfCategory: categories.map((_, c) =>
      Int32Array.from(Array.from(categoryOf.keys()).filter((p) => categoryOf[p] === c)),
    ),
    zoneOf,
    categories,
    homeCustomers: homeLists.map((l) => Int32Array.from(l)),
    dcCustomers: dcLists.map((l) => Int32Array.from(l)),
    storeById: (id) => world.stores[id - 1],
    dcById: (id) => world.distributionCenters[id - 1],
    trucksFor: (dcId, r) => fleet.get(`${dcId}-${r ? 1 : 0}`) ?? fleet.get(`P-${r ? 1 : 0}`) ?? anyKind(r),
    supplierTrucks: (r) => fleet.get(`S-${r ? 1 : 0}`) ?? [],
    travelMinutes: (dcId, storeId) => {
      const dc = world.distributionCenters[dcId - 1];
      const st = world.stores[storeId - 1];
      const km = Math.sqrt(distance2(dc.latitude, dc.longitude, st.latitude, st.longitude)) * 111;
      return Math.round(25 + (km * 1.25) / 1.0);
    },
    storeReorderPoint: storeRp,
    // The shelf target keeps at least twice the reorder point, so one delivery lifts stock well clear of it.
    storeTarget: (storeId, p) =>
      Math.max(
        range(tgBase, storeId * 1_000_003 + p, volume.store_initial_inventory_min, volume.store_initial_inventory_max),
        storeRp(storeId, p) * 2 + 4,
      ),
    dcReorderPoint: dcRp,
    dcTarget: (dcId, p) =>
      Math.max(
        range(dcTgBase, dcId * 1_000_003 + p, volume.dc_initial_inventory_min, volume.dc_initial_inventory_max),
        dcRp(dcId, p) * 2 + 10,
      ),
    totalTraffic: world.stores.reduce((s, st) => s + st.daily_traffic_multiplier, 0),
  };
}
