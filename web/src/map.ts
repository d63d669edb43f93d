// The stores on a map of the United States, in SVG: a coarse outline of the lower 48 in an Albers equal-area
// projection, insets for Alaska and Hawaii, one dot per store coloured by region with a tooltip.

import { svg } from './dom.js';

export interface MapStore {
  id: number;
  name: string;
  latitude: number;
  longitude: number;
  region?: string;
  city?: string;
  state?: string;
}

/** Colours of the regions of the city dictionary (Okabe–Ito, as the charts). */
export const REGION_COLORS: Record<string, string> = {
  West: '#0072b2',
  Southwest: '#d55e00',
  Midwest: '#009e73',
  Southeast: '#cc79a7',
  Northeast: '#e69f00',
};

// [lat, lon] along the border and coasts of the lower 48, clockwise from Cape Flattery; the Great Lakes follow
// the international boundary. Coarse on purpose: a backdrop for the dots, not a survey.
// biome-ignore format: pairs read better on few lines
const OUTLINE: readonly [number, number][] = [
  [48.4, -124.7], [49, -123], [49, -95.2], [48.7, -93], [48, -89.5], [47.3, -87], [46.5, -84.5], [45.3, -82.5],
  [43, -82.4], [42.3, -83.1], [41.9, -82.5], [42.5, -79.5], [43.2, -79], [43.6, -78], [43.6, -76.5], [44.1, -76.4],
  [45, -74.7], [45, -71.5], [45.3, -71], [47.3, -68.3], [47.1, -67.8], [45.2, -67.3], [44.8, -67], [43.6, -70.2],
  [42.6, -70.7], [42.3, -71], [41.7, -70], [41.5, -71.1], [41.3, -72], [40.6, -74], [39.4, -74.4], [38.9, -74.9],
  [38.8, -75.1], [37.9, -75.4], [37, -76], [35.9, -75.6], [35.2, -75.5], [34.7, -76.7], [33.9, -78], [32.8, -79.9],
  [32, -80.9], [30.7, -81.4], [29, -80.9], [28.4, -80.6], [26.7, -80], [25.8, -80.1], [25.2, -80.4], [25.1, -81.1],
  [26.1, -81.8], [27.9, -82.7], [29.1, -83], [30, -84.2], [29.7, -85.3], [30.4, -86.5], [30.4, -88], [30.3, -89.3],
  [29.2, -89.2], [29.3, -91.3], [29.7, -93.8], [29.3, -94.8], [28, -97], [26, -97.2], [26.4, -98.8], [27.5, -99.5],
  [29.4, -100.9], [29.8, -101.4], [29.3, -103.1], [30.6, -104.6], [31.8, -106.5], [31.8, -108.2], [31.33, -108.2],
  [31.33, -111.07], [32.5, -114.8], [32.7, -117.1], [34, -118.5], [34.4, -119.7], [34.6, -120.6], [36.6, -121.9],
  [37.8, -122.5], [38.9, -123.7], [40.4, -124.4], [42, -124.2], [43.4, -124.3], [46.2, -124], [47.9, -124.6],
];

const RAD = Math.PI / 180;
const P1 = 29.5 * RAD;
const P2 = 45.5 * RAD;
const P0 = 37.5 * RAD;
const L0 = -96 * RAD;
const N = (Math.sin(P1) + Math.sin(P2)) / 2;
const C = Math.cos(P1) ** 2 + 2 * N * Math.sin(P1);
const R0 = Math.sqrt(C - 2 * N * Math.sin(P0)) / N;

function albers(lat: number, lon: number): [number, number] {
  const r = Math.sqrt(C - 2 * N * Math.sin(lat * RAD)) / N;
  const t = N * (lon * RAD - L0);
  return [r * Math.sin(t), R0 - r * Math.cos(t)];
}

const W = 600;
const H = 370;
const PAD = 10;
const raw = OUTLINE.map(([la, lo]) => albers(la, lo));
const minX = Math.min(...raw.map((p) => p[0]));
const maxX = Math.max(...raw.map((p) => p[0]));
const minY = Math.min(...raw.map((p) => p[1]));
const maxY = Math.max(...raw.map((p) => p[1]));
const SCALE = Math.min((W - 2 * PAD) / (maxX - minX), (H - 2 * PAD - 40) / (maxY - minY));

/** Screen position in the lower-48 frame. */
function project(lat: number, lon: number): [number, number] {
  const [x, y] = albers(lat, lon);
  return [PAD + (x - minX) * SCALE, PAD + (maxY - y) * SCALE];
}

interface Inset {
  name: string;
  x: number;
  y: number;
  w: number;
  h: number;
  lat: [number, number];
  lon: [number, number];
  contains: (lat: number, lon: number) => boolean;
}

const INSETS: readonly Inset[] = [
  {
    name: 'Alaska',
    x: PAD,
    y: H - 78,
    w: 96,
    h: 68,
    lat: [54, 71.5],
    lon: [-170, -130],
    contains: (la) => la > 50,
  },
  {
    name: 'Hawaii',
    x: PAD + 104,
    y: H - 50,
    w: 70,
    h: 40,
    lat: [18.8, 22.4],
    lon: [-160.5, -154.7],
    contains: (la, lo) => la < 25 && lo < -150,
  },
];

function position(lat: number, lon: number): [number, number] {
  for (const i of INSETS) {
    if (!i.contains(lat, lon)) continue;
    const fx = (lon - i.lon[0]) / (i.lon[1] - i.lon[0]);
    const fy = (i.lat[1] - lat) / (i.lat[1] - i.lat[0]);
    return [i.x + 4 + fx * (i.w - 8), i.y + 4 + fy * (i.h - 8)];
  }
  return project(lat, lon);
}

/**
 * Draws the map with one dot per store; each dot has a <title> (store, city, region) for hover and screen readers.
 * @example host.replaceChildren(storeMap(stores));
 */
export function storeMap(stores: readonly MapStore[]): SVGSVGElement {
  const outline = raw.map((_, i) => project(OUTLINE[i][0], OUTLINE[i][1]));
  const d = `M${outline.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join('L')}Z`;
  const root = svg('svg', {
    viewBox: `0 0 ${W} ${H}`,
    class: 'us-map',
    role: 'img',
    'aria-label': `Map of ${stores.length} stores in the United States`,
  });
  root.append(svg('path', { d, class: 'land' }));
  for (const i of INSETS) {
    root.append(
      svg('rect', { x: i.x, y: i.y, width: i.w, height: i.h, class: 'inset' }),
      svg('text', { x: i.x + 4, y: i.y - 3, class: 'inset-label' }, i.name),
    );
  }
  const dots = svg('g', { class: 'stores' });
  for (const s of stores) {
    const [x, y] = position(s.latitude, s.longitude);
    const where = [s.city, s.state].filter(Boolean).join(', ');
    const dot = svg(
      'circle',
      { cx: x.toFixed(1), cy: y.toFixed(1), r: 4, class: 'store', 'data-store': s.id },
      svg('title', {}, `${s.name}${where ? ` — ${where}` : ''}${s.region ? ` (${s.region})` : ''}`),
    );
    dot.style.fill = REGION_COLORS[s.region ?? ''] ?? '#555';
    dots.append(dot);
  }
  root.append(dots);
  return root;
}
