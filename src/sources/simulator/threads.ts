// The simulator on worker threads: each simulates a part of the world (worker.ts) and sends its events already
// serialised; this thread merges the parts in (event_ts, event_id) order — the order of a single simulator, so
// positions and ids do not depend on the number of threads — and stamps each event's ingest time as it is taken.
// The events go on as views of the batches' bytes: their text is decoded only if something reads it (a file or
// Kafka sink writes the bytes).

import type { Config } from '../../config/schema.js';
import type { StreamEnvelope } from '../../events/record-envelope.js';
import { EVENT_TYPES, type EventType } from '../../events/types.js';
import { iso } from '../../simulate/event-buffer.js';
import type { SimSnapshot } from '../../simulate/simulator.js';
import { WorkerLink } from '../../threads.js';
import type { SourceEvent } from '../types.js';
import type { SimCursor } from './cursor.js';
import {
  BATCHES_AHEAD,
  type BatchViews,
  batchBytes,
  batchViews,
  type SimWorkerInit,
  type SimWorkerMessage,
  SLOT_BYTES,
} from './thread-messages.js';

/**
 * Old-generation cap of a thread: the default world (86 stores, two parts: ~300 MB of world) runs well under 1 GiB;
 * about 16 MB more for each store of the part. Set when the day's events were held as strings on the heap (two days
 * of ~6,600 events of ~600 B per store); they are now in buffers off the heap (serialised-units.ts), so the cap is
 * generous.
 */
function oldGenerationMb(init: Omit<SimWorkerInit, 'flow' | 'ring'>): number {
  const stores = (init.config as Config).volume.stores;
  return Math.max(1024, 384 + 16 * Math.ceil(stores / init.part.count));
}

/** A batch of a thread as the reader holds it: the envelopes' bytes and where each event's parts are. */
type Batch = Pick<BatchViews, 'lines' | 'start' | 'idAt' | 'idEnd' | 'keyAt' | 'keyEnd' | 'ascii'>;

const EMPTY: BatchViews = batchViews(new ArrayBuffer(batchBytes(0, 0)), 0, 0, 0);

/**
 * An event of a thread's batch: its JSON, id and partition key are read from the batch's bytes only when asked for
 * (the file sink reads none of them as text, the JSON's bytes only).
 */
class ThreadEvent implements SourceEvent {
  private parsed: StreamEnvelope | undefined = undefined;
  private text: string | undefined = undefined;
  private idText: string | undefined = undefined;
  private keyText: string | undefined = undefined;

  /** Event `i` of `batch`. */
  constructor(
    readonly seq: number,
    readonly at: number,
    readonly type: EventType,
    private readonly batch: Batch,
    private readonly i: number,
  ) {}

  /** The JSON as UTF-8: a view of the batch (made on each read). */
  get bytes(): Uint8Array {
    const b = this.batch;
    const from = b.start[this.i];
    return new Uint8Array(b.lines.buffer, b.lines.byteOffset + from, b.start[this.i + 1] - from);
  }

  get json(): string {
    if (this.text === undefined) {
      const b = this.batch;
      this.text = b.lines.toString(b.ascii[this.i] === 1 ? 'latin1' : 'utf8', b.start[this.i], b.start[this.i + 1]);
    }
    return this.text;
  }

  // Ids and partition keys are ASCII.
  get id(): string {
    if (this.idText === undefined) {
      const b = this.batch;
      this.idText = b.lines.toString('latin1', b.idAt[this.i], b.idEnd[this.i]);
    }
    return this.idText;
  }

  get key(): string {
    if (this.keyText === undefined) {
      const b = this.batch;
      this.keyText = b.lines.toString('latin1', b.keyAt[this.i], b.keyEnd[this.i]);
    }
    return this.keyText;
  }

  get envelope(): StreamEnvelope {
    if (this.parsed === undefined) this.parsed = JSON.parse(this.json) as StreamEnvelope;
    return this.parsed;
  }
}

/** One worker and the batch of it being read. */
class PartReader {
  private readonly link: WorkerLink<Exclude<SimWorkerMessage, { type: 'error' }>>;
  /** Where the worker writes its batches (thread-messages.ts). */
  private readonly ring: SharedArrayBuffer;
  private readonly slotBytes: number;
  ended = false;
  batch: BatchViews = EMPTY;
  ts: Float64Array = EMPTY.ts;
  types: Uint8Array = EMPTY.types;
  stamp: Uint32Array = EMPTY.stamp;
  i = 0;
  n = 0;
  /** Every event of the part after those loaded is at or after this time. */
  watermark = Number.NEGATIVE_INFINITY;

