// Turning simulator events into the wire envelope (and its JSON line).

import type { EventEnvelope } from '../events/envelope.js';
import { iso, type SimEvent } from './event-buffer.js';

/**
 * The envelope of an event. `ingestAt` is when it was handed to a sink; without it (history, generate) the
 * simulated time is used, so that output stays byte-identical for the same seed. Two literals (with and without
 * a correlation id) keep the object in one of two fixed shapes.
 */
export function toEnvelope(e: SimEvent, ingestAt?: number): EventEnvelope {
  const ts = iso(e.ts);
  const ingest = ingestAt === undefined ? ts : iso(ingestAt);
  return (
    e.correlation_id
      ? {
          event_type: e.event_type,
          event_id: e.event_id,
          event_ts: ts,
          payload: e.payload,
          trace_id: e.trace_id,
          ingest_timestamp: ingest,
          schema_version: '1.0',
          source: 'retail-datagen',
          correlation_id: e.correlation_id,
          partition_key: e.partition_key,
        }
      : {
          event_type: e.event_type,
          event_id: e.event_id,
          event_ts: ts,
          payload: e.payload,
          trace_id: e.trace_id,
          ingest_timestamp: ingest,
          schema_version: '1.0',
          source: 'retail-datagen',
          partition_key: e.partition_key,
        }
  ) as EventEnvelope;
}
