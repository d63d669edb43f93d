// What the history's main thread and its worker threads exchange (history-pipeline.ts, history-worker.ts).

import type { MessagePort } from 'node:worker_threads';
import type { Part, Shard, SimSnapshot } from '../simulate/simulator.js';
import type { BuiltChunk } from '../store/chunk-builder.js';

/**
 * Chunks the workers together may send beyond those stored (each gets its share): enough to go on simulating while
 * a day commits (about a second), so that a worker does not wait for the commit (bench/history.ts, 6 days, 3
 * alternating runs: 172,056 events/s median with 400 against 143,455 with 64, max RSS 915 vs 928 MiB: the buffers
 * come back to the pool). Shared, because chunks in flight are memory outside the workers' heaps (about 340 KB
 * each): 240 keeps a year's peak under 1 GiB (history-pipeline.ts, YOUNG_GENERATION_MB).
 */
export const MAX_CHUNKS_AHEAD = 240;
/** Slot of the shared flow-control array that the main thread sets to 1 to stop the worker (threads.ts). */
export { FLOW_STOP as STOP } from '../threads.js';

/**
 * What a worker starts from.
 * @example new Worker(url, { workerData: init, transferList: [init.returns] });
 */
export interface WorkerInit {
  config: unknown;
  startDay: number;
  days: number;
  shard: Shard;
  part: Part;
  snapshot?: SimSnapshot;
  /** Chunks this worker may send beyond those stored (its share of MAX_CHUNKS_AHEAD). */
  chunksAhead: number;
  /** Int32Array over a SharedArrayBuffer, slots FLOW_DONE and FLOW_STOP of threads.ts. */
  flow: SharedArrayBuffer;
  /** Where the main thread gives back the buffers of stored chunks. */
  returns: MessagePort;
}

/** A worker's messages: the chunks of a day, then the day itself with the snapshot after it. */
export type WorkerMessage =
  | { type: 'chunk'; chunk: BuiltChunk }
  /** `snapshot`: the part's SimSnapshot as JSON, which the main thread stores as it is when there is one part. */
  | { type: 'day'; day: number; events: number; rows: number; snapshot: string }
  | { type: 'error'; message: string };
