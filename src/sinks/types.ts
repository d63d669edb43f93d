// What every sink implements: open, send a batch (one outcome per event), close (flushing), and a health check.
// The pipeline, not the sink, decides about retries, the circuit breaker and the dead-letter store.

import type { z } from 'zod';
import type { Secret } from '../config/secret.js';
import type { DatagenError } from '../errors.js';
import type { StreamEnvelope } from '../events/record-envelope.js';
import type { Database } from '../store/database.js';

/**
 * An event on its way out: the envelope, its JSON (serialised once), where it goes and its stream position. The
 * pipeline's events carry the envelope's type, partition key and id beside the JSON, and parse the envelope from the
 * JSON only when something reads it: sinks read those fields (eventKey, eventId) rather than the envelope. A source
 * that serialised its events to UTF-8 (the simulator's threads) hands on those bytes, and the JSON text is decoded
 * from them only when read: sinks that write bytes take them with eventBytes.
 */
export interface OutEvent {
  readonly envelope: StreamEnvelope;
  readonly json: string;
  /** The JSON as UTF-8, when the source serialised it so (a view of the source's buffer: not to be written). */
  readonly bytes?: Uint8Array;
  destination: string;
  /** Position in the stream (1, 2, ...); the checkpoint is the highest position below which all are handled. */
  seq: number;
  /** From the critical lane: its batch goes out at once, ahead of the others, without lingering. */
  urgent?: boolean;
  /** The envelope's event_type (the pipeline sets it, for its per-event bookkeeping). */
  type?: string;
  /** The envelope's partition_key (the pipeline sets it). */
  key?: string;
  /** The envelope's event_id (the pipeline sets it). */
  id?: string;
  /** The envelope's ingest_timestamp as UTC ms, when known. */
  at?: number;
  /** When the batcher first took the event (ms); kept when a sink holds it back. */
  batchedAt?: number;
}

/** The event's type, without parsing its envelope when the pipeline set it. */
export const eventType = (e: OutEvent): string => e.type ?? e.envelope.event_type;
/** The event's partition key, without parsing its envelope when the pipeline set it. */
export const eventKey = (e: OutEvent): string => e.key ?? e.envelope.partition_key;
/** The event's id, without parsing its envelope when the pipeline set it. */
export const eventId = (e: OutEvent): string => e.id ?? e.envelope.event_id;
/** The event's JSON as UTF-8: the source's bytes when it has them (not copied), else the text encoded now. */
export const eventBytes = (e: OutEvent): Buffer => {
  const b = e.bytes;
  return b === undefined ? Buffer.from(e.json) : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
};
/** The size of the event's JSON: its UTF-8 bytes when the source gave them, else its length in characters. */
export const eventSize = (e: OutEvent): number => e.bytes?.byteLength ?? e.json.length;

export interface SinkBatch {
  destination: string;
  events: readonly OutEvent[];
  /** Sum of the JSON sizes of the events (eventSize). */
  bytes: number;
  /**
   * Exactly-once streams only: the stream's position once the given positions (events of this batch) are handled
   * too. A transactional sink commits it together with the events.
   */
  positionAfter?: (seqs: readonly number[]) => StreamPosition;
  /**
   * Present when the sink may hold events back instead of sending them in a partly filled unit of its own (an Event
   * Hubs batch of a partition), answering `{ held: true }`: those batched at or after this instant (ms), not
   * urgent, with no urgent event after them in their unit. The pipeline puts held events back in front of the next
   * batch of the destination, which they do not count towards. Without it (draining, a retry, a dead-letter
   * retry) the batch is sent whole.
   */
  holdSince?: number;
}

/** Where a stream stands: every event up to `position` is handled, and so is each position in `ahead`. */
export interface StreamPosition {
  position: number;
  ahead: number[];
}

/** A sent event, a failed one (fatal failures go to the dead-letter store at once) or one held back (`holdSince`). */
export type SendOutcome =
  | { ok: true; held?: undefined }
  | { ok: false; held?: undefined; retriable: boolean; error: DatagenError }
  | { ok: false; held: true };

/** May a sink hold back this event of a batch (see SinkBatch.holdSince)? Urgent events are never held. */
export function mayHold(batch: SinkBatch, e: OutEvent): boolean {
  return batch.holdSince !== undefined && !e.urgent && (e.batchedAt ?? 0) >= batch.holdSince;
}

export interface SinkHealth {
  ok: boolean;
  detail?: string;
  /** What the check learnt (e.g. the partition count of a hub). */
  info?: Record<string, unknown>;
  /** The kind of error a failed check met (e.g. UnauthorizedError). */
  errorType?: string;
}

export interface Sink {
  readonly kind: string;
  open(): Promise<void>;
  /** Sends a batch; the result has one outcome per event, in order. Throwing counts as a retriable failure of all. */
  send(batch: SinkBatch): Promise<SendOutcome[]>;
  /** Flushes and releases everything. */
  close(): Promise<void>;
  check?(): Promise<SinkHealth>;
  /** Transactional sinks (exactly once): the position last committed with the events, or null before the first. */
  committedPosition?(): Promise<StreamPosition | null>;
  /** Sinks with consumers (Kafka): how many events the group has yet to read from what this sink wrote. */
  consumerLag?(group: string): Promise<number>;
}

/** The shared config sections a sink may read (credentials kept in `realtime`, the default hub). */
export interface SinkSettings {
  realtime: {
    azure_connection_string: Secret;
    use_keyvault: boolean;
    keyvault_url: string;
    keyvault_secret_name: string;
  };
  stream: { hub: string };
}

/** What a sink may use from the process. */
export interface SinkContext {
  /** The open database (for the outbox sink). */
  db?: Database;
  /** The stream's name (e.g. the Kafka transactional id and checkpoint key). */
  stream?: string;
  /** Exactly once was asked for (--exactly-once): a sink that can commit transactionally does. */
  exactlyOnce?: boolean;
  /** realtime.azure_connection_string, for sinks that may share it. */
  azureConnectionString?: Secret;
  /** The shared settings (Event Hubs credentials, the default hub). */
  config?: SinkSettings;
}

/**
 * A sink kind: its name, its config schema and its factory.
 * @example export default { kind: 'file', configSchema, create } satisfies SinkFactory<FileSinkConfig>;
 */
export interface SinkFactory<C> {
  kind: string;
  configSchema: z.ZodType<C>;
  create(config: C, ctx: SinkContext): Sink;
}

/** All outcomes of a batch set to one result. */
export function allOutcomes(batch: SinkBatch, outcome: SendOutcome): SendOutcome[] {
  return batch.events.map(() => outcome);
}
