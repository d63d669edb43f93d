// Groups routed events into batches per destination: sent when full (events or bytes) or after lingering.

import { eventSize, type OutEvent, type SinkBatch } from '../sinks/types.js';

export interface BatcherOptions {
  maxEvents: number;
  maxBytes: number;
  lingerMs: number;
}

const NONE: SinkBatch[] = [];

interface Open {
  events: OutEvent[];
  bytes: number;
  since: number;
  /** Events (and their bytes) a sink held back from the last batch, in front: they do not count towards full. */
  held: number;
  heldBytes: number;
  /** Holds an urgent (critical) event: due at once. */
  urgent: boolean;
}

/**
 * @example const b = new Batcher({ maxEvents: 256, maxBytes: 1 << 20, lingerMs: 50 }); const full = b.add(e, now);
 */
export class Batcher {
  private readonly open = new Map<string, Open>();

  constructor(private readonly opts: BatcherOptions) {}

  /** Adds an event; returns the batches it completed (the one it closed, if any; a shared empty array if none). */
  add(e: OutEvent, now: number): readonly SinkBatch[] {
    let out: SinkBatch[] = NONE;
    let b = this.open.get(e.destination);
    const size = eventSize(e);
    // An event that would overflow the bytes limit closes the current batch first.
    if (b && b.events.length > b.held && b.bytes - b.heldBytes + size > this.opts.maxBytes) {
      out = [this.close(e.destination, b, now)];
      b = undefined;
    }
    if (!b) {
      b = { events: [], bytes: 0, since: now, held: 0, heldBytes: 0, urgent: false };
      this.open.set(e.destination, b);
    }
    e.batchedAt ??= now;
    b.events.push(e);
    b.bytes += size;
    if (e.urgent) b.urgent = true;
    if (b.events.length - b.held >= this.opts.maxEvents || b.bytes - b.heldBytes >= this.opts.maxBytes) {
      const full = this.close(e.destination, b, now);
      out = out === NONE ? [full] : [...out, full];
    }
    return out;
  }

  /**
   * Puts back, in front of the destination's open batch, events a sink held back; they keep the time they were
   * first batched, so the batch is due when the oldest of them has lingered its time.
   */
  restore(destination: string, events: readonly OutEvent[]): void {
    if (events.length === 0) return;
    let bytes = 0;
    let openedAt = Number.POSITIVE_INFINITY;
    for (const e of events) {
      bytes += eventSize(e);
      openedAt = Math.min(openedAt, e.batchedAt ?? 0);
    }
    const b = this.open.get(destination);
    if (!b) {
      this.open.set(destination, {
        events: [...events],
        bytes,
        since: openedAt,
        held: events.length,
        heldBytes: bytes,
        urgent: false,
      });
      return;
    }
    b.events = [...events, ...b.events];
    b.bytes += bytes;
    b.held += events.length;
    b.heldBytes += bytes;
    b.since = Math.min(b.since, openedAt);
  }

  /** Batches that have lingered long enough (all of them with `all`), those holding urgent events first. */
  due(now: number, all = false): SinkBatch[] {
    const out: SinkBatch[] = [];
    for (const [d, b] of this.open) if (b.urgent) out.push(this.close(d, b, now, !all));
    for (const [d, b] of this.open)
      if (all || now - b.since >= this.opts.lingerMs) out.push(this.close(d, b, now, !all));
    return out;
  }

  /** Time until the oldest open batch is due, or null when none is open. */
  nextDueIn(now: number): number | null {
    let min: number | null = null;
    for (const b of this.open.values()) {
      const left = b.urgent ? 0 : Math.max(0, this.opts.lingerMs - (now - b.since));
      min = min === null ? left : Math.min(min, left);
    }
    return min;
  }

  get pending(): number {
    let n = 0;
    for (const b of this.open.values()) n += b.events.length;
    return n;
  }

  /**
   * Closes a batch. A sink may hold back events that have not lingered their time yet (not when draining); so a
   * batch closed for lingering still sends its old events and may keep the young ones.
   */
  private close(destination: string, b: Open, now: number, mayHold = true): SinkBatch {
    this.open.delete(destination);
    return {
      destination,
      events: b.events,
      bytes: b.bytes,
      ...(mayHold ? { holdSince: now - this.opts.lingerMs } : {}),
    };
  }
}
