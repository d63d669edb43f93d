// What the simulator source's main thread and its worker threads exchange (threads.ts, worker.ts).

import type { Part, SimSnapshot } from '../../simulate/simulator.js';

/** Batches a worker may send beyond those its reader took: enough for the reader while a unit (a store-day) is simulated. */
export const BATCHES_AHEAD = 16;
/** Events per batch a worker sends. */
export const EVENTS_PER_BATCH = 1000;
/** Slot of the shared flow-control array counting the batches the reader took (threads.ts's WorkerLink). */
export { FLOW_DONE as TAKEN, FLOW_STOP as STOP } from '../../threads.js';
/**
 * Workers serialise envelopes stamped with this ingest time; the reader writes the real one (an ISO time of the same
 * length, in ASCII) over it when the event is handed on.
 */
export const STAMP_PLACEHOLDER = '1970-01-01T00:00:00.000Z';

/**
 * Batches go through a ring of BATCHES_AHEAD slots of this size in memory shared with the reader, which copies a
 * batch out before it counts it taken (so the slot is free by the time the worker may write it again). A new buffer
 * per batch, transferred, made the worker's V8 start a full collection for every 64 MB of them (external memory):
 * about one a second. A batch larger than a slot goes in a buffer of its own, transferred.
 */
export const SLOT_BYTES = 1 << 20;

/** @example new Worker(url, { workerData: init }) */
export interface SimWorkerInit {
  config: unknown;
  startDay: number;
  snapshot?: SimSnapshot;
  part: Part;
  /** Stop before this simulated instant (UTC ms). */
  until?: number;
  /** Int32Array over a SharedArrayBuffer, slots TAKEN and STOP. */
  flow: SharedArrayBuffer;
  /** BATCHES_AHEAD slots of SLOT_BYTES. */
  ring: SharedArrayBuffer;
}

/**
 * A worker's events in (event_ts, event_id) order, packed (batchViews): in slot `slot` of the ring, or in `buffer`
 * when it did not fit one. `size` is the bytes of their envelopes.
 */
export interface SimBatch {
  type: 'batch';
  count: number;
  size: number;
  slot: number;
  buffer?: ArrayBuffer;
  /** Every later event of the part is at or after this time (UTC ms): the reader need not wait for it before. */
  watermark: number;
}

/**
 * A batch's arrays over one buffer. `lines` holds the events' envelopes one after the other, in UTF-8 (`ascii` tells
 * the events whose envelopes are all ASCII); `start` is where each one starts (one more entry: the end); `stamp`
 * where its placeholder ingest time starts; `idAt`/`idEnd` and `keyAt`/`keyEnd` where its id and partition key are,
 * in bytes of `lines`. `types` holds indexes in EVENT_TYPES.
 */
export interface BatchViews {
  ts: Float64Array;
  start: Uint32Array;
  idAt: Uint32Array;
  idEnd: Uint32Array;
  keyAt: Uint32Array;
  keyEnd: Uint32Array;
  stamp: Uint32Array;
  types: Uint8Array;
  ascii: Uint8Array;
  lines: Buffer;
}

/** Bytes of a packed batch of `count` events whose envelopes take `size` bytes. */
export function batchBytes(count: number, size: number): number {
  return 8 * count + 4 * (count + 1) + 20 * count + 2 * count + size;
}

/**
 * The arrays of a packed batch at `offset` (a multiple of 8) in `buffer`.
 * @example const v = batchViews(buffer, 0, 1000, size); v.lines.toString('utf8', v.start[0], v.start[1])
 */
export function batchViews(buffer: ArrayBufferLike, offset: number, count: number, size: number): BatchViews {
  let at = offset;
  const take = <T>(make: (b: ArrayBufferLike, at: number, n: number) => T, n: number, width: number): T => {
    const v = make(buffer, at, n);
    at += n * width;
    return v;
  };
  const u32 = (b: ArrayBufferLike, o: number, n: number) => new Uint32Array(b, o, n);
  const u8 = (b: ArrayBufferLike, o: number, n: number) => new Uint8Array(b, o, n);
  return {
    ts: take((b, o, n) => new Float64Array(b, o, n), count, 8),
    start: take(u32, count + 1, 4),
    idAt: take(u32, count, 4),
    idEnd: take(u32, count, 4),
    keyAt: take(u32, count, 4),
    keyEnd: take(u32, count, 4),
    stamp: take(u32, count, 4),
    types: take(u8, count, 1),
    ascii: take(u8, count, 1),
    lines: take((b, o, n) => Buffer.from(b, o, n), size, 1),
  };
}

export type SimWorkerMessage = SimBatch | { type: 'end' } | { type: 'error'; message: string };
