// Builds the whole world from the seed and the volume config; the same inputs always give the same world.

import type { Config } from '../config/schema.js';
import { buildCustomerHomes } from './customers.js';
import { buildDistributionCenters, buildGeographies } from './places.js';
import { buildProducts } from './products.js';
import { buildStores } from './stores.js';
import { buildTrucks } from './trucks.js';
import type { World } from './types.js';

/**
 * Generates the master data.
 * @example const world = buildWorld(loadConfig().config); world.stores.length; // 86
 */
export function buildWorld(config: Pick<Config, 'seed' | 'volume'>): World {
  const { seed, volume } = config;
  const geographies = buildGeographies(seed, volume.total_geographies);
  const distributionCenters = buildDistributionCenters(seed, volume.dcs, geographies);
  const stores = buildStores(seed, volume.stores, geographies, distributionCenters);
  const trucks = buildTrucks(seed, volume, distributionCenters);
  const customers = buildCustomerHomes(seed, volume.total_customers, geographies, stores);
  const products = buildProducts(seed, volume.total_products);
  return { seed, geographies, distributionCenters, stores, trucks, customers, products };
}
