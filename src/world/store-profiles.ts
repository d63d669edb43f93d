// Store profiles: volume class, format, hours and traffic, with the weights the tests hold the world to.

import type { Rng } from '../random.js';
import type { StoreFormat, Urbanity, VolumeClass } from './types.js';

/** Share of stores in each volume class across the network. */
export const VOLUME_CLASS_WEIGHTS: Readonly<Record<VolumeClass, number>> = {
  FLAGSHIP: 0.05,
  HIGH: 0.15,
  MEDIUM: 0.5,
  LOW: 0.25,
  KIOSK: 0.05,
};

export const VOLUME_CLASSES = Object.keys(VOLUME_CLASS_WEIGHTS) as VolumeClass[];

/** Format mix within each volume class. */
export const FORMAT_WEIGHTS_BY_CLASS: Readonly<Record<VolumeClass, Readonly<Partial<Record<StoreFormat, number>>>>> = {
  FLAGSHIP: { HYPERMARKET: 0.7, SUPERSTORE: 0.3 },
  HIGH: { HYPERMARKET: 0.2, SUPERSTORE: 0.5, STANDARD: 0.3 },
  MEDIUM: { SUPERSTORE: 0.1, STANDARD: 0.6, NEIGHBORHOOD: 0.3 },
  LOW: { STANDARD: 0.2, NEIGHBORHOOD: 0.5, EXPRESS: 0.3 },
  KIOSK: { EXPRESS: 1 },
};

/** The network-wide format shares implied by the two tables above. */
export function expectedFormatShares(): Record<StoreFormat, number> {
  const out: Record<StoreFormat, number> = { HYPERMARKET: 0, SUPERSTORE: 0, STANDARD: 0, NEIGHBORHOOD: 0, EXPRESS: 0 };
  for (const vc of VOLUME_CLASSES) {
    for (const [f, w] of Object.entries(FORMAT_WEIGHTS_BY_CLASS[vc]))
      out[f as StoreFormat] += VOLUME_CLASS_WEIGHTS[vc] * (w ?? 0);
  }
  return out;
}

/** Daily traffic multiplier range by class. */
const TRAFFIC: Readonly<Record<VolumeClass, readonly [number, number]>> = {
  FLAGSHIP: [2.2, 3.0],
  HIGH: [1.4, 2.0],
  MEDIUM: [0.8, 1.2],
  LOW: [0.5, 0.8],
  KIOSK: [0.25, 0.45],
};

/** Floor area range (sq ft) by format. */
const AREA: Readonly<Record<StoreFormat, readonly [number, number]>> = {
  HYPERMARKET: [150_000, 220_000],
  SUPERSTORE: [90_000, 150_000],
  STANDARD: [40_000, 90_000],
  NEIGHBORHOOD: [15_000, 40_000],
  EXPRESS: [2_000, 12_000],
};

/** How strongly each urbanity pulls a store toward the big classes (a sort key bias). */
const URBAN_PULL: Readonly<Record<Urbanity, number>> = { URBAN: 1.0, SUBURBAN: 0.45, RURAL: 0 };

/**
 * Deals volume classes to stores: exact counts from the weights (largest remainder), given to the most
 * urban stores first (with noise), so shares hold exactly and cities get the big stores.
 */
export function dealVolumeClasses(rng: Rng, urbanities: readonly Urbanity[]): VolumeClass[] {
  const n = urbanities.length;
  const raw = VOLUME_CLASSES.map((vc) => VOLUME_CLASS_WEIGHTS[vc] * n);
  const counts = raw.map(Math.floor);
  const order = raw.map((r, i) => ({ i, frac: r - Math.floor(r) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let k = 0, left = n - counts.reduce((s, c) => s + c, 0); k < left; k++) counts[order[k % order.length].i]++;
  const ranked = urbanities
    .map((u, i) => ({ i, score: URBAN_PULL[u] + rng.next() * 0.9 }))
    .sort((a, b) => b.score - a.score || a.i - b.i);
  const out = new Array<VolumeClass>(n);
  let pos = 0;
  VOLUME_CLASSES.forEach((vc, c) => {
    for (let k = 0; k < counts[c]; k++) out[ranked[pos++].i] = vc;
  });
  return out;
}

export interface StoreProfile {
  format: StoreFormat;
  open_hour: number;
  close_hour: number;
  daily_traffic_multiplier: number;
  square_feet: number;
}

function pickWeighted<K extends string>(rng: Rng, weights: Readonly<Partial<Record<K, number>>>): K {
  const entries = Object.entries(weights) as [K, number][];
  let x = rng.next() * entries.reduce((s, [, w]) => s + w, 0);
  for (const [k, w] of entries) {
    x -= w;
    if (x < 0) return k;
  }
  return entries[entries.length - 1][0];
}

/** Format, hours, traffic and size of a store of the given class. */
export function storeProfile(rng: Rng, volumeClass: VolumeClass): StoreProfile {
  const format = pickWeighted(rng, FORMAT_WEIGHTS_BY_CLASS[volumeClass]);
  let open_hour: number;
  let close_hour: number;
  switch (format) {
    case 'HYPERMARKET':
      [open_hour, close_hour] = rng.chance(0.35) ? [0, 24] : [6, 24];
      break;
    case 'SUPERSTORE':
      [open_hour, close_hour] = rng.chance(0.15) ? [0, 24] : [7, 23];
      break;
    case 'STANDARD':
      [open_hour, close_hour] = [8, 22];
      break;
    case 'NEIGHBORHOOD':
      [open_hour, close_hour] = [7, 21];
      break;
    case 'EXPRESS':
      [open_hour, close_hour] = volumeClass === 'KIOSK' ? [9, 21] : [6, 23];
      break;
  }
  const [tlo, thi] = TRAFFIC[volumeClass];
  const [alo, ahi] = AREA[format];
  return {
    format,
    open_hour,
    close_hour,
    daily_traffic_multiplier: Math.round(rng.range(tlo, thi) * 100) / 100,
    square_feet: Math.round(rng.range(alo, ahi) / 100) * 100,
  };
}
