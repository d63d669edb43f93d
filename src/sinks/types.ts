// What every sink implements: open, send a batch (one outcome per event), close (flushing), and a health check.
// The pipeline, not the sink, decides about retries, the circuit breaker and the dead-letter store.

import type { z } from 'zod';
import type { DatagenError } from '../errors.js';
import type { EventEnvelope } from '../events/envelope.js';
import type { Database } from '../store/database.js';

/** An event on its way out: the envelope, its JSON (serialised once), where it goes and its stream position. */
export interface OutEvent {
  envelope: EventEnvelope;
  json: string;
  destination: string;
  /** Position in the stream (1, 2, ...); the checkpoint is the highest position below which all are handled. */
  seq: number;
  /** The envelope's event_type (the pipeline sets it, for its per-event bookkeeping). */
  type?: string;
  /** The envelope's ingest_timestamp as UTC ms, when known. */
  at?: number;
}

export interface SinkBatch {
  destination: string;
  events: readonly OutEvent[];
  /** Sum of the JSON lengths of the events. */
  bytes: number;
}

/** The result for one event of a batch. Fatal failures go to the dead-letter store at once. */
export type SendOutcome = { ok: true } | { ok: false; retriable: boolean; error: DatagenError };

export interface SinkHealth {
  ok: boolean;
  detail?: string;
}

export interface Sink {
  readonly kind: string;
  open(): Promise<void>;
  /** Sends a batch; the result has one outcome per event, in order. Throwing counts as a retriable failure of all. */
  send(batch: SinkBatch): Promise<SendOutcome[]>;
  /** Flushes and releases everything. */
  close(): Promise<void>;
  check?(): Promise<SinkHealth>;
}

/** What a sink may use from the process: the open database (for the outbox sink). */
export interface SinkContext {
  db?: Database;
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
