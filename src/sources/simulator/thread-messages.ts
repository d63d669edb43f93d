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
}

/**
 * A worker's events in (event_ts, event_id) order. `lines` holds their envelopes one after the other, in UTF-8
 * (`ascii` tells the events whose envelopes are all ASCII); `start` is where each one starts (one more entry: the
 * end), `stamp` where its placeholder ingest time starts, in bytes.
 */
export interface SimBatch {
  type: 'batch';
  ts: Float64Array<ArrayBuffer>;
  /** Index in EVENT_TYPES. */
  types: Uint8Array<ArrayBuffer>;
  lines: ArrayBuffer;
  start: Uint32Array<ArrayBuffer>;
  /** Where each event's id and partition key start and end, inside its envelope. */
  idAt: Uint32Array<ArrayBuffer>;
  idEnd: Uint32Array<ArrayBuffer>;
  keyAt: Uint32Array<ArrayBuffer>;
  keyEnd: Uint32Array<ArrayBuffer>;
  stamp: Uint32Array<ArrayBuffer>;
  ascii: Uint8Array<ArrayBuffer>;
  /** Every later event of the part is at or after this time (UTC ms): the reader need not wait for it before. */
  watermark: number;
}

export type SimWorkerMessage = SimBatch | { type: 'end' } | { type: 'error'; message: string };
