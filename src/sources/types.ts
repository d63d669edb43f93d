// What every source is: an async iterator of event batches with a position that can be checkpointed.

import type { StreamEnvelope } from '../events/record-envelope.js';
import type { Priority } from '../pipeline/queue.js';

/**
 * An event from a source, with its position in the source's stream (1, 2, ...). A source that serialised the
 * envelope already gives its JSON (as text, or as UTF-8 bytes) with the type, partition key and id, and may parse
 * `envelope` only when read.
 */
export interface SourceEvent {
  readonly envelope: StreamEnvelope;
  seq: number;
  /** The envelope as JSON; when set, so are `type`, `key` and `id` (decoded from `bytes` when it has them). */
  readonly json?: string;
  /** The envelope's JSON as UTF-8, when the source serialised it so; then `json` is set too. */
  readonly bytes?: Uint8Array;
  /** The envelope's event_type (with `json`). */
  type?: string;
  /** The envelope's partition_key (with `json`). */
  key?: string;
  /** The envelope's event_id (with `json`). */
  id?: string;
  /** The configured source it came from (routing by source); default: the source's name. */
  source?: string;
  /** Its queue lane; default: the pipeline's priority of its event type. */
  priority?: Priority;
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
  /**
   * The highest queue lane of a batch the source could hand on next, if any waits (a merge of sources): the
   * pipeline takes that batch first when its push of a lower-lane event would wait for room.
   */
  waitingPriority?(): Priority | undefined;
}

/**
 * A source whose position alone cannot restart it (an HTTP cursor, a file offset): it also gives the state to save
 * with a delivered position, and takes that state back when it resumes.
 * @example const state = http.stateAt(120); ... http.batches(120, signal, state)
 */
export interface StatefulSource extends Source {
  batches(after: number, signal: AbortSignal, state?: unknown): AsyncGenerator<SourceEvent[]>;
  /** JSON-serialisable state that restarts the source right after `position` (a position it has emitted, or 0). */
  stateAt(position: number): unknown;
}

/** The text of UTF-8 bytes (a source's serialised JSON). */
export function utf8Text(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}
