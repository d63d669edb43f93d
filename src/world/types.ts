// The master data of the retail world: one row type per dimension table (snake_case, as stored in DuckDB).

import type { CustomerHomes } from './customers.js';
import type { Region } from './dictionaries/types.js';

export type Urbanity = 'URBAN' | 'SUBURBAN' | 'RURAL';
export type VolumeClass = 'FLAGSHIP' | 'HIGH' | 'MEDIUM' | 'LOW' | 'KIOSK';
export type StoreFormat = 'HYPERMARKET' | 'SUPERSTORE' | 'STANDARD' | 'NEIGHBORHOOD' | 'EXPRESS';
export type TruckFleet = 'DC' | 'POOL' | 'SUPPLIER';
export type Taxability = 'TAXABLE' | 'NON_TAXABLE' | 'REDUCED_RATE';

export interface Geography {
  id: number;
  city: string;
  state: string;
  zip: string;
  district: string;
  region: Region;
  population: number;
  latitude: number;
  longitude: number;
  urbanity: Urbanity;
  /** Combined state and local sales-tax rate. */
  tax_rate: number;
}

export interface DistributionCenter {
  id: number;
  name: string;
  geography_id: number;
  address: string;
  latitude: number;
  longitude: number;
  capacity_units: number;
}

export interface Store {
  id: number;
  store_number: string;
  name: string;
  geography_id: number;
  /** The DC that replenishes this store (the nearest). */
  dc_id: number;
  address: string;
  latitude: number;
  longitude: number;
  volume_class: VolumeClass;
  format: StoreFormat;
  /** Opening hour, 0-23, local time. */
  open_hour: number;
  /** Closing hour, 1-24; open_hour 0 and close_hour 24 means open all day. */
  close_hour: number;
  daily_traffic_multiplier: number;
  tax_rate: number;
  square_feet: number;
  /** Standard-time offset from UTC in hours (e.g. -5 for Eastern); store hours are local. */
  utc_offset_hours: number;
}

export interface Truck {
  id: number;
  license_plate: string;
  refrigerated: boolean;
  fleet: TruckFleet;
  /** The DC the truck belongs to; null for pool and supplier trucks. */
  dc_id: number | null;
  capacity: number;
}

export interface Customer {
  id: number;
  first_name: string;
  last_name: string;
  address: string;
  geography_id: number;
  loyalty_card: string | null;
  phone: string;
  ble_id: string;
  ad_id: string;
  /** The store nearest to the customer's home, where a loyal customer shops most. */
  home_store_id: number;
}

export interface Product {
  id: number;
  sku: string;
  name: string;
  brand: string;
  company: string;
  department: string;
  category: string;
  subcategory: string;
  cost: number;
  sale_price: number;
  msrp: number;
  requires_refrigeration: boolean;
  taxability: Taxability;
  /** YYYY-MM-DD; the product is not sold before this day. */
  launch_date: string;
  /** Comma-separated tags, e.g. "seasonal,christmas". */
  tags: string;
}

/** The whole world, as generated from the seed and the volume config. */
export interface World {
  seed: number;
  geographies: Geography[];
  distributionCenters: DistributionCenter[];
  stores: Store[];
  trucks: Truck[];
  /** Where each customer lives; the full rows come from customerRows(). */
  customers: CustomerHomes;
  products: Product[];
}
