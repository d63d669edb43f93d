// What every source is: an async iterator of event batches with a position that can be checkpointed.

import type { EventEnvelope } from '../events/envelope.js';

/** An event from a source, with its position in the source's stream (1, 2, ...). */
export interface SourceEvent {
  envelope: EventEnvelope;
  seq: number;
  /** The envelope's ingest_timestamp as UTC ms, when the source has it (saves parsing it back). */
  at?: number;
}

export interface Source {
  readonly name: string;
  /**
   * The events after position `after` (0 = from the start), in batches, until the source ends or `signal` aborts.
   * Positions are stable: the same source config always gives the same event at the same position.
   */
  batches(after: number, signal: AbortSignal): AsyncGenerator<SourceEvent[]>;
  /** A description of where the stream starts, for status and checkpoints (e.g. the simulated start time). */
  describe(): Record<string, unknown>;
}
