// The envelope of a record from an external source (an HTTP API, a file): the record itself as the payload, with
// the source's name and when it was taken in. Retail event types keep their own strict envelopes.

import { z } from 'zod';
import type { EventEnvelope } from './envelope.js';
import { SCHEMA_VERSION } from './envelope.js';
import { isoTime, textId } from './fields.js';
import { EVENT_TYPES } from './types.js';

const RETAIL_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

/**
 * A record envelope. Its `event_type` may be any name except the 18 retail types: those always travel in their own
 * envelopes with their payload schema, so an external record cannot pass for one.
 * @example recordEnvelopeSchema.parse({ event_type: 'weather_reading', event_id: 'noaa:42', ... })
 */
export const recordEnvelopeSchema = z
  .object({
    event_type: z
      .string()
      .min(1)
      .max(200)
      .refine((t) => !RETAIL_TYPES.has(t), {
        message: 'is a retail event type; records of other sources need another event_type',
      })
      .describe('Type of the record, from the source config or a field of the record.'),
    event_id: textId('Id of the record: the source name and its key (or its position).'),
    event_ts: isoTime('When the record happened (its timestamp field), else when it was taken in.'),
    ingest_timestamp: isoTime('When the source took the record in (wall-clock time).'),
    schema_version: z.literal(SCHEMA_VERSION).describe('Version of the envelope.'),
    source: z.string().min(1).describe('Name of the configured source.'),
    partition_key: z.string().min(1).max(256).describe('Key that keeps related records in order.'),
    payload: z.record(z.string(), z.unknown()).describe('The record as the source gave it.'),
  })
  .strict();

/** A record envelope. @example const e: RecordEnvelope = recordEnvelope({...}); */
export type RecordEnvelope = z.output<typeof recordEnvelopeSchema>;

/** What the pipeline carries: a retail event or an external record. @example isRecordEnvelope(e) */
export type StreamEnvelope = EventEnvelope | RecordEnvelope;

/** True for envelopes of external records (their type is not a retail type). @example isRecordEnvelope(env) */
export function isRecordEnvelope(e: StreamEnvelope): e is RecordEnvelope {
  return !RETAIL_TYPES.has(e.event_type);
}
