// Groups routed events into batches per destination: sent when full (events or bytes) or after lingering.

import type { OutEvent, SinkBatch } from '../sinks/types.js';

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
    const size = e.json.length;
    // An event that would overflow the bytes limit closes the current batch first.
    if (b && b.events.length > 0 && b.bytes + size > this.opts.maxBytes) {
      out = [this.close(e.destination, b)];
      b = undefined;
    }
    if (!b) {
      b = { events: [], bytes: 0, since: now, urgent: false };
      this.open.set(e.destination, b);
    }
    b.events.push(e);
    b.bytes += size;
    if (e.urgent) b.urgent = true;
    if (b.events.length >= this.opts.maxEvents || b.bytes >= this.opts.maxBytes) {
      out = out === NONE ? [this.close(e.destination, b)] : [...out, this.close(e.destination, b)];
    }
    return out;
  }

  /** Batches that have lingered long enough (all of them with `all`), those holding urgent events first. */
  due(now: number, all = false): SinkBatch[] {
    const out: SinkBatch[] = [];
    for (const [d, b] of this.open) if (b.urgent) out.push(this.close(d, b));
    for (const [d, b] of this.open) if (all || now - b.since >= this.opts.lingerMs) out.push(this.close(d, b));
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

  private close(destination: string, b: Open): SinkBatch {
    this.open.delete(destination);
    return { destination, events: b.events, bytes: b.bytes };
  }
}
