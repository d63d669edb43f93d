// Where the simulator source reads its events from, one at a time in (event_ts, event_id) order: the simulator in
// this thread, or worker threads that simulate parts of the world and serialise the envelopes (threads.ts).

import type { StreamEnvelope } from '../../events/record-envelope.js';
import type { EventType } from '../../events/types.js';
import type { SimContext } from '../../simulate/context.js';
import { envelopeJson } from '../../simulate/envelope.js';
import type { SimEvent } from '../../simulate/event-buffer.js';
import { type SimSnapshot, Simulator } from '../../simulate/simulator.js';
import { timeOrdered } from '../../simulate/time-order.js';
import type { SourceEvent } from '../types.js';

/** A serialised event: its JSON and the fields the pipeline needs; the envelope is parsed only if read. */
export class WireEvent implements SourceEvent {
  private parsed: StreamEnvelope | undefined = undefined;

  constructor(
    readonly seq: number,
    readonly at: number,
    readonly json: string,
    readonly type: EventType,
    readonly key: string,
    readonly id: string,
  ) {}

  get envelope(): StreamEnvelope {
    if (this.parsed === undefined) this.parsed = JSON.parse(this.json) as StreamEnvelope;
    return this.parsed;
  }
}

export interface SimCursor {
  /** Moves to the next event; false when there is none (a promise when the next one is still being made). */
  advance(): boolean | Promise<boolean>;
  /** The current event's simulated time (UTC ms), type and id. */
  readonly ts: number;
  readonly type: EventType;
  readonly id: string;
  /** The current event as the pipeline takes it, at position `seq`, handed on at `at` (its ingest time). */
  take(seq: number, at: number): SourceEvent;
  close(): Promise<void>;
}

/** The simulator in this thread. */
export class LocalCursor implements SimCursor {
  private readonly days: Generator<SimEvent[]>;
  private day: SimEvent[] = [];
  private i = -1;

  constructor(ctx: SimContext, startDay: number, snapshot?: SimSnapshot) {
    // A fresh simulator every time: positions count from the same starting state.
    const sim = new Simulator(ctx, startDay, undefined, snapshot ? structuredClone(snapshot) : undefined);
    this.days = timeOrdered(sim, Number.MAX_SAFE_INTEGER);
  }

  advance(): boolean {
    if (++this.i < this.day.length) return true;
    for (;;) {
      const next = this.days.next();
      if (next.done) return false;
      this.day = next.value;
      this.i = 0;
      if (this.day.length > 0) return true;
    }
  }

  get ts(): number {
    return this.day[this.i].ts;
  }

  get type(): EventType {
    return this.day[this.i].event_type;
  }

  get id(): string {
    return this.day[this.i].event_id;
  }

  take(seq: number, at: number): SourceEvent {
    const e = this.day[this.i];
    return new WireEvent(seq, at, envelopeJson(e, at), e.event_type, e.partition_key, e.event_id);
  }

  async close(): Promise<void> {
    this.days.return(undefined);
  }
}
