// The recent events of the live stream, for the dashboard's tail and the SSE feed: a bounded ring buffer fed by
// the pipeline's batchSent hook (delivered events only), so that memory stays flat whatever the rate.

import type { StreamEnvelope } from '../events/record-envelope.js';
import { eventKey, eventType, type OutEvent, type SinkBatch } from '../sinks/types.js';

export interface RecentEvent {
  /** Position in this buffer's feed (1, 2, ...), to ask for what came after. */
  seq: number;
  destination: string;
  envelope: StreamEnvelope;
}

/** A kept event: its envelope is parsed only if it is asked for. */
interface Kept {
  seq: number;
  destination: string;
  event: OutEvent;
}

const shown = (k: Kept): RecentEvent => ({ seq: k.seq, destination: k.destination, envelope: k.event.envelope });

/**
 * @example const r = new RecentEvents(500); r.addBatch(batch); r.since(0, 50);
 */
export class RecentEvents {
  private readonly ring: (Kept | undefined)[];
  private next = 1;

  constructor(readonly capacity = 1000) {
    this.ring = new Array(capacity);
  }

  /** The seq of the newest event (0 when none yet). */
  get last(): number {
    return this.next - 1;
  }

  addBatch(batch: SinkBatch): void {
    const events = batch.events;
    // Only the tail of a batch larger than the buffer could survive; skip the rest.
    for (let i = Math.max(0, events.length - this.capacity); i < events.length; i++) {
      const seq = this.next++;
      this.ring[seq % this.capacity] = { seq, destination: batch.destination, event: events[i] };
    }
  }

  /** Up to `max` of the newest events after `seq`, oldest first. */
  since(seq: number, max: number): RecentEvent[] {
    const from = Math.max(seq + 1, this.next - Math.min(max, this.capacity));
    const out: RecentEvent[] = [];
    for (let s = from; s < this.next; s++) {
      const e = this.ring[s % this.capacity];
      if (e && e.seq === s) out.push(shown(e));
    }
    return out;
  }

  /** The newest `limit` events matching the filter, oldest first. */
  list(limit: number, filter: { type?: string; partition_key?: string } = {}): RecentEvent[] {
    const out: RecentEvent[] = [];
    for (let s = this.next - 1; s >= Math.max(1, this.next - this.capacity) && out.length < limit; s--) {
      const e = this.ring[s % this.capacity];
      if (!e || e.seq !== s) continue;
      if (filter.type && eventType(e.event) !== filter.type) continue;
      if (filter.partition_key && eventKey(e.event) !== filter.partition_key) continue;
      out.push(shown(e));
    }
    return out.reverse();
  }
}
