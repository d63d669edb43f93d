// The dimension tables of the world (dim_*) and writing a World into them.

import { customerRows } from '../world/customers.js';
import type { Customer, DistributionCenter, Geography, Product, Store, Truck, World } from '../world/types.js';
import type { Database } from './database.js';
import { appendRows, type ColumnSpec, createTableSql, type TableSpec } from './tables.js';

type Cols<R> = readonly ColumnSpec<R>[];
const int = <R>(name: keyof R & string, nullable = false): ColumnSpec<R> => ({
  name,
  type: 'INTEGER',
  nullable,
  get: (r) => r[name] as number | null,
});
const text = <R>(name: keyof R & string, nullable = false): ColumnSpec<R> => ({
  name,
  type: 'VARCHAR',
  nullable,
  get: (r) => r[name] as string | null,
});
const dbl = <R>(name: keyof R & string): ColumnSpec<R> => ({ name, type: 'DOUBLE', get: (r) => r[name] as number });
const money = <R>(name: keyof R & string): ColumnSpec<R> => ({
  name,
  type: 'DECIMAL(12,2)',
  get: (r) => r[name] as number,
});
const rate = <R>(name: keyof R & string): ColumnSpec<R> => ({
  name,
  type: 'DECIMAL(8,5)',
  get: (r) => r[name] as number,
});
const bool = <R>(name: keyof R & string): ColumnSpec<R> => ({ name, type: 'BOOLEAN', get: (r) => r[name] as boolean });

export const DIM_GEOGRAPHIES: TableSpec<Geography> = {
  name: 'dim_geographies',
  description: 'US cities the world covers, with region, urbanity and combined sales-tax rate.',
  primaryKey: 'id',
  columns: [
    int('id'),
    text('city'),
    text('state'),
    text('zip'),
    text('district'),
    text('region'),
    int('population'),
    dbl('latitude'),
    dbl('longitude'),
    text('urbanity'),
    rate('tax_rate'),
  ] as Cols<Geography>,
};

export const DIM_DISTRIBUTION_CENTERS: TableSpec<DistributionCenter> = {
  name: 'dim_distribution_centers',
  description: 'Distribution centres that replenish stores.',
  primaryKey: 'id',
  columns: [
    int('id'),
    text('name'),
    int('geography_id'),
    text('address'),
    dbl('latitude'),
    dbl('longitude'),
    int('capacity_units'),
  ] as Cols<DistributionCenter>,
};

export const DIM_STORES: TableSpec<Store> = {
  name: 'dim_stores',
  description: 'Stores with their profile (volume class, format, hours, traffic multiplier) and serving DC.',
  primaryKey: 'id',
  columns: [
    int('id'),
    text('store_number'),
    text('name'),
    int('geography_id'),
    int('dc_id'),
    text('address'),
    dbl('latitude'),
    dbl('longitude'),
    text('volume_class'),
    text('format'),
    int('open_hour'),
    int('close_hour'),
    dbl('daily_traffic_multiplier'),
    rate('tax_rate'),
    int('square_feet'),
    int('utc_offset_hours'),
  ] as Cols<Store>,
};

export const DIM_TRUCKS: TableSpec<Truck> = {
  name: 'dim_trucks',
  description: 'Trucks: DC fleet (dc_id set), pool and supplier trucks (dc_id NULL).',
  primaryKey: 'id',
  columns: [
    int('id'),
    text('license_plate'),
    bool('refrigerated'),
    text('fleet'),
    int('dc_id', true),
    int('capacity'),
  ] as Cols<Truck>,
};

export const DIM_CUSTOMERS: TableSpec<Customer> = {
  name: 'dim_customers',
  description: 'Customers with home geography, loyalty card, BLE and advertising ids.',
  primaryKey: 'id',
  columns: [
    int('id'),
    text('first_name'),
    text('last_name'),
    text('address'),
    int('geography_id'),
    text('loyalty_card', true),
    text('phone'),
    text('ble_id'),
    text('ad_id'),
    int('home_store_id'),
  ] as Cols<Customer>,
};

export const DIM_PRODUCTS: TableSpec<Product> = {
  name: 'dim_products',
  description: 'The product catalogue with prices (cost < sale_price <= msrp), taxability and launch date.',
  primaryKey: 'id',
  columns: [
    int('id'),
    text('sku'),
    text('name'),
    text('brand'),
    text('company'),
    text('department'),
    text('category'),
    text('subcategory'),
    money('cost'),
    money('sale_price'),
    money('msrp'),
    bool('requires_refrigeration'),
    text('taxability'),
    { name: 'launch_date', type: 'DATE', get: (r: Product) => r.launch_date },
    text('tags'),
  ] as Cols<Product>,
};

/** Every dimension table, in dependency order. */
export const DIM_TABLES = [
  DIM_GEOGRAPHIES,
  DIM_DISTRIBUTION_CENTERS,
  DIM_STORES,
  DIM_TRUCKS,
  DIM_CUSTOMERS,
  DIM_PRODUCTS,
] as const;

/** Rows of the world for each dim table (customers as a stream of blocks). */
function rowsOf(world: World): Record<string, Iterable<unknown>> {
  return {
    dim_geographies: world.geographies,
    dim_distribution_centers: world.distributionCenters,
    dim_stores: world.stores,
    dim_trucks: world.trucks,
    dim_customers: (function* () {
      for (const block of customerRows(world.seed, world.customers, world.geographies)) yield* block;
    })(),
    dim_products: world.products,
  };
}

/** Total rows of the world across the dim tables. */
export function worldRowCount(world: World): number {
  return (
    world.geographies.length +
    world.distributionCenters.length +
    world.stores.length +
    world.trucks.length +
    world.customers.count +
    world.products.length
  );
}

/**
 * Replaces the dim tables with the given world. Call inside a transaction so that a failure leaves the old world.
 */
export async function writeWorldTables(
  db: Database,
  world: World,
  onProgress?: (rowsDone: number) => void,
): Promise<Record<string, number>> {
  const rows = rowsOf(world);
  const counts: Record<string, number> = {};
  let before = 0;
  for (const spec of DIM_TABLES) {
    await db.run(`DROP TABLE IF EXISTS ${spec.name}`);
    await db.run(createTableSql(spec as TableSpec<never>));
    const n = await appendRows(db, spec as TableSpec<unknown>, rows[spec.name], (done) => onProgress?.(before + done));
    counts[spec.name] = n;
    before += n;
  }
  return counts;
}
