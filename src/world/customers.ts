// Customers: spread over geographies by weight, each with contact details, a loyalty card (most), BLE and ad ids.

import { Rng, WeightedPicker } from '../random.js';
import { FIRST_NAMES, LAST_NAMES } from './dictionaries/names.js';
import { adIdOf, bleIdOf } from './ids.js';
import { geographyWeights, streetAddress } from './places.js';
import { nearest } from './stores.js';
import type { Customer, Geography, Store } from './types.js';

/** Share of customers who hold a loyalty card. */
export const LOYALTY_SHARE = 0.62;
const BLOCK = 8192;

/** The customers of one block of ids, drawn from that block's own stream (so blocks can be built alone). */
function buildBlock(
  seed: number,
  block: number,
  from: number,
  to: number,
  geos: readonly Geography[],
  picker: WeightedPicker,
  homeStore: ReadonlyMap<number, number>,
  out: Customer[],
): void {
  const rng = Rng.of(seed, 'customers', block);
  for (let id = from; id <= to; id++) {
    const geo = geos[picker.pick(rng)];
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
      home_store_id: homeStore.get(geo.id)!,
    });
  }
}

export function buildCustomers(seed: number, count: number, geos: readonly Geography[], stores: readonly Store[]): Customer[] {
  const picker = new WeightedPicker(geographyWeights(geos, 0.85));
  const homeStore = new Map(geos.map((g) => [g.id, nearest(stores, g.latitude, g.longitude).id]));
  const out: Customer[] = [];
  for (let block = 0; block * BLOCK < count; block++) {
    const from = block * BLOCK + 1;
    buildBlock(seed, block, from, Math.min(count, from + BLOCK - 1), geos, picker, homeStore, out);
  }
  return out;
}
