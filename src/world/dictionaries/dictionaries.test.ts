// Consistency tests for the fact dictionaries (cities, products, brands, names, tax rates).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BRANDS } from './brands.js';
import { CITIES } from './cities.js';
import { FIRST_NAMES, LAST_NAMES, STREET_NAMES, STREET_SUFFIXES } from './names.js';
import { PRODUCTS } from './products.js';
import { CITY_TAX, STATE_TAX } from './tax-rates.js';
import type { Region, SeasonTag } from './types.js';

const REGIONS: readonly Region[] = ['Northeast', 'Southeast', 'Midwest', 'Southwest', 'West'];
const SEASONS: readonly SeasonTag[] = [
  'christmas',
  'halloween',
  'thanksgiving',
  'back_to_school',
  'summer',
  'valentines',
  'easter',
  'winter',
];

const cityKey = (city: string, state: string): string => `${city}|${state}`;

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const dups = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) dups.add(v);
    seen.add(v);
  }
  return [...dups];
}

/** Continental US, Alaska or Hawaii. */
function inUsBounds(lat: number, lon: number): boolean {
  const continental = lat >= 24 && lat <= 50 && lon >= -125 && lon <= -66;
  const alaska = lat >= 51 && lat <= 72 && lon >= -180 && lon <= -129;
  const hawaii = lat >= 18 && lat <= 23 && lon >= -161 && lon <= -154;
  return continental || alaska || hawaii;
}

test('the city list has at least 520 cities', () => {
  assert.ok(CITIES.length >= 520, `only ${CITIES.length} cities`);
});

test('no city appears twice in the same state', () => {
  assert.deepEqual(duplicates(CITIES.map((c) => cityKey(c.city, c.state))), []);
});

test('cities cover at least 30 states and all five regions', () => {
  const states = new Set(CITIES.map((c) => c.state));
  assert.ok(states.size >= 30, `only ${states.size} states`);
  assert.deepEqual(new Set(CITIES.map((c) => c.region)), new Set(REGIONS));
});

test('every city has a two-letter state code, a five-digit ZIP and a known region', () => {
  for (const c of CITIES) {
    assert.match(c.state, /^[A-Z]{2}$/, `${c.city}: state ${c.state}`);
    assert.match(c.zip, /^\d{5}$/, `${c.city}, ${c.state}: zip ${c.zip}`);
    assert.ok(REGIONS.includes(c.region), `${c.city}, ${c.state}: region ${c.region}`);
  }
});

test('each state belongs to exactly one region', () => {
  const regionOf = new Map<string, Region>();
  for (const c of CITIES) {
    const known = regionOf.get(c.state);
    assert.ok(known === undefined || known === c.region, `${c.state} is in ${known} and ${c.region}`);
    regionOf.set(c.state, c.region);
  }
});

test('cities are grouped into 10 to 20 sales districts, each within a single region', () => {
  const regionOf = new Map<string, Region>();
  for (const c of CITIES) {
    assert.ok(c.district.length > 0, `${c.city}, ${c.state} has no district`);
    const known = regionOf.get(c.district);
    assert.ok(known === undefined || known === c.region, `${c.district} is in ${known} and ${c.region}`);
    regionOf.set(c.district, c.region);
  }
  assert.ok(regionOf.size >= 10 && regionOf.size <= 20, `${regionOf.size} districts`);
});

test('city populations range from small towns to metros of millions', () => {
  const pops = CITIES.map((c) => c.population);
  for (const c of CITIES) assert.ok(Number.isInteger(c.population) && c.population > 0, `${c.city}: ${c.population}`);
  assert.ok(Math.min(...pops) <= 6000, `smallest city has ${Math.min(...pops)} people`);
  assert.ok(Math.max(...pops) >= 1_000_000, `largest city has ${Math.max(...pops)} people`);
  assert.ok(CITIES.filter((c) => c.population < 25_000).length >= 100, 'too few small towns');
});

test('city coordinates lie within the continental US, Alaska or Hawaii', () => {
  for (const c of CITIES) assert.ok(inUsBounds(c.lat, c.lon), `${c.city}, ${c.state}: ${c.lat}, ${c.lon}`);
});

test('the product list has at least 640 products with unique names', () => {
  assert.ok(PRODUCTS.length >= 640, `only ${PRODUCTS.length} products`);
  assert.deepEqual(duplicates(PRODUCTS.map((p) => p.name)), []);
});

test('products form a department/category/subcategory tree of about 20 departments and 60 to 90 categories', () => {
  const departments = new Set(PRODUCTS.map((p) => p.department));
  const categories = new Set(PRODUCTS.map((p) => p.category));
  assert.ok(departments.size >= 18 && departments.size <= 25, `${departments.size} departments`);
  assert.ok(categories.size >= 60 && categories.size <= 90, `${categories.size} categories`);
  const departmentOf = new Map<string, string>();
  for (const p of PRODUCTS) {
    assert.ok(p.department && p.category && p.subcategory, `${p.name} has an incomplete path`);
    const known = departmentOf.get(p.category);
    assert.ok(known === undefined || known === p.department, `${p.category} is under ${known} and ${p.department}`);
    departmentOf.set(p.category, p.department);
  }
});

test('every product has a positive, realistic base price', () => {
  for (const p of PRODUCTS) {
    assert.ok(Number.isFinite(p.basePrice) && p.basePrice > 0, `${p.name}: ${p.basePrice}`);
    assert.ok(p.basePrice <= 1000, `${p.name}: ${p.basePrice}`);
  }
});

