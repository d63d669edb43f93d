// A small time-series line chart on a canvas: a rolling window of points per series, a y axis from zero, and an
// HTML legend with the latest values (the canvas carries an aria-label that says the same for screen readers).

import { el } from './dom.js';
import { fmtShort } from './format.js';

/** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies. */
export const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#999999'];

export interface ChartOptions {
  /** What the chart shows, for the accessible label (`events per second`). */
  title: string;
  /** Formats a value for the legend and the label. */
  format?: (v: number) => string;
  /** Points kept per series (one a second by default: two minutes). */
  capacity?: number;
  /** Highest series shown; the rest are summed into `other`. */
  maxSeries?: number;
  /** What the legend says while no series has a value (e.g. the sink does not report this). */
  empty?: string;
}

interface Series {
  name: string;
  color: string;
  values: (number | null)[];
}

/**
 * @example const c = new TimeChart(canvas, legend, { title: 'queue depth' }); c.push({ depth: 12 });
 */
export class TimeChart {
  private readonly series = new Map<string, Series>();
  private readonly capacity: number;
  private readonly format: (v: number) => string;
  private length = 0;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly legend: HTMLElement,
    private readonly opts: ChartOptions,
  ) {
    this.capacity = opts.capacity ?? 120;
    this.format = opts.format ?? fmtShort;
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${opts.title}: no data yet`);
    new ResizeObserver(() => this.draw()).observe(canvas);
  }

  /** Adds one point per series (missing series get no point). Series appear in the order first seen. */
  push(values: Record<string, number>): void {
    let entries = Object.entries(values);
    const max = this.opts.maxSeries;
    if (max && entries.length > max) {
      const known = entries.filter(([k]) => this.series.has(k));
      const fresh = entries.filter(([k]) => !this.series.has(k)).sort((a, b) => b[1] - a[1]);
      const keep = [...known, ...fresh].slice(0, max - 1);
      const kept = new Set(keep.map(([k]) => k));
      const other = entries.filter(([k]) => !kept.has(k)).reduce((a, [, v]) => a + v, 0);
      entries = [...keep, ['other', other]];
    }
    for (const [name] of entries) {
      if (!this.series.has(name)) {
        this.series.set(name, {
          name,
          color: PALETTE[this.series.size % PALETTE.length],
          values: new Array(this.length).fill(null),
        });
      }
    }
    const got = new Map(entries);
    for (const s of this.series.values()) {
      s.values.push(got.get(s.name) ?? (s.name === 'other' ? 0 : null));
      if (s.values.length > this.capacity) s.values.shift();
    }
    this.length = Math.min(this.length + 1, this.capacity);
    this.draw();
    this.renderLegend();
  }

  /** The latest value of a series (tests and labels). */
  latest(name: string): number | null {
    const s = this.series.get(name);
    return s ? (s.values[s.values.length - 1] ?? null) : null;
  }

  private renderLegend(): void {
    const parts: string[] = [];
    const items: HTMLElement[] = [];
    for (const s of this.series.values()) {
      const v = s.values[s.values.length - 1];
      const text = v === null || v === undefined ? '–' : this.format(v);
      parts.push(`${s.name} ${text}`);
      const swatch = el('span', { class: 'swatch', 'aria-hidden': 'true' });
      swatch.style.background = s.color;
      items.push(el('li', {}, swatch, `${s.name} `, el('b', {}, text)));
    }
    if (items.length === 0 && this.opts.empty) items.push(el('li', { class: 'hint' }, this.opts.empty));
    this.legend.replaceChildren(...items);
    this.canvas.setAttribute(
      'aria-label',
      `${this.opts.title}: ${parts.join(', ') || this.opts.empty || 'no data yet'}`,
    );
  }

  private draw(): void {
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth;
    const h = c.clientHeight;
    if (w === 0 || h === 0) return;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
    }
    const g = c.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    let max = 0;
    for (const s of this.series.values()) for (const v of s.values) if (v !== null && v > max) max = v;
    max = niceCeil(max);
    const left = 40;
    const right = 6;
    const top = 6;
    const bottom = 14;
    const pw = w - left - right;
    const ph = h - top - bottom;
    const style = getComputedStyle(c);
    g.font = `11px ${style.fontFamily}`;
    g.fillStyle = style.color;
    g.strokeStyle = 'rgba(128,128,128,0.3)';
    g.lineWidth = 1;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (let i = 0; i <= 2; i++) {
      const y = top + ph - (ph * i) / 2;
      g.beginPath();
      g.moveTo(left, Math.round(y) + 0.5);
      g.lineTo(left + pw, Math.round(y) + 0.5);
      g.stroke();
      g.fillText(fmtShort((max * i) / 2), left - 4, y);
    }
    g.textAlign = 'left';
    g.textBaseline = 'alphabetic';
    g.fillText(`${Math.round(this.capacity / 60)} min`, left, h - 2);
    const step = pw / Math.max(1, this.capacity - 1);
    const offset = this.capacity - this.length;
    for (const s of this.series.values()) {
      g.strokeStyle = s.color;
      g.lineWidth = s.name === 'total' ? 2.5 : 1.5;
      g.beginPath();
      let pen = false;
      const start = s.values.length - this.length;
      for (let i = Math.max(0, start); i < s.values.length; i++) {
        const v = s.values[i];
        if (v === null) {
          pen = false;
          continue;
        }
        const x = left + (offset + i - start) * step;
        const y = top + ph - (max === 0 ? 0 : (v / max) * ph);
        if (pen) g.lineTo(x, y);
        else g.moveTo(x, y);
        pen = true;
      }
      g.stroke();
    }
  }
}

/** 1, 2, 5 × 10^n at or above v (at least 1). */
function niceCeil(v: number): number {
  if (v <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}
