// A simulator thread's events between their simulation and their release, serialised: each unit (store-day, DC-day,
// marketing-day) is written as soon as it is simulated, as UTF-8 envelopes in one buffer off the JavaScript heap, so that
// a day of held events is neither copied nor marked by the garbage collector (held as strings, they took a fifth of
// the thread's time in collections). A release merges the units in (event_ts, event_id) order up to a watermark;
// batches are then copied out of the units' buffers.

import { BufferPool } from '../../buffer-pool.js';
import { EVENT_TYPES, type EventType } from '../../events/types.js';
import { asciiBytes, type EnvelopeMarks, JsonBytes, writeEnvelope } from '../../simulate/envelope-bytes.js';
import type { SimEvent } from '../../simulate/event-buffer.js';
import { type BatchViews, batchBytes, batchViews, STAMP_PLACEHOLDER } from './thread-messages.js';

const typeIndex = new Map<EventType, number>(EVENT_TYPES.map((t, i) => [t, i]));
const PLACEHOLDER = asciiBytes(STAMP_PLACEHOLDER);

/**
 * One unit's events in time order: their envelopes one after the other, and where each one's id and partition key
 * are inside it. Its arrays are laid out as a batch's (batchViews) in a buffer of their own.
 */
export class Unit {
  /** Where each event's envelope starts (n + 1 entries: the last is the end). */
  readonly start: Uint32Array;
  /** Where each event's id starts and ends. */
  readonly idAt: Uint32Array;
  readonly idEnd: Uint32Array;
  /** Where each event's partition key starts and ends. */
  readonly keyAt: Uint32Array;
  readonly keyEnd: Uint32Array;
  readonly ts: Float64Array;
  readonly types: Uint8Array;
  /** Where the placeholder ingest time starts in each envelope, in bytes from the event's start. */
  readonly stamp: Uint32Array;
  /** 1 for the events whose envelopes are all ASCII. */
  readonly ascii: Uint8Array;
  /** The first event not yet released. */
  next = 0;

  constructor(
    public bytes: Buffer,
    readonly arrays: Buffer,
    readonly n: number,
  ) {
    const v = batchViews(arrays.buffer, arrays.byteOffset, n, 0);
    this.start = v.start;
    this.idAt = v.idAt;
    this.idEnd = v.idEnd;
    this.keyAt = v.keyAt;
    this.keyEnd = v.keyEnd;
    this.ts = v.ts;
    this.types = v.types;
    this.stamp = v.stamp;
    this.ascii = v.ascii;
  }

  /** -1, 0 or 1 as event `i` of this unit comes before, with or after event `j` of `other` ((event_ts, event_id)). */
  compare(i: number, other: Unit, j: number): number {
    const d = this.ts[i] - other.ts[j];
    if (d !== 0) return d < 0 ? -1 : 1;
    return this.bytes.compare(other.bytes, other.idAt[j], other.idEnd[j], this.idAt[i], this.idEnd[i]);
  }
}

const MARKS: EnvelopeMarks = { idAt: 0, idEnd: 0, stampAt: 0, keyAt: 0, keyEnd: 0 };

/** The events released together, in order: for each, its unit and its index there. */
export interface Released {
  units: Unit[];
  unit: Uint32Array;
  index: Uint32Array;
  length: number;
}

/**
 * @example const held = new SerialisedUnits(); held.add(unitEvents); const r = held.release(watermark); post(batchOf(r, 0, r.length));
 */
export class SerialisedUnits {
  private held: Unit[] = [];
  /**
   * The buffers of units fully released and sent, to be written again: a day of units is released at once, and the
   * next day's take their buffers. No more is kept than twice what the units added since the last release took
   * (days differ: a smaller day after a larger one would otherwise let go of the buffers the next larger one needs).
   */
  private readonly pool = new BufferPool(Number.POSITIVE_INFINITY);
  private addedBytes = 0;

  /** Serialises a unit's events (in time order, ids set) and holds them until they are released. */
  add(events: SimEvent[]): void {
    const n = events.length;
    if (n === 0) return;
    const u = new Unit(this.pool.take(n * 600), this.pool.take(batchBytes(n, 0)), n);
    const w = new JsonBytes(u.bytes, this.pool);
    const m = MARKS;
    for (let i = 0; i < n; i++) {
      const e = events[i];
      const start = w.at;
      w.ascii = true;
      u.start[i] = start;
      u.ts[i] = e.ts;
      u.types[i] = typeIndex.get(e.event_type)!;
      writeEnvelope(w, e, PLACEHOLDER, m);
      u.stamp[i] = m.stampAt - start;
      u.idAt[i] = m.idAt;
      u.idEnd[i] = m.idEnd;
      u.keyAt[i] = m.keyAt;
      u.keyEnd[i] = m.keyEnd;
      u.ascii[i] = w.ascii ? 1 : 0;
    }
    u.bytes = w.bytes;
    u.start[n] = w.at;
    this.addedBytes += u.bytes.length + u.arrays.length;
    this.held.push(u);
  }

