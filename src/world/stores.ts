// Stores: placed on geographies by weight, given a profile, and tied to their nearest DC.

import { Rng, WeightedPicker } from '../random.js';
import { distance2, geographyWeights, jitter, streetAddress } from './places.js';
import { dealVolumeClasses, storeProfile } from './store-profiles.js';
import type { DistributionCenter, Geography, Store } from './types.js';

/** Standard-time UTC offset of a place from its state and longitude (daylight saving is not modelled). */
export function utcOffsetOf(state: string, longitude: number): number {
  if (state === 'HI') return -10;
  if (state === 'AK') return -9;
  if (state === 'AZ') return -7;
  if (longitude > -87.5) return -5;
  if (longitude > -101.5) return -6;
  if (longitude > -114.5) return -7;
  return -8;
}

/** Index of the nearest place to (lat, lon). */
export function nearest<T extends { latitude: number; longitude: number }>(
  places: readonly T[],
  lat: number,
  lon: number,
): T {
  let best = places[0];
  let bestD = Number.POSITIVE_INFINITY;
  for (const p of places) {
    const d = distance2(lat, lon, p.latitude, p.longitude);
    if (d < bestD) {
      bestD = d;
      best = p;
    }
  }
  return best;
}

export function buildStores(
  seed: number,
  count: number,
  geos: readonly Geography[],
  dcs: readonly DistributionCenter[],
): Store[] {
  const rng = Rng.of(seed, 'stores');
  const picker = new WeightedPicker(geographyWeights(geos, 0.7));
  const placed = Array.from({ length: count }, () => geos[picker.pick(rng)]);
  const classes = dealVolumeClasses(
    Rng.of(seed, 'store-classes'),
    placed.map((g) => g.urbanity),
  );
  const perCity = new Map<number, number>();
  return placed.map((geo, i) => {
    const srng = Rng.of(seed, 'store', i + 1);
    const profile = storeProfile(srng, classes[i]);
    const latitude = jitter(srng, geo.latitude);
    const longitude = jitter(srng, geo.longitude);
    const n = (perCity.get(geo.id) ?? 0) + 1;
    perCity.set(geo.id, n);
    return {
      id: i + 1,
      store_number: `ST${String(i + 1).padStart(4, '0')}`,
      name: `${geo.city}${n > 1 ? ` #${n}` : ''} ${profile.format === 'HYPERMARKET' ? 'Hypermarket' : 'Store'}`,
      geography_id: geo.id,
      dc_id: nearest(dcs, latitude, longitude).id,
      address: streetAddress(srng, geo),
      latitude,
      longitude,
      volume_class: classes[i],
      ...profile,
      tax_rate: geo.tax_rate,
      utc_offset_hours: utcOffsetOf(geo.state, longitude),
    };
  });
}