  constructor(init: Omit<SimWorkerInit, 'flow' | 'ring'>, slotBytes = SLOT_BYTES) {
    this.slotBytes = slotBytes;
    this.ring = new SharedArrayBuffer(BATCHES_AHEAD * slotBytes);
    this.link = new WorkerLink(import.meta.url, './worker', 'simulator thread', (flow) => ({
      workerData: { ...init, flow, ring: this.ring } satisfies SimWorkerInit,
      // Simulating makes many short-lived objects: a larger young generation than a worker's default saves
      // copying them from scavenge to scavenge. The old generation holds the world and the simulation's state: the
      // cap grows with the part's stores, so that V8 collects before the heap swells (uncapped, when the events
      // were held on the heap: 2.8 GiB of RSS for the default world instead of 2.0) and a large world is not
      // stopped by it. A worker's young generation of 192 MB was not faster (2 alternating runs each).
      resourceLimits: {
        maxOldGenerationSizeMb: oldGenerationMb(init),
        maxYoungGenerationSizeMb: 96,
      },
    }));
  }

  /** Loads the worker's next batch (or learns that it ended). */
  async refill(): Promise<void> {
    const m = await this.link.next();
    if (m.type === 'end') {
      this.ended = true;
      return;
    }
    // A batch in the ring is copied out before it is counted taken: the worker may then write its slot again.
    let buffer = m.buffer;
    if (buffer === undefined) {
      const bytes = batchBytes(m.count, m.size);
      buffer = new ArrayBuffer(bytes);
      new Uint8Array(buffer).set(new Uint8Array(this.ring, m.slot * this.slotBytes, bytes));
    }
    const b = batchViews(buffer, 0, m.count, m.size);
    this.batch = b;
    this.ts = b.ts;
    this.types = b.types;
    this.stamp = b.stamp;
    this.i = 0;
    this.n = m.count;
    this.watermark = m.watermark;
    this.link.done();
  }

  /** The current event's id. */
  id(): string {
    const b = this.batch;
    return b.lines.toString('latin1', b.idAt[this.i], b.idEnd[this.i]);
  }

  /** The current event, its ingest time written over the placeholder. */
  take(seq: number, at: number, ingest: Uint8Array): ThreadEvent {
    const i = this.i;
    this.batch.lines.set(ingest, this.stamp[i]);
    return new ThreadEvent(seq, at, EVENT_TYPES[this.types[i]], this.batch, i);
  }

  close(): Promise<void> {
    return this.link.close();
  }
}

export interface ThreadedCursorOptions {
  config: Config;
  startDay: number;
  snapshot?: SimSnapshot;
  /** Worker threads: the world's DC groups are dealt among them. */
  threads: number;
  /** Stop before this simulated instant (UTC ms). */
  until?: number;
  /** Size of a slot of the ring each worker writes its batches to (SLOT_BYTES; smaller in tests). */
  slotBytes?: number;
}

/** @example const c = new ThreadedCursor({ config, startDay, threads: 2 }); while (await c.advance()) c.take(seq, Date.now()); */
export class ThreadedCursor implements SimCursor {
  private readonly readers: PartReader[];
  private cur: PartReader | undefined;
  private stampedAt = Number.NaN;
  private stamp: Uint8Array = new Uint8Array(0);

  constructor(opts: ThreadedCursorOptions) {
    const config = JSON.parse(JSON.stringify(opts.config));
    const threads = opts.threads;
    this.readers = Array.from(
      { length: threads },
      (_, i) =>
        new PartReader(
          {
            config,
            startDay: opts.startDay,
            snapshot: opts.snapshot,
            part: { index: i + 1, count: threads },
            until: opts.until,
          },
          opts.slotBytes,
        ),
    );
  }

  advance(): boolean | Promise<boolean> {
    if (this.cur) this.cur.i++;
    return this.pick();
  }

  /**
   * Moves to the part whose next event comes first: earliest time, then lowest id (as one simulator orders them).
   * A part whose batch is used up is waited for only if its watermark does not put its next event after that one.
   */
  private pick(): boolean | Promise<boolean> {
    let best: PartReader | undefined;
    for (const r of this.readers) {
      if (r.i >= r.n) continue;
      if (best === undefined || r.ts[r.i] < best.ts[best.i] || (r.ts[r.i] === best.ts[best.i] && r.id() < best.id()))
        best = r;
    }
    for (const r of this.readers) {
      if (r.i >= r.n && !r.ended && (best === undefined || r.watermark <= best.ts[best.i])) return this.refill(r);
    }
    this.cur = best;
    return best !== undefined;
  }

  private async refill(r: PartReader): Promise<boolean> {
    await r.refill();
    return this.pick();
  }

  get ts(): number {
    const r = this.cur!;
    return r.ts[r.i];
  }

  get type(): EventType {
    const r = this.cur!;
    return EVENT_TYPES[r.types[r.i]];
  }

  get id(): string {
    return this.cur!.id();
  }

  take(seq: number, at: number): SourceEvent {
    const r = this.cur!;
    // Many events are taken in the same millisecond.
    if (at !== this.stampedAt) {
      this.stampedAt = at;
      this.stamp = Buffer.from(iso(at), 'latin1');
    }
    return r.take(seq, at, this.stamp);
  }

  async close(): Promise<void> {
    await Promise.all(this.readers.map((r) => r.close()));
  }
}
