// A sink for tests that fails, slows down or stalls on command, and records what it delivered.

import { DatagenError } from '../../src/errors.js';
import { mayHold, type OutEvent, type SendOutcome, type Sink, type SinkBatch } from '../../src/sinks/types.js';

export class FaultSink implements Sink {
  readonly kind = 'fault';
  readonly delivered: OutEvent[] = [];
  readonly calls: { at: number; size: number; ok: boolean }[] = [];
  /** Fail this many sends (all events, retriable). */
  failNext = 0;
  /** Fail every send while true (retriable). */
  down = false;
  /** Events failing for good (not retriable). */
  fatalWhen: (e: OutEvent) => boolean = () => false;
  delayMs = 0;
  /**
   * Events of these partition keys are held back (answered `held`) when the batch allows it for all of the key's
   * events (SinkBatch.holdSince), as the Event Hubs sink holds a partition's last batch.
   */
  holdKeys: (key: string) => boolean = () => false;
  /** Events answered `held`, and the largest batch seen. */
  heldCount = 0;
  maxBatch = 0;
  private stall: { promise: Promise<void>; release: () => void } | null = null;
  closed = false;

  async open(): Promise<void> {}

  stallSends(): void {
    let release!: () => void;
    this.stall = { promise: new Promise<void>((r) => (release = r)), release };
  }

  release(): void {
    this.stall?.release();
    this.stall = null;
  }

  async send(batch: SinkBatch): Promise<SendOutcome[]> {
    if (this.stall) await this.stall.promise;
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    const at = Date.now();
    if (this.down || this.failNext > 0) {
      if (this.failNext > 0) this.failNext--;
      this.calls.push({ at, size: batch.events.length, ok: false });
      const error = new DatagenError('SINK_SEND_FAILED', 'injected: broker unavailable');
      return batch.events.map(() => ({ ok: false, retriable: true, error }));
    }
    this.calls.push({ at, size: batch.events.length, ok: true });
    this.maxBatch = Math.max(this.maxBatch, batch.events.length);
    const keep = new Map<string, boolean>();
    for (const e of batch.events) {
      const k = e.envelope.partition_key;
      keep.set(k, (keep.get(k) ?? this.holdKeys(k)) && mayHold(batch, e));
    }
    return batch.events.map((e): SendOutcome => {
      if (keep.get(e.envelope.partition_key)) {
        this.heldCount++;
        return { ok: false, held: true };
      }
      if (this.fatalWhen(e))
        return {
          ok: false,
          retriable: false,
          error: new DatagenError('SINK_FATAL', `injected: ${e.envelope.event_type} rejected (too large)`),
        };
      this.delivered.push(e);
      return { ok: true };
    });
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  ids(): Set<string> {
    return new Set(this.delivered.map((e) => e.envelope.event_id));
  }
}
