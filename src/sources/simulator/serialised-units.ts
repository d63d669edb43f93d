// A simulator thread's events between their simulation and their release, serialised: each unit (store-day, DC-day,
// marketing-day) is written as soon as it is simulated, as UTF-8 envelopes in one buffer off the JavaScript heap, so that
// a day of held events is neither copied nor marked by the garbage collector (held as strings, they took a fifth of
// the thread's time in collections). A release merges the units in (event_ts, event_id) order up to a watermark;
// batches are then copied out of the units' buffers.

import { EVENT_TYPES, type EventType } from '../../events/types.js';
import { asciiBytes, type EnvelopeMarks, JsonBytes, writeEnvelope } from '../../simulate/envelope-bytes.js';
import type { SimEvent } from '../../simulate/event-buffer.js';
import { type SimBatch, STAMP_PLACEHOLDER } from './thread-messages.js';

const typeIndex = new Map<EventType, number>(EVENT_TYPES.map((t, i) => [t, i]));
const PLACEHOLDER = asciiBytes(STAMP_PLACEHOLDER);

/**
 * One unit's events in time order: their envelopes one after the other, and where each one's id and partition key
 * are inside it.
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
    readonly n: number,
  ) {
    this.start = new Uint32Array(n + 1);
    this.idAt = new Uint32Array(n);
    this.idEnd = new Uint32Array(n);
    this.keyAt = new Uint32Array(n);
    this.keyEnd = new Uint32Array(n);
    this.ts = new Float64Array(n);
    this.types = new Uint8Array(n);
    this.stamp = new Uint32Array(n);
    this.ascii = new Uint8Array(n);
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
  /** Buffers of units fully released and sent, to be written again. */
  private spare: Buffer[] = [];
  /** Units added since the last release. */
  private added = 0;

  /** Serialises a unit's events (in time order, ids set) and holds them until they are released. */
  add(events: SimEvent[]): void {
    const n = events.length;
    if (n === 0) return;
    this.added++;
    const u = new Unit(this.buffer(n * 600), n);
    const w = new JsonBytes(u.bytes);
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
    if (w.bytes !== u.bytes) {
      this.spare.push(u.bytes);
      u.bytes = w.bytes;
    }
    const at = w.at;
    u.start[n] = at;
    this.held.push(u);
  }

  /** A buffer of at least `size` bytes: a spare one if one is large enough. */
  private buffer(size: number): Buffer {
    for (let i = 0; i < this.spare.length; i++) {
      if (this.spare[i].length >= size) {
        const b = this.spare[i];
        this.spare[i] = this.spare[this.spare.length - 1];
        this.spare.pop();
        return b;
      }
    }
    return Buffer.allocUnsafe(size);
  }

  /**
   * Releases every held event before `watermark`, merged from the units in (event_ts, event_id) order. The previous
   * release must have been copied out: its units' buffers are written again once all their events are released.
   */
  release(watermark: number): Released {
    const kept: Unit[] = [];
    for (const u of this.held) {
      if (u.next < u.n) kept.push(u);
      else this.spare.push(u.bytes);
    }
    this.held = kept;
    // A day's worth of spare buffers, the largest: the rest would only pile up when unit sizes vary.
    if (this.spare.length > this.added) {
      this.spare.sort((a, b) => b.length - a.length);
      this.spare.length = this.added;
    }
    this.added = 0;
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

/** Released events `from` to `to` (exclusive) as a batch for the reader: their envelopes copied into one buffer. */
export function batchOf(r: Released, from: number, to: number): Omit<SimBatch, 'type' | 'watermark'> {
  const count = to - from;
  let size = 0;
  for (let k = from; k < to; k++) {
    const u = r.units[r.unit[k]];
    const i = r.index[k];
    size += u.start[i + 1] - u.start[i];
  }
  const lines = new ArrayBuffer(size);
  const out = Buffer.from(lines);
  const ts = new Float64Array(count);
  const types = new Uint8Array(count);
  const start = new Uint32Array(count + 1);
  const idAt = new Uint32Array(count);
  const idEnd = new Uint32Array(count);
  const keyAt = new Uint32Array(count);
  const keyEnd = new Uint32Array(count);
  const stamp = new Uint32Array(count);
  const ascii = new Uint8Array(count);
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
    ts[k] = u.ts[i];
    types[k] = u.types[i];
    start[k] = at;
    idAt[k] = u.idAt[i] + shift;
    idEnd[k] = u.idEnd[i] + shift;
    keyAt[k] = u.keyAt[i] + shift;
    keyEnd[k] = u.keyEnd[i] + shift;
    stamp[k] = at + u.stamp[i];
    ascii[k] = u.ascii[i];
    at += e - s;
  }
  if (run) run.bytes.copy(out, at - (runTo - runFrom), runFrom, runTo);
  start[count] = at;
  return { ts, types, lines, start, idAt, idEnd, keyAt, keyEnd, stamp, ascii };
}
