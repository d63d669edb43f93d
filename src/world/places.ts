// Geographies (chosen cities with urbanity and tax) and the placing of DCs and stores on them.

import { Rng, WeightedPicker } from '../random.js';
import { CITIES } from './dictionaries/cities.js';
import { STREET_NAMES, STREET_SUFFIXES } from './dictionaries/names.js';
import { CITY_TAX, STATE_TAX } from './dictionaries/tax-rates.js';
import type { CityFact } from './dictionaries/types.js';
import type { DistributionCenter, Geography, Urbanity } from './types.js';

/** Local add-on when a city has no entry of its own: a typical county rate. */
const DEFAULT_LOCAL_TAX = 0.01;

export function urbanityOf(population: number): Urbanity {
  if (population >= 400_000) return 'URBAN';
  if (population >= 60_000) return 'SUBURBAN';
  return 'RURAL';
}

function taxRateOf(city: CityFact): number {
  const state = STATE_TAX.find((t) => t.state === city.state)?.rate ?? 0;
  const local = CITY_TAX.find((t) => t.city === city.city && t.state === city.state)?.rate;
  // States without a sales tax have no local add-on either in our model.
  const rate = state === 0 ? 0 : state + (local ?? DEFAULT_LOCAL_TAX);
  return Math.round(rate * 100_000) / 100_000;
}

/**
 * Chooses `count` distinct cities, weighted by population so that big metros are likely but towns still appear.
 * Weighted sampling without replacement (Efraimidis-Spirakis keys), ordered by the dictionary for stable ids.
 */
export function buildGeographies(seed: number, count: number): Geography[] {
  const rng = Rng.of(seed, 'geographies');
  const keyed = CITIES.map((city, index) => ({
    city,
    index,
    key: Math.log(1 - rng.next()) / Math.sqrt(city.population),
  }));
  keyed.sort((a, b) => b.key - a.key || a.index - b.index);
  const chosen = keyed.slice(0, Math.min(count, CITIES.length)).sort((a, b) => a.index - b.index);
  return chosen.map(({ city }, i) => ({
    id: i + 1,
    city: city.city,
    state: city.state,
    zip: city.zip,
    district: city.district,
    region: city.region,
    population: city.population,
    latitude: city.lat,
    longitude: city.lon,
    urbanity: urbanityOf(city.population),
    tax_rate: taxRateOf(city),
  }));
}

/** A street address in a geography. */
export function streetAddress(rng: Rng, geo: Geography): string {
  const number = rng.int(1, 9899);
  return `${number} ${rng.pick(STREET_NAMES)} ${rng.pick(STREET_SUFFIXES)}, ${geo.city}, ${geo.state} ${geo.zip}`;
}

/** A point near the city centre (within a few miles), so stores of one city do not sit on top of each other. */
export function jitter(rng: Rng, value: number, spread = 0.08): number {
  return Math.round((value + rng.range(-spread, spread)) * 1e5) / 1e5;
}

/** Great-circle distance proxy (squared degrees scaled by latitude): enough to find the nearest place. */
export function distance2(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = lat1 - lat2;
  const dLon = (lon1 - lon2) * Math.cos(((lat1 + lat2) / 2) * (Math.PI / 180));
  return dLat * dLat + dLon * dLon;
}

/** Weights for placing stores and customers: population with diminishing returns, so towns get a share. */
export function geographyWeights(geos: readonly Geography[], exponent: number): number[] {
  return geos.map((g) => g.population ** exponent);
}

/**
 * Distribution centres, spread over regions in proportion to the population the world covers there.
 */
export function buildDistributionCenters(
  seed: number,
  count: number,
  geos: readonly Geography[],
): DistributionCenter[] {
  const rng = Rng.of(seed, 'distribution-centers');
  const picker = new WeightedPicker(geographyWeights(geos, 0.6));
  const dcs: DistributionCenter[] = [];
  const used = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    // Prefer geographies without a DC yet, so DCs spread out; allow repeats once every geography has one.
    let g = geos[picker.pick(rng)];
    for (let tries = 0; tries < 20 && (used.get(g.id) ?? 0) > 0 && used.size < geos.length; tries++) {
      g = geos[picker.pick(rng)];
    }
    const n = (used.get(g.id) ?? 0) + 1;
    used.set(g.id, n);
    dcs.push({
      id: i + 1,
      name: `${g.city} DC${n > 1 ? ` ${n}` : ''}`,
      geography_id: g.id,
      address: streetAddress(rng, g),
      latitude: jitter(rng, g.latitude, 0.15),
      longitude: jitter(rng, g.longitude, 0.15),
      capacity_units: rng.int(40, 120) * 10_000,
    });
  }
  return dcs;
}
