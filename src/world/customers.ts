// Customers: spread over geographies by weight, each with contact details, a loyalty card (most), BLE and ad ids.
// The simulator needs only where customers live, so that is kept compact; full rows are produced block by block.

import { Rng, WeightedPicker } from '../random.js';
import { FIRST_NAMES, LAST_NAMES } from './dictionaries/names.js';
import { adIdOf, bleIdOf } from './ids.js';
import { geographyWeights, streetAddress } from './places.js';
import { nearest } from './stores.js';
import type { Customer, Geography, Store } from './types.js';

/** Share of customers who hold a loyalty card. */
export const LOYALTY_SHARE = 0.62;
/** Customers are drawn in blocks of this many ids, each block from its own random stream. */
export const CUSTOMER_BLOCK = 8192;

/** Where each customer lives: index = customer id - 1. */
export interface CustomerHomes {
  count: number;
  geographyId: Int32Array;
  homeStoreId: Int32Array;
}

export function buildCustomerHomes(
  seed: number,
  count: number,
  geos: readonly Geography[],
  stores: readonly Store[],
): CustomerHomes {
  const picker = new WeightedPicker(geographyWeights(geos, 0.85));
  const storeOfGeo = new Map(geos.map((g) => [g.id, nearest(stores, g.latitude, g.longitude).id]));
  const geographyId = new Int32Array(count);
  const homeStoreId = new Int32Array(count);
  for (let block = 0; block * CUSTOMER_BLOCK < count; block++) {
    const rng = Rng.of(seed, 'customer-homes', block);
    const end = Math.min(count, (block + 1) * CUSTOMER_BLOCK);
    for (let i = block * CUSTOMER_BLOCK; i < end; i++) {
      const g = geos[picker.pick(rng)];
      geographyId[i] = g.id;
      homeStoreId[i] = storeOfGeo.get(g.id)!;
    }
  }
  return { count, geographyId, homeStoreId };
}

/**
 * The full customer rows, one block at a time (so the default 403,000 never sit in memory at once).
 * @example for (const block of customerRows(seed, homes, geos)) append(block);
 */
export function* customerRows(seed: number, homes: CustomerHomes, geos: readonly Geography[]): Generator<Customer[]> {
  const geoById = new Map(geos.map((g) => [g.id, g]));
  for (let block = 0; block * CUSTOMER_BLOCK < homes.count; block++) {
    const rng = Rng.of(seed, 'customer-details', block);
    const end = Math.min(homes.count, (block + 1) * CUSTOMER_BLOCK);
    const out: Customer[] = [];
    for (let i = block * CUSTOMER_BLOCK; i < end; i++) {
      const id = i + 1;
      const geo = geoById.get(homes.geographyId[i])!;
      const area = 200 + rng.int(0, 789);
      out.push({
        id,
        first_name: rng.pick(FIRST_NAMES),
        last_name: rng.pick(LAST_NAMES),
        address: streetAddress(rng, geo),
        geography_id: geo.id,
        loyalty_card: rng.chance(LOYALTY_SHARE) ? `LC${String(rng.int(0, 999_999_999)).padStart(10, '0')}` : null,
        phone: `(${area}) ${rng.int(200, 999)}-${String(rng.int(0, 9999)).padStart(4, '0')}`,
        ble_id: bleIdOf(seed, id),
        ad_id: adIdOf(seed, id),
        home_store_id: homes.homeStoreId[i],
      });
    }
    yield out;
  }
}
