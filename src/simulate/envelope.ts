// Turning simulator events into the wire envelope (and its JSON line).

import { type EventEnvelope, SCHEMA_VERSION } from '../events/envelope.js';
import { payloadJson } from '../events/payload-json.js';
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
    schema_version: SCHEMA_VERSION,
    source: 'retail-datagen',
    correlation_id: e.correlation_id || undefined,
    partition_key: e.partition_key,
  } as EventEnvelope;
}

/**
 * JSON.stringify(toEnvelope(e, ingestAt)), about twice as fast: the envelope's text fields are ids, keys, types and
 * ISO times this simulator makes (no quote, backslash or control character to escape), so they are written as they
 * are, and the payload by its type's generated writer (events/payload-json.ts). envelope.test.ts checks both agree
 * on every event of two days.
 */
export function envelopeJson(e: SimEvent, ingestAt?: number): string {
  const ts = iso(e.ts);
  const correlation = e.correlation_id ? `,"correlation_id":"${e.correlation_id}"` : '';
  return `{"event_type":"${e.event_type}","event_id":"${e.event_id}","event_ts":"${ts}","payload":${payloadJson(e.event_type, e.payload)},"trace_id":"${e.trace_id}","ingest_timestamp":"${ingestAt === undefined ? ts : iso(ingestAt)}","schema_version":"${SCHEMA_VERSION}","source":"retail-datagen"${correlation},"partition_key":"${e.partition_key}"}`;
}
