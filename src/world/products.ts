// Products: the catalogue built from base products x brands x variants, with consistent prices and launch dates.

import { Rng } from '../random.js';
import { BRANDS } from './dictionaries/brands.js';
import { PRODUCTS as BASE_PRODUCTS } from './dictionaries/products.js';
import type { BrandFact, ProductFact } from './dictionaries/types.js';
import type { Product, Taxability } from './types.js';

/** Pack or tier variants, with their price factor, used when a brand sells the same base product again. */
const VARIANTS: readonly (readonly [string, number])[] = [
  ['', 1],
  ['Value Pack', 1.8],
  ['Premium', 1.35],
  ['Family Size', 1.6],
  ['Twin Pack', 1.9],
  ['Mini', 0.6],
  ['Deluxe', 1.5],
  ['Select', 1.1],
  ['Classic', 1],
  ['Plus', 1.2],
  ['Organic', 1.4],
  ['Essentials', 0.85],
];

const DAY_MS = 86_400_000;
const EARLY_FROM = Date.UTC(2015, 0, 1);
const EARLY_TO = Date.UTC(2023, 5, 30);
const LATE_FROM = Date.UTC(2024, 0, 15);
const LATE_TO = Date.UTC(2025, 11, 31);
/** Share of products launched during the usual history window, so launch dates matter to the simulation. */
const NEW_LAUNCH_SHARE = 0.06;

const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Rounds a price in cents up to the retail ending ...9 (e.g. 3.49), at least 0.49. */
export function charmCents(cents: number): number {
  return Math.max(49, Math.floor(cents / 10) * 10 + 9);
}

function taxabilityOf(base: ProductFact): Taxability {
  if (base.taxable) return 'TAXABLE';
  return base.department === 'Snacks' || base.department === 'Beverages' ? 'REDUCED_RATE' : 'NON_TAXABLE';
}

/** Tax multiplier applied to the store's rate for each taxability. */
export const TAX_MULTIPLIER: Readonly<Record<Taxability, number>> = { TAXABLE: 1, REDUCED_RATE: 0.5, NON_TAXABLE: 0 };

/**
 * Prices in cents with the catalogue's invariants: 50% <= cost/sale_price <= 85%, cost < sale_price <= msrp.
 */
export function priceCents(rng: Rng, listPrice: number): { cost: number; sale: number; msrp: number } {
  const sale = charmCents(Math.round(listPrice * 100));
  const msrp = rng.chance(0.3) ? sale : charmCents(Math.round(sale * rng.range(1.02, 1.3)));
  const lo = Math.ceil(sale * 0.5);
  const hi = Math.min(Math.floor(sale * 0.85), sale - 1);
  const cost = Math.min(hi, Math.max(lo, Math.round(sale * rng.range(0.5, 0.85))));
  return { cost, sale, msrp: Math.max(msrp, sale) };
}

function brandsByCategory(): Map<string, BrandFact[]> {
  const map = new Map<string, BrandFact[]>();
  for (const b of BRANDS) {
    for (const c of b.categories) {
      const list = map.get(c) ?? [];
      list.push(b);
      map.set(c, list);
    }
  }
  return map;
}

export function buildProducts(seed: number, count: number): Product[] {
  const rng = Rng.of(seed, 'products');
  const byCategory = brandsByCategory();
  // A seeded permutation of the base products, so every base is used about equally and in a seed-specific order.
  const order = BASE_PRODUCTS.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const names = new Set<string>();
  const out: Product[] = [];
  for (let i = 0; i < count; i++) {
    const base = BASE_PRODUCTS[order[i % order.length]];
    const round = Math.floor(i / order.length);
    const brands = byCategory.get(base.category) ?? [];
    const brand = brands.length > 0 ? brands[(round + rng.int(0, brands.length - 1)) % brands.length] : undefined;
    const brandName = brand?.brand ?? 'Market Basics';
    const company = brand?.company ?? 'Market Basics Co.';
    let variantIndex = Math.floor(round / Math.max(1, brands.length)) % VARIANTS.length;
    let name = '';
    for (let tries = 0; tries < VARIANTS.length; tries++) {
      const label = VARIANTS[variantIndex][0];
      name = `${brandName} ${base.name}${label ? ` ${label}` : ''}`;
      if (!names.has(name)) break;
      variantIndex = (variantIndex + 1) % VARIANTS.length;
    }
    if (names.has(name)) name = `${name} ${i + 1}`;
    names.add(name);
    const brandFactor = 0.85 + ((brandName.length * 7919) % 41) / 100;
    const { cost, sale, msrp } = priceCents(
      rng,
      base.basePrice * VARIANTS[variantIndex][1] * brandFactor * rng.range(0.92, 1.08),
    );
    const launchedLate = rng.chance(NEW_LAUNCH_SHARE);
    const launch = launchedLate
      ? LATE_FROM + Math.floor(rng.next() * ((LATE_TO - LATE_FROM) / DAY_MS)) * DAY_MS
      : EARLY_FROM + Math.floor(rng.next() * ((EARLY_TO - EARLY_FROM) / DAY_MS)) * DAY_MS;
    const tags = [
      ...(base.seasons.length > 0 ? ['seasonal', ...base.seasons] : []),
      ...(base.refrigerated ? ['cold_chain'] : []),
      ...(launchedLate ? ['new'] : []),
    ];
    out.push({
      id: i + 1,
      sku: `SKU${String(i + 1).padStart(6, '0')}`,
      name,
      brand: brandName,
      company,
      department: base.department,
      category: base.category,
      subcategory: base.subcategory,
      cost: cost / 100,
      sale_price: sale / 100,
      msrp: msrp / 100,
      requires_refrigeration: base.refrigerated,
      taxability: taxabilityOf(base),
      launch_date: dateOf(launch),
      tags: tags.join(','),
    });
  }
  return out;
}
