// The world panel: counts of stores, DCs, products and customers, the history's time range, the stores on a map
// and a table of stores by region.

import { ApiError, api } from './api.js';
import { byId, el, setText } from './dom.js';
import { fmtCount, fmtTime } from './format.js';
import { REGION_COLORS, storeMap } from './map.js';
import { reportError } from './status.js';
import type { GeneratorState, StoreView } from './types.js';

const COUNT_KEYS: Record<string, readonly string[]> = {
  stores: ['stores', 'dim_stores'],
  dcs: ['dcs', 'distribution_centers', 'dim_distribution_centers'],
  products: ['products', 'dim_products'],
  customers: ['customers', 'dim_customers'],
};

function countOf(counts: Record<string, number>, name: string): number | undefined {
  for (const k of COUNT_KEYS[name]) if (typeof counts[k] === 'number') return counts[k];
  return undefined;
}

/** Stores known to the page, by id (the live tail labels its store filter with their names). */
export const storesById = new Map<number, StoreView>();

/** Loads the generator state and the stores, and draws the panel. Returns the state (null when it failed). */
export async function refreshWorld(): Promise<GeneratorState | null> {
  let state: GeneratorState;
  try {
    state = await api<GeneratorState>('GET', '/api/generators/state');
  } catch (err) {
    reportError('Reading the generator state failed', err);
    return null;
  }
  const counts = state.counts ?? {};
  for (const name of Object.keys(COUNT_KEYS)) setText(byId(`count-${name}`), fmtCount(countOf(counts, name)));
  const last = state.last_generated_timestamp;
  setText(
    byId('history-range'),
    state.has_historical_data && last
      ? `${state.history_start ? `${fmtTime(state.history_start)} to ` : 'up to '}${fmtTime(last)}, ${fmtCount(state.history_events)} events`
      : 'none yet',
  );
  if ((countOf(counts, 'stores') ?? 0) > 0 && storesById.size !== countOf(counts, 'stores')) await loadStores();
  return state;
}

async function loadStores(): Promise<void> {
  let stores: StoreView[];
  try {
    const body = await api<StoreView[] | { stores: StoreView[] }>('GET', '/api/world/stores');
    stores = Array.isArray(body) ? body : body.stores;
  } catch (err) {
    if (!(err instanceof ApiError && err.statusCode === 404)) reportError('Reading the stores failed', err);
    return;
  }
  storesById.clear();
  for (const s of stores) storesById.set(s.id, s);
  byId('map').replaceChildren(storeMap(stores));
  const byRegion = new Map<string, number>();
  for (const s of stores) byRegion.set(s.region ?? 'unknown', (byRegion.get(s.region ?? 'unknown') ?? 0) + 1);
  const rows = [...byRegion.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([region, n]) => {
      const swatch = el('span', { class: 'swatch', 'aria-hidden': 'true' });
      swatch.style.background = REGION_COLORS[region] ?? '#555';
      return el('tr', {}, el('td', {}, swatch, region), el('td', { class: 'num' }, fmtCount(n)));
    });
  byId('regions-body').replaceChildren(...rows);
}
