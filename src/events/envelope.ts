// The envelope every event travels in, and the one validation of an envelope with its payload.

import { z } from 'zod';
import { isoTime, textId } from './fields.js';
import { EVENT_TYPES, type EventType, PAYLOAD_SCHEMAS } from './types.js';

/** Version of the envelope and payload schemas; bumped on any incompatible change. @example SCHEMA_VERSION === '1.0' */
export const SCHEMA_VERSION = '1.0';

/**
 * Partition keys: one per store, one per DC, and one for online orders.
 * @example PARTITION_KEY_PATTERN.test('store_12') === true
 */
export const PARTITION_KEY_PATTERN = /^(store_\d+|dc_\d+|online)$/;

const envelopeFields = {
  event_id: textId('Unique id of the event.'),
  event_ts: isoTime('When the event happened, in simulated time.'),
  trace_id: textId('Trace id, shared by the events of one simulated flow for tracing.'),
  ingest_timestamp: isoTime('When the generator emitted the event (wall-clock time).'),
  schema_version: z.literal(SCHEMA_VERSION).describe('Version of the event schemas.'),
  source: z.string().min(1).default('retail-datagen').describe('Producer of the event.'),
  correlation_id: textId('Id linking related events, e.g. the receipt_id of a sale and its lines.').optional(),
  partition_key: z
    .string()
    .regex(PARTITION_KEY_PATTERN, 'partition_key must be store_<id>, dc_<id> or online')
    .describe(
      'Key that keeps the events of one store, one DC or the online channel in order: store_<id>, dc_<id> or online.',
    ),
};

function envelopeFor<T extends EventType>(type: T) {
  return z
    .object({
      event_type: z.literal(type).describe('Event type; decides the shape of the payload.'),
      payload: PAYLOAD_SCHEMAS[type],
      ...envelopeFields,
    })
    .strict();
}

/**
 * The envelope schema of each event type, its payload schema included.
 * @example ENVELOPE_SCHEMAS.store_opened.parse(sampleEvent('store_opened'))
 */
export const ENVELOPE_SCHEMAS = Object.fromEntries(EVENT_TYPES.map((type) => [type, envelopeFor(type)])) as {
  readonly [K in EventType]: ReturnType<typeof envelopeFor<K>>;
};

/**
 * Any event envelope: a discriminated union over `event_type`, so only the matching payload schema runs.
 * @example envelopeSchema.parse(sampleEvent('ad_impression'))
 */
export const envelopeSchema = z.discriminatedUnion(
  'event_type',
  EVENT_TYPES.map((type) => ENVELOPE_SCHEMAS[type]) as unknown as [
    (typeof ENVELOPE_SCHEMAS)[EventType],
    ...(typeof ENVELOPE_SCHEMAS)[EventType][],
  ],
);

/**
 * A validated event envelope of type `T` (a union over all types by default), `source` filled in.
 * @example const e: EventEnvelope<'truck_arrived'> = sampleEvent('truck_arrived'); e.payload.shipment_id
 */
export type EventEnvelope<T extends EventType = EventType> = T extends EventType
  ? z.output<(typeof ENVELOPE_SCHEMAS)[T]>
  : never;

/** What a producer may build for type `T`: `source` may be left out. @example const e: EventEnvelopeInput = {...} */
export type EventEnvelopeInput<T extends EventType = EventType> = T extends EventType
  ? z.input<(typeof ENVELOPE_SCHEMAS)[T]>
  : never;

/** One reason an envelope is invalid. `path` is dotted, e.g. `payload.rssi`; empty for the whole value. */
export interface EnvelopeError {
  path: string;
  message: string;
}

/** Result of `validateEnvelope`. */
export type EnvelopeValidation = { ok: true; event: EventEnvelope } | { ok: false; errors: EnvelopeError[] };

/**
 * Checks an envelope and the payload of its event type; never throws.
 * @example
 * const r = validateEnvelope(JSON.parse(line));
 * if (!r.ok) console.error(r.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
 */
export function validateEnvelope(value: unknown): EnvelopeValidation {
  const result = envelopeSchema.safeParse(value);
  if (result.success) return { ok: true, event: result.data as EventEnvelope };
  return { ok: false, errors: errorsOf(result.error.issues) };
}

function errorsOf(issues: readonly z.core.$ZodIssue[]): EnvelopeError[] {
  const errors: EnvelopeError[] = [];
  for (const issue of issues) {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      // One error per key, at the key itself, so the path points at what to remove.
      for (const key of issue.keys) errors.push({ path: [...path, key].join('.'), message: 'unknown field' });
    } else {
      errors.push({ path: path.join('.'), message: issue.message });
    }
  }
  return errors;
}
