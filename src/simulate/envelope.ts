// Turning simulator events into the wire envelope (and its JSON line).

import type { EventEnvelope } from '../events/envelope.js';
import { iso, type SimEvent } from './event-buffer.js';

/**
 * The envelope of an event. `ingestAt` is when it was handed to a sink; without it (history, generate) the
 * simulated time is used, so that output stays byte-identical for the same seed. One literal, so every envelope has
 * one shape: an event without a correlation id has the key set to undefined, which JSON leaves out.
 */
export function toEnvelope(e: SimEvent, ingestAt?: number): EventEnvelope {
  const ts = iso(e.ts);
  return {
    event_type: e.event_type,
    event_id: e.event_id,
    event_ts: ts,
    payload: e.payload,
    trace_id: e.trace_id,
    ingest_timestamp: ingestAt === undefined ? ts : iso(ingestAt),
    schema_version: '1.0',
    source: 'retail-datagen',
    correlation_id: e.correlation_id || undefined,
    partition_key: e.partition_key,
  } as EventEnvelope;
}
