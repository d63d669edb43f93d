// A simulator source worker thread: simulates its part of the world (simulator.ts's parts: DC groups, marketing
// with part 1) in event-time order, and serialises each event's envelope, so that the main thread only merges the
// parts, stamps the ingest time and hands the JSON on. At most BATCHES_AHEAD batches ahead of the reader.

import { parentPort, workerData } from 'node:worker_threads';
import { configSchema } from '../../config/schema.js';
import { buildContext } from '../../simulate/context.js';
import { Simulator } from '../../simulate/simulator.js';
import { nextDayStart } from '../../simulate/time-order.js';
import { waitForRoom } from '../../threads.js';
import { buildWorld } from '../../world/build.js';
import { batchOf, batchSize, type Released, SerialisedUnits, writeBatch } from './serialised-units.js';
import {
  BATCHES_AHEAD,
  batchBytes,
  batchViews,
  EVENTS_PER_BATCH,
  type SimWorkerInit,
  type SimWorkerMessage,
  STOP,
  TAKEN,
} from './thread-messages.js';

class Stopped extends Error {}

const init = workerData as SimWorkerInit;
const port = parentPort!;
const flow = new Int32Array(init.flow);
const until = init.until;
const slotBytes = init.ring.byteLength / BATCHES_AHEAD;
let sent = 0;

function post(m: SimWorkerMessage): void {
  port.postMessage(m);
}

/** True when the reader has room for another batch. */
function room(): boolean {
  return sent - Atomics.load(flow, TAKEN) < BATCHES_AHEAD;
}

/** Waits until the reader has room for another batch. */
function waitUntilRoom(): void {
  if (!waitForRoom(flow, sent, BATCHES_AHEAD)) throw new Stopped();
}

/**
 * Sends the events released in time order, a batch at a time, while the next day is simulated: after each unit it
 * sends what the reader has room for, and the rest once the day is done.
 */
class Sender {
  private released: Released | undefined;
  private next = 0;
  /** The watermark of the current release: every event after it is at or after this time. */
  private watermark = Number.NEGATIVE_INFINITY;
  /** Set once the stream reached `until`: nothing more is sent. */
  ended = false;

  /** Sends while the reader has room (or, when `wait`, until all released events are sent). */
  pump(wait: boolean): void {
    while (this.released !== undefined && this.next < this.released.length && !this.ended) {
      if (wait) waitUntilRoom();
      else if (!room()) return;
      this.sendBatch(this.released);
    }
  }

  /** Takes the next release, once the last one is sent; an empty one is passed on for its watermark. */
  release(r: Released, watermark: number): void {
    this.released = r;
    this.next = 0;
    this.watermark = watermark;
    if (r.length === 0 && !this.ended) {
      waitUntilRoom();
      this.post(r, 0, 0, watermark);
    }
  }

  private sendBatch(r: Released): void {
    const first = this.next;
    let count = Math.min(EVENTS_PER_BATCH, r.length - first);
    for (let k = 0; k < count; k++) {
      if (until !== undefined && r.units[r.unit[first + k]].ts[r.index[first + k]] >= until) {
        this.ended = true;
        count = k;
      }
    }
    this.next += count;
    if (count === 0) return;
    // The release is in time order: what follows this batch starts at its next event, or at the release's watermark.
    const after = this.next < r.length ? r.units[r.unit[this.next]].ts[r.index[this.next]] : this.watermark;
    this.post(r, first, first + count, after);
  }

  /** Posts released events `from` to `to` in the next slot of the ring (the reader has room), or on their own. */
  private post(r: Released, from: number, to: number, watermark: number): void {
    const count = to - from;
    const size = batchSize(r, from, to);
    if (batchBytes(count, size) <= slotBytes) {
      const slot = sent % BATCHES_AHEAD;
      writeBatch(r, from, to, batchViews(init.ring, slot * slotBytes, count, size));
      post({ type: 'batch', count, size, slot, watermark });
    } else {
      const { buffer } = batchOf(r, from, to);
      port.postMessage({ type: 'batch', count, size, slot: -1, buffer, watermark } satisfies SimWorkerMessage, [
        buffer,
      ]);
    }
    sent++;
  }
}

function run(): void {
  const config = configSchema.parse(init.config);
  const sim = new Simulator(
    buildContext(config, buildWorld(config)),
    init.startDay,
    undefined,
    init.snapshot,
    init.part,
  );
  const sender = new Sender();
  const held = new SerialisedUnits();
  for (;;) {
    // While a day is simulated, the day before is sent as the reader takes it.
    sim.streamDay((unit) => {
      held.add(unit);
      sender.pump(false);
    });
    sender.pump(true);
    const watermark = nextDayStart(sim);
    sender.release(held.release(watermark), watermark);
    // Past `until`, no later day has anything to send.
    if (sender.ended || (until !== undefined && watermark >= until) || Atomics.load(flow, STOP) === 1) break;
  }
  sender.pump(true);
}

try {
  run();
  post({ type: 'end' });
} catch (err) {
  if (!(err instanceof Stopped)) post({ type: 'error', message: (err as Error).stack ?? String(err) });
}
