// Types of the fact dictionaries the world is built from (real US places, products, brands, names, tax rates).

export type Region = 'Northeast' | 'Southeast' | 'Midwest' | 'Southwest' | 'West';

/** A real US city. `district` is a sales district name within the region (e.g. "New England", "Gulf Coast"). */
export interface CityFact {
  city: string;
  state: string; // two-letter USPS code
  zip: string; // five digits, a real ZIP of that city
  district: string;
  region: Region;
  population: number; // approximate city population
  lat: number;
  lon: number;
}

/** Seasonal tags the simulator's calendar acts on. */
export type SeasonTag =
  | 'christmas'
  | 'halloween'
  | 'thanksgiving'
  | 'back_to_school'
  | 'summer'
  | 'valentines'
  | 'easter'
  | 'winter';

export interface ProductFact {
  name: string; // generic product name without brand, e.g. "Whole Milk 1 gal"
  department: string;
  category: string;
  subcategory: string;
  basePrice: number; // typical shelf price in USD
  refrigerated: boolean; // needs cold chain (dairy, meat, frozen...)
  taxable: boolean; // groceries are mostly non-taxable, general merchandise taxable
  seasons: SeasonTag[]; // empty for everyday products
}

export interface BrandFact {
  brand: string;
  company: string;
  categories: string[]; // category names from ProductFact.category this brand sells in
}

export interface StateTax {
  state: string;
  rate: number; // state sales tax rate, e.g. 0.0725
}

export interface CityTax {
  city: string;
  state: string;
  rate: number; // local add-on rate for the city, e.g. 0.0225
}
