// Collects the events of one unit of simulation (a store-day, a DC-day, a marketing-day) and orders them.

import type { EventType } from '../events/types.js';
import { ymdOf } from './calendar.js';

/** An event as the simulator makes it: simulated time in ms, partition key, payload. */
export interface SimEvent {
  event_type: EventType;
  /** Simulated time, UTC ms. */
  ts: number;
  partition_key: string;
  payload: Record<string, unknown>;
  /** The chain the event belongs to (receipt, order, shipment): correlation and trace ids. */
  correlation_id?: string;
  trace_id: string;
  /** Stable id, set when the unit is finished: `<unit>-<yyyymmdd>-<n>`. */
  event_id: string;
}

const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
// Two cached days: simulated times and wall-clock ingest times are formatted in turn.
const cacheDay = [Number.NaN, Number.NaN];
const cachePrefix = ['', ''];
let cacheNext = 0;

/**
 * ISO-8601 UTC with milliseconds, as Date.toISOString gives, about five times faster: the simulator formats
 * several times per event, and the date part changes once a day.
 */
export function iso(ms: number): string {
  const day = Math.floor(ms / 86_400_000);
  let prefix: string;
  if (cacheDay[0] === day) prefix = cachePrefix[0];
  else if (cacheDay[1] === day) prefix = cachePrefix[1];
  else {
    prefix = new Date(day * 86_400_000).toISOString().slice(0, 11);
    cacheDay[cacheNext] = day;
    cachePrefix[cacheNext] = prefix;
    cacheNext = 1 - cacheNext;
  }
  let rest = ms - day * 86_400_000;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const sec = Math.floor(rest / 1000);
  return `${prefix}${PAD2[h]}:${PAD2[m]}:${PAD2[sec]}.${PAD3[rest - sec * 1000]}Z`;
}

/** Dollars from cents (exact to the cent in JSON). */
export function dollars(cents: number): number {
  return cents / 100;
}

function byTime(a: SimEvent, b: SimEvent): number {
  return a.ts - b.ts;
}

/** Bits of a sort key that hold the event's position in its unit. */
const INDEX_BITS = 20;
const INDEX_SPAN = 2 ** INDEX_BITS;
/** Largest time span (ms) of a unit whose keys stay exact integers: 2^53 / 2^20 ms, about 99 days. */
const KEY_SPAN_MS = 2 ** (53 - INDEX_BITS);

/**
 * The events in time order, ties in creation order, from their times (`times[i]` is `events[i].ts`). Each event's
 * key is (time since the unit's first event, position), one exact integer in a Float64Array, which sorts natively
 * without a comparator and without touching the events (a unit is a few thousand events in interleaved runs: a
 * shopping trip adds its events when the customer pays). Units too long or too large for the key, or with times
 * not in whole ms, fall back to a stable sort by time.
 */
function timeSorted(events: SimEvent[], times: Float64Array): SimEvent[] {
  const n = events.length;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let whole = true;
  for (let i = 0; i < n; i++) {
    const ts = times[i];
    if (ts < min) min = ts;
    if (ts > max) max = ts;
    if (ts !== Math.floor(ts)) whole = false;
  }
  if (!whole || n >= INDEX_SPAN || max - min >= KEY_SPAN_MS) return events.sort(byTime);
  const keys = times.subarray(0, n);
  for (let i = 0; i < n; i++) keys[i] = (keys[i] - min) * INDEX_SPAN + i;
  keys.sort();
  const out = new Array<SimEvent>(n);
  for (let i = 0; i < n; i++) {
    const k = keys[i];
    // k % INDEX_SPAN, without the floating-point remainder (a library call)
    out[i] = events[k - Math.floor(k / INDEX_SPAN) * INDEX_SPAN];
  }
  return out;
}

const SEQUENCES: string[] = [];
/**
 * `n` zero-padded to 6 digits, so that ids sort in event order as text too (ties in event_ts are broken by
 * event_id); the first 100,000 are kept, as every unit numbers its events from 1.
 */
function sequence(n: number): string {
  if (n < 100_000) {
    let s = SEQUENCES[n];
    if (s === undefined) {
      s = String(n).padStart(6, '0');
      SEQUENCES[n] = s;
    }
    return s;
  }
  return String(n).padStart(6, '0');
}

export class EventBuffer {
  private readonly events: SimEvent[] = [];
  /** The events' times, in creation order (sorting reads these, not the events). */
  private times = new Float64Array(1024);
  private chains = 0;

  constructor(
    readonly partitionKey: string,
    /** Prefix of event and trace ids, e.g. `st12`. */
    readonly unit: string,
    readonly day: number,
  ) {}

  /** A new trace id for a causal chain starting at `ts`. */
  trace(ts: number): string {
    this.chains++;
    return `TR_${Math.floor(ts / 1000)}_${this.unit}_${this.chains}`;
  }

  add(
    event_type: EventType,
    ts: number,
    payload: Record<string, unknown>,
    trace: string,
    correlation_id?: string,
  ): void {
    const n = this.events.length;
    if (n === this.times.length) {
      const more = new Float64Array(n * 2);
      more.set(this.times);
      this.times = more;
    }
    this.times[n] = ts;
    this.events.push({
      event_type,
      ts,
      partition_key: this.partitionKey,
      payload,
      correlation_id,
      trace_id: trace,
      event_id: '',
    });
  }

  get size(): number {
    return this.events.length;
  }

  /** The events in time order (ties keep creation order), with their stable ids. */
  finish(): SimEvent[] {
    const ev = timeSorted(this.events, this.times);
    const prefix = `${this.unit}-${ymdOf(this.day)}-`;
    for (let i = 0; i < ev.length; i++) ev[i].event_id = prefix + sequence(i + 1);
    return ev;
  }
}
