// A history worker thread: simulates its part of the DCs day after day and builds the fact-table chunks, which it
// transfers to the main thread to be stored; the main thread gives each stored chunk's buffers back for reuse.
// Simulating runs on while the main thread appends and commits, at most `chunksAhead` chunks ahead of it.

import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { configSchema } from '../config/schema.js';
import { buildContext } from '../simulate/context.js';
import { Simulator } from '../simulate/simulator.js';
import { type BuiltChunk, buffersOf, FactChunkBuilder } from '../store/chunk-builder.js';
import { waitForRoom } from '../threads.js';
import { buildWorld } from '../world/build.js';
import { STOP, type WorkerInit, type WorkerMessage } from './history-messages.js';

class Stopped extends Error {}

const init = workerData as WorkerInit;
const port = parentPort!;
const flow = new Int32Array(init.flow);
const builder = new FactChunkBuilder();
let sent = 0;

function takeReturns(): void {
  for (let m = receiveMessageOnPort(init.returns); m; m = receiveMessageOnPort(init.returns)) {
    builder.pool.put(m.message as ArrayBuffer[]);
  }
}

function send(chunk: BuiltChunk): void {
  if (!waitForRoom(flow, sent, init.chunksAhead)) throw new Stopped();
  takeReturns();
  port.postMessage({ type: 'chunk', chunk } satisfies WorkerMessage, buffersOf(chunk));
  sent++;
}

function run(): void {
  const config = configSchema.parse(init.config);
  const ctx = buildContext(config, buildWorld(config));
  const sim = new Simulator(ctx, init.startDay, init.shard, init.snapshot, init.part);
  for (let d = 0; d < init.days && Atomics.load(flow, STOP) === 0; d++) {
    const events = builder.events;
    const rows = builder.rows;
    const day = sim.streamDay((unit) => builder.add(unit, send));
    builder.flush(send);
    port.postMessage({
      type: 'day',
      day,
      events: builder.events - events,
      rows: builder.rows - rows,
      snapshot: JSON.stringify(sim.snapshot()),
    } satisfies WorkerMessage);
  }
}

try {
  run();
} catch (err) {
  if (!(err instanceof Stopped)) {
    port.postMessage({ type: 'error', message: (err as Error).stack ?? String(err) } satisfies WorkerMessage);
  }
}
init.returns.close();
