// What sells on a given day: product weights from popularity, season and launch date.

import { WeightedPicker } from '../random.js';
import type { DayProfile } from './calendar.js';
import type { SimContext } from './context.js';
import { seasonMask } from './context.js';

/** How much more a seasonal product sells in its season, and how much less out of it. */
export const IN_SEASON_FACTOR = 6;
export const OFF_SEASON_FACTOR = 0.12;

const caches = new WeakMap<SimContext, Map<number, WeightedPicker>>();

/** The product picker of a day (cached: the same for every store that day). */
export function dayCatalog(ctx: SimContext, day: number, profile: DayProfile): WeightedPicker {
  let cache = caches.get(ctx);
  if (!cache) {
    cache = new Map();
    caches.set(ctx, cache);
  }
  let picker = cache.get(day);
  if (picker) return picker;
  const season = seasonMask(profile.seasons);
  const weights = new Float64Array(ctx.productCount);
  for (let p = 0; p < ctx.productCount; p++) {
    if (ctx.launchDay[p] > day) continue;
    const m = ctx.seasonMask[p];
    weights[p] = ctx.popularity[p] * (m === 0 ? 1 : (m & season) !== 0 ? IN_SEASON_FACTOR : OFF_SEASON_FACTOR);
  }
  picker = new WeightedPicker(weights);
  if (cache.size > 8) cache.delete(cache.keys().next().value as number);
  cache.set(day, picker);
  return picker;
}