  /**
   * Releases every held event before `watermark`, merged from the units in (event_ts, event_id) order. The previous
   * release must have been copied out: its units' buffers are written again once all their events are released.
   */
  release(watermark: number): Released {
    const kept: Unit[] = [];
    for (const u of this.held) {
      if (u.next < u.n) kept.push(u);
      else {
        this.pool.give(u.bytes);
        this.pool.give(u.arrays);
      }
    }
    this.pool.trim(2 * this.addedBytes);
    this.addedBytes = 0;
    this.held = kept;
    // A min-heap of the units whose next event is before the watermark.
    const heap = kept.filter((u) => u.ts[u.next] < watermark);
    const before = (a: Unit, b: Unit) => a.compare(a.next, b, b.next) < 0;
    const down = (k: number) => {
      for (;;) {
        const l = 2 * k + 1;
        const r = l + 1;
        let m = k;
        if (l < heap.length && before(heap[l], heap[m])) m = l;
        if (r < heap.length && before(heap[r], heap[m])) m = r;
        if (m === k) return;
        const t = heap[k];
        heap[k] = heap[m];
        heap[m] = t;
        k = m;
      }
    };
    for (let k = (heap.length >> 1) - 1; k >= 0; k--) down(k);
    let total = 0;
    for (const u of heap) for (let i = u.next; i < u.n && u.ts[i] < watermark; i++) total++;
    const unitOf = new Map(kept.map((u, i) => [u, i]));
    const out: Released = { units: kept, unit: new Uint32Array(total), index: new Uint32Array(total), length: total };
    for (let k = 0; k < total; k++) {
      const u = heap[0];
      out.unit[k] = unitOf.get(u)!;
      out.index[k] = u.next++;
      if (u.next === u.n || u.ts[u.next] >= watermark) {
        heap[0] = heap[heap.length - 1];
        heap.pop();
      }
      down(0);
    }
    return out;
  }
}

/** Bytes of the envelopes of released events `from` to `to` (exclusive). */
export function batchSize(r: Released, from: number, to: number): number {
  let size = 0;
  for (let k = from; k < to; k++) {
    const u = r.units[r.unit[k]];
    const i = r.index[k];
    size += u.start[i + 1] - u.start[i];
  }
  return size;
}

/** Writes released events `from` to `to` (exclusive) as a batch for the reader into `v` (batchViews). */
export function writeBatch(r: Released, from: number, to: number, v: BatchViews): void {
  const count = to - from;
  const out = v.lines;
  let at = 0;
  // Envelopes next to each other in one unit are copied in one piece.
  let run: Unit | undefined;
  let runFrom = 0;
  let runTo = 0;
  for (let k = 0; k < count; k++) {
    const u = r.units[r.unit[from + k]];
    const i = r.index[from + k];
    const s = u.start[i];
    const e = u.start[i + 1];
    if (u !== run || s !== runTo) {
      if (run) run.bytes.copy(out, at - (runTo - runFrom), runFrom, runTo);
      run = u;
      runFrom = s;
    }
    runTo = e;
    const shift = at - s;
    v.ts[k] = u.ts[i];
    v.types[k] = u.types[i];
    v.start[k] = at;
    v.idAt[k] = u.idAt[i] + shift;
    v.idEnd[k] = u.idEnd[i] + shift;
    v.keyAt[k] = u.keyAt[i] + shift;
    v.keyEnd[k] = u.keyEnd[i] + shift;
    v.stamp[k] = at + u.stamp[i];
    v.ascii[k] = u.ascii[i];
    at += e - s;
  }
  if (run) run.bytes.copy(out, at - (runTo - runFrom), runFrom, runTo);
  v.start[count] = at;
}

/** Released events `from` to `to` (exclusive) as a batch in a buffer of its own. */
export function batchOf(r: Released, from: number, to: number): BatchViews & { buffer: ArrayBuffer; size: number } {
  const size = batchSize(r, from, to);
  const buffer = new ArrayBuffer(batchBytes(to - from, size));
  const v = batchViews(buffer, 0, to - from, size);
  writeBatch(r, from, to, v);
  return { ...v, buffer, size };
}