test('dairy, meat, seafood and frozen products need refrigeration', () => {
  for (const p of PRODUCTS) {
    if (['Dairy', 'Meat & Seafood', 'Frozen'].includes(p.department)) {
      assert.equal(p.refrigerated, true, `${p.name} should be refrigerated`);
    }
  }
});

test('general merchandise is taxable and most food groceries are not', () => {
  const merchandise = ['Electronics', 'Household', 'Apparel', 'Toys', 'Home & Kitchen', 'Health & Beauty'];
  for (const p of PRODUCTS) {
    if (merchandise.includes(p.department)) assert.equal(p.taxable, true, `${p.name} should be taxable`);
  }
  const grocery = PRODUCTS.filter((p) => ['Grocery', 'Produce', 'Dairy'].includes(p.department));
  assert.ok(grocery.filter((p) => !p.taxable).length / grocery.length > 0.9, 'most groceries should be untaxed');
});

test('at least 60 products carry season tags and every tag is a known season', () => {
  const seasonal = PRODUCTS.filter((p) => p.seasons.length > 0);
  assert.ok(seasonal.length >= 60, `only ${seasonal.length} seasonal products`);
  for (const p of PRODUCTS) {
    for (const s of p.seasons) assert.ok(SEASONS.includes(s), `${p.name}: season ${s}`);
    assert.deepEqual(duplicates(p.seasons), [], `${p.name} repeats a season`);
  }
  for (const s of SEASONS) {
    assert.ok(
      seasonal.some((p) => p.seasons.includes(s)),
      `no product for ${s}`,
    );
  }
});

test('the brand list has at least 320 brands with unique names and a parent company', () => {
  assert.ok(BRANDS.length >= 320, `only ${BRANDS.length} brands`);
  assert.deepEqual(duplicates(BRANDS.map((b) => b.brand)), []);
  for (const b of BRANDS) {
    assert.ok(b.company.length > 0, `${b.brand} has no company`);
    assert.ok(b.categories.length > 0, `${b.brand} sells in no category`);
  }
});

test('every brand category is a product category', () => {
  const categories = new Set(PRODUCTS.map((p) => p.category));
  for (const b of BRANDS) {
    for (const c of b.categories) assert.ok(categories.has(c), `${b.brand}: unknown category ${c}`);
  }
});

test('every product category is sold by at least 3 brands', () => {
  const count = new Map<string, number>();
  for (const b of BRANDS) for (const c of new Set(b.categories)) count.set(c, (count.get(c) ?? 0) + 1);
  for (const c of new Set(PRODUCTS.map((p) => p.category))) {
    assert.ok((count.get(c) ?? 0) >= 3, `${c} has ${count.get(c) ?? 0} brands`);
  }
});

test('name pools are large enough and have no duplicates', () => {
  assert.ok(FIRST_NAMES.length >= 400, `only ${FIRST_NAMES.length} first names`);
  assert.ok(LAST_NAMES.length >= 400, `only ${LAST_NAMES.length} last names`);
  assert.ok(STREET_NAMES.length >= 150, `only ${STREET_NAMES.length} street names`);
  assert.ok(STREET_SUFFIXES.length >= 8, `only ${STREET_SUFFIXES.length} street suffixes`);
  for (const list of [FIRST_NAMES, LAST_NAMES, STREET_NAMES, STREET_SUFFIXES]) {
    assert.deepEqual(duplicates(list), []);
    for (const v of list) assert.equal(v, v.trim(), `untrimmed value "${v}"`);
  }
});

test('street names carry no suffix', () => {
  const suffixes = new Set(['St', 'Street', 'Ave', 'Avenue', 'Blvd', 'Rd', 'Road', 'Ln', 'Lane', 'Dr', 'Drive']);
  for (const s of STREET_NAMES) {
    const last = s.split(' ').at(-1) ?? '';
    assert.ok(!suffixes.has(last), `${s} ends with a suffix`);
  }
});

test('every state that has a city has exactly one state tax rate', () => {
  assert.deepEqual(duplicates(STATE_TAX.map((t) => t.state)), []);
  const taxed = new Set(STATE_TAX.map((t) => t.state));
  for (const state of new Set(CITIES.map((c) => c.state))) assert.ok(taxed.has(state), `${state} has no state tax`);
});

test('states without a sales tax have a rate of zero', () => {
  const rate = new Map(STATE_TAX.map((t) => [t.state, t.rate]));
  for (const state of ['OR', 'MT', 'NH', 'DE', 'AK']) {
    if (rate.has(state)) assert.equal(rate.get(state), 0, `${state} should have no state sales tax`);
  }
});

test('tax rates are fractions between 0 and 10 percent', () => {
  for (const t of STATE_TAX) assert.ok(t.rate >= 0 && t.rate <= 0.1, `${t.state}: ${t.rate}`);
  for (const t of CITY_TAX) assert.ok(t.rate > 0 && t.rate <= 0.1, `${t.city}, ${t.state}: ${t.rate}`);
});

test('at least 80 cities have a local tax rate and each matches a known city', () => {
  assert.ok(CITY_TAX.length >= 80, `only ${CITY_TAX.length} local rates`);
  assert.deepEqual(duplicates(CITY_TAX.map((t) => cityKey(t.city, t.state))), []);
  const cities = new Set(CITIES.map((c) => cityKey(c.city, c.state)));
  for (const t of CITY_TAX) assert.ok(cities.has(cityKey(t.city, t.state)), `${t.city}, ${t.state} is not a city`);
});
