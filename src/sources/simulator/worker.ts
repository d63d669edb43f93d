// A simulator source worker thread: simulates its part of the world (simulator.ts's parts: DC groups, marketing
// with part 1) in event-time order, and serialises each event's envelope, so that the main thread only merges the
// parts, stamps the ingest time and hands the JSON on. At most BATCHES_AHEAD batches ahead of the reader.

import { parentPort, workerData } from 'node:worker_threads';
import { configSchema } from '../../config/schema.js';
import { EVENT_TYPES, type EventType } from '../../events/types.js';
import { buildContext } from '../../simulate/context.js';
import { envelopeJson } from '../../simulate/envelope.js';
import type { SimEvent } from '../../simulate/event-buffer.js';
import { Simulator } from '../../simulate/simulator.js';
import { timeOrderedAs } from '../../simulate/time-order.js';
import { waitForRoom } from '../../threads.js';
import { buildWorld } from '../../world/build.js';
import {
  BATCHES_AHEAD,
  EVENTS_PER_BATCH,
  type SimBatch,
  type SimWorkerInit,
  type SimWorkerMessage,
  STAMP_PLACEHOLDER,
  STOP,
  TAKEN,
} from './thread-messages.js';

class Stopped extends Error {}

const init = workerData as SimWorkerInit;
const port = parentPort!;
const flow = new Int32Array(init.flow);
const typeIndex = new Map<EventType, number>(EVENT_TYPES.map((t, i) => [t, i]));
const STAMP_FIELD = '"ingest_timestamp":"';
const ingestAt = Date.parse(STAMP_PLACEHOLDER);
const until = init.until;
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

/** An event serialised as soon as its unit is simulated (JSON with the placeholder ingest time). */
interface Serialised {
  ts: number;
  event_id: string;
  key: string;
  type: number;
  /** Where the placeholder ingest time starts in `json`. */
  stamp: number;
  json: string;
}

const SENT: Serialised = { ts: 0, event_id: '', key: '', type: 0, stamp: 0, json: '' };

function serialise(e: SimEvent): Serialised {
  const json = envelopeJson(e, ingestAt);
  // The payload comes first and holds no such field, so the last occurrence is the envelope's. The search also
  // flattens the text (a template's result is a tree of pieces), which matters: the event is held until its day is
  // released, and a day of unflattened envelopes (the offset computed from the pieces' lengths instead) made the
  // stream four times slower (bench/pipeline.ts --cases max: about 20,000 events/s against 90,000).
  const stamp = json.lastIndexOf(STAMP_FIELD) + STAMP_FIELD.length;
  return { ts: e.ts, event_id: e.event_id, key: e.partition_key, type: typeIndex.get(e.event_type)!, stamp, json };
}

/**
 * Sends the events released in time order, a batch at a time, while the next day is simulated: after each unit it
 * sends what the reader has room for, and the rest once the day is done.
 */
class Sender {
  private released: Serialised[] = [];
  private next = 0;
  /** The watermark of the current release: every event after it is at or after this time. */
  private watermark = Number.NEGATIVE_INFINITY;
  /** Set once the stream reached `until`: nothing more is sent. */
  ended = false;

  /** Sends while the reader has room (or, when `wait`, until all released events are sent). */
  pump(wait: boolean): void {
    while (this.next < this.released.length && !this.ended) {
      if (wait) waitUntilRoom();
      else if (!room()) return;
      this.sendBatch();
    }
  }

  /** Takes the next release, once the last one is sent; an empty one is passed on for its watermark. */
  release(events: Serialised[], watermark: number): void {
    this.pump(true);
    this.released = events;
    this.next = 0;
    this.watermark = watermark;
    if (events.length === 0 && !this.ended) {
      waitUntilRoom();
      this.post(new Float64Array(0), new Uint8Array(0), new Uint32Array(0), [], watermark);
    }
  }

  private sendBatch(): void {
    let count = Math.min(EVENTS_PER_BATCH, this.released.length - this.next);
    const first = this.next;
    for (let i = 0; i < count; i++) {
      if (until !== undefined && this.released[first + i].ts >= until) {
        this.ended = true;
        count = i;
      }
    }
    this.next += count;
    if (count === 0) return;
    const ts = new Float64Array(count);
    const types = new Uint8Array(count);
    const stamp = new Uint32Array(count);
    const text = new Array<string>(3 * count);
    for (let i = 0; i < count; i++) {
      const e = this.released[first + i];
      ts[i] = e.ts;
      types[i] = e.type;
      stamp[i] = e.stamp;
      text[3 * i] = e.json;
      text[3 * i + 1] = e.event_id;
      text[3 * i + 2] = e.key;
      // Sent: its memory may go while the rest of the day waits.
      this.released[first + i] = SENT;
    }
    // The release is in time order: what follows this batch starts at its next event, or at the release's watermark.
    const after = this.next < this.released.length ? this.released[this.next].ts : this.watermark;
    this.post(ts, types, stamp, text, after);
  }

  private post(
    ts: Float64Array<ArrayBuffer>,
    types: Uint8Array<ArrayBuffer>,
    stamp: Uint32Array<ArrayBuffer>,
    text: string[],
    watermark: number,
  ): void {
    const batch: SimBatch = { type: 'batch', ts, types, stamp, text: text.join('\n'), watermark };
    port.postMessage(batch, [ts.buffer, types.buffer, stamp.buffer]);
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
  for (const r of timeOrderedAs(sim, Number.MAX_SAFE_INTEGER, serialise, () => sender.pump(false))) {
    sender.release(r.events, r.watermark);
    // Past `until`, no later day has anything to send.
    if (sender.ended || (until !== undefined && r.watermark >= until) || Atomics.load(flow, STOP) === 1) break;
  }
  sender.pump(true);
}

try {
  run();
  post({ type: 'end' });
} catch (err) {
  if (!(err instanceof Stopped)) post({ type: 'error', message: (err as Error).stack ?? String(err) });
}
