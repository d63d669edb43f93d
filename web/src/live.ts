// The live view: subscribes to GET /api/stream/live (statistics every second and a sample of recent events),
// feeds the charts and the stream panel, and keeps the tail of recent events with its type and store filters.

import { ApiError, subscribe } from './api.js';
import { TimeChart } from './chart.js';
import { byId, el, setText } from './dom.js';
import { fmtCount, fmtMs, fmtTime, redact } from './format.js';
import { reportError } from './status.js';
import { showStatistics } from './stream.js';
import type { Job, RecentEvent, RetailEventView, Statistics } from './types.js';
import { storesById } from './world.js';

const TAIL_KEEP = 500;
const TAIL_SHOW = 100;

const tail: RetailEventView[] = [];
const seen = new Set<string>();
let charts: { rate: TimeChart; queue: TimeChart; latency: TimeChart; lag: TimeChart } | null = null;

function setupCharts() {
  const c = (id: string, title: string, opts: Partial<ConstructorParameters<typeof TimeChart>[2]> = {}) =>
    new TimeChart(byId<HTMLCanvasElement>(`chart-${id}`), byId(`legend-${id}`), { title, ...opts });
  return {
    rate: c('rate', 'events per second by type', { maxSeries: 7 }),
    queue: c('queue', 'queue depth'),
    latency: c('latency', 'send latency in milliseconds', { format: fmtMs }),
    lag: c('lag', 'consumer lag in events', { empty: 'not reported by this sink' }),
  };
}

function lagOf(s: Statistics): number | null {
  if (typeof s.consumer_lag === 'number') return s.consumer_lag;
  const signal = s.throttle?.signals?.find((x) => /lag/i.test(x.name));
  const v = signal?.value;
  return typeof v === 'number' ? v : null;
}

/** Feeds one statistics message to the stream panel and the charts. */
export function onStatistics(s: Statistics): void {
  showStatistics(s);
  if (!charts) return;
  charts.rate.push({ total: s.events_per_second, ...s.events_per_second_by_type });
  charts.queue.push({ depth: s.queue_depth });
  const l = s.send_latency_ms;
  charts.latency.push({ p50: l?.p50 ?? 0, p95: l?.p95 ?? 0, p99: l?.p99 ?? 0 });
  const lag = lagOf(s);
  charts.lag.push(lag === null ? {} : { lag });
  for (const t of Object.keys(s.events_per_second_by_type ?? {})) addOption('tail-type', t, t);
}

function addOption(selectId: string, value: string, label: string): void {
  const select = byId<HTMLSelectElement>(selectId);
  for (const o of select.options) if (o.value === value) return;
  const opts = [...select.options].slice(1);
  const next = opts.find((o) => o.value.localeCompare(value, 'en', { numeric: true }) > 0);
  select.insertBefore(el('option', { value }, label), next ?? null);
}

function storeLabel(key: string): string {
  const m = /^store_(\d+)$/.exec(key);
  const s = m ? storesById.get(Number(m[1])) : undefined;
  return s ? `${key} — ${s.name}` : key;
}

const ID_FIELDS = [
  'store_id',
  'dc_id',
  'customer_id',
  'product_id',
  'receipt_id',
  'order_id',
  'truck_id',
  'campaign_id',
];
const DETAIL_FIELDS = [
  'total',
  'quantity',
  'quantity_delta',
  'item_count',
  'zone',
  'to_zone',
  'channel',
  'status',
  'reason',
];

/** A short, human line about an event from a few well-known payload fields. */
function summary(e: RetailEventView): string {
  const p = e.payload ?? {};
  const parts: string[] = [];
  for (const k of ID_FIELDS) {
    if (p[k] !== undefined && p[k] !== null) parts.push(`${k.replace('_id', '')} ${String(p[k])}`);
  }
  for (const k of DETAIL_FIELDS) {
    const v = p[k];
    if (typeof v === 'number' || (typeof v === 'string' && v.length <= 40)) parts.push(`${k.replace('_', ' ')} ${v}`);
  }
  return redact(parts.slice(0, 6).join(', '));
}

/** Adds sampled events (envelopes, or `{ destination, envelope }`) to the tail, newest first, and redraws it. */
export function onEvents(items: (RetailEventView | RecentEvent)[]): void {
  if (!Array.isArray(items)) return;
  for (const item of items) {
    const e = item && 'envelope' in item ? item.envelope : (item as RetailEventView);
    if (!e || typeof e.event_id !== 'string' || seen.has(e.event_id)) continue;
    seen.add(e.event_id);
    tail.unshift(e);
    addOption('tail-type', e.event_type, e.event_type);
    if (e.partition_key) addOption('tail-store', e.partition_key, storeLabel(e.partition_key));
  }
  while (tail.length > TAIL_KEEP) {
    const gone = tail.pop();
    if (gone) seen.delete(gone.event_id);
  }
  renderTail();
}

function renderTail(): void {
  if (byId<HTMLInputElement>('tail-hold').checked) return;
  const type = byId<HTMLSelectElement>('tail-type').value;
  const store = byId<HTMLSelectElement>('tail-store').value;
  const shown = tail.filter((e) => (!type || e.event_type === type) && (!store || e.partition_key === store));
  const rows = shown
    .slice(0, TAIL_SHOW)
    .map((e) =>
      el(
        'tr',
        { 'data-type': e.event_type, 'data-key': e.partition_key },
        el('td', {}, fmtTime(e.event_ts)),
        el('td', {}, e.event_type),
        el('td', {}, e.partition_key),
        el('td', { class: 'wrap' }, summary(e)),
      ),
    );
  const body = byId('tail-body');
  if (rows.length === 0) {
    body.replaceChildren(
      el(
        'tr',
        {},
        el('td', { colspan: 4, class: 'empty' }, tail.length ? 'no event matches the filter' : 'no events yet'),
      ),
    );
  } else body.replaceChildren(...rows);
  setText(byId('tail-count'), `${fmtCount(Math.min(shown.length, TAIL_SHOW))} shown of ${fmtCount(tail.length)} kept`);
}

/** Starts the charts and the live subscription (`onJob` gets the jobs it reports); returns a function that stops it. */
export function initLive(onJob: (job: Job) => void): () => void {
  charts = setupCharts();
  for (const id of ['tail-type', 'tail-store', 'tail-hold']) byId(id).addEventListener('change', renderTail);
  const stop = new AbortController();
  const conn = byId('conn');
  const connText = byId('conn-text');
  void subscribe(
    '/api/stream/live',
    {
      onOpen: () => {
        conn.dataset.ok = 'true';
        setText(connText, 'connected');
      },
      onClose: (err) => {
        conn.dataset.ok = 'false';
        setText(connText, 'reconnecting');
        if (err instanceof ApiError && err.needsToken) reportError('The live feed needs the API token', err);
      },
      onEvent: (name, data) => {
        if (name === 'statistics' || name === 'stats') onStatistics(data as Statistics);
        else if (name === 'job') onJob(data as Job);
        else if (name === 'events') onEvents(Array.isArray(data) ? data : (data as { events: RecentEvent[] }).events);
        else if (name === 'message' && data && typeof data === 'object') {
          const d = data as { statistics?: Statistics; events?: RecentEvent[] };
          if (d.statistics) onStatistics(d.statistics);
          if (d.events) onEvents(d.events);
        }
      },
    },
    stop.signal,
  );
  return () => stop.abort();
}
