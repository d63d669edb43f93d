// What external sources share: how a record becomes an envelope (type, id, time, key) and a bounded dedup memory.

import { createHash } from 'node:crypto';
import { z } from 'zod';
import { SCHEMA_VERSION } from '../events/envelope.js';
import type { RecordEnvelope } from '../events/record-envelope.js';
import { EVENT_TYPES } from '../events/types.js';

const RETAIL = new Set<string>(EVENT_TYPES);

const fieldPath = (what: string) =>
  z
    .string()
    .regex(/^[A-Za-z_][\w-]*(\.[\w-]+)*$/, 'a dotted field path such as id or meta.updated_at')
    .optional()
    .describe(what);

/** The record-shape params every external source takes. @example recordShapeSchema.shape.key */
export const recordShapeFields = {
  event_type: z
    .string()
    .min(1)
    .max(200)
    .refine((t) => !RETAIL.has(t), 'is a retail event type; give records of this source another event_type')
    .optional()
    .describe("event_type of the records (default: the source's name)."),
  event_type_field: fieldPath('Field of the record holding its event_type (falls back to event_type).'),
  key: fieldPath(
    'Field that identifies a record: its id, and what deduplication compares (default: a hash of the record).',
  ),
  timestamp_field: fieldPath('Field holding when the record happened (ISO text or epoch ms); default: ingest time.'),
  partition_key_field: fieldPath("Field whose value keeps related records in order (default: the source's name)."),
};

/** The shape params once parsed. */
export interface RecordShape {
  event_type?: string;
  event_type_field?: string;
  key?: string;
  timestamp_field?: string;
  partition_key_field?: string;
}

/** The value at a dotted path of a record (own properties only). @example fieldOf({ a: { b: 1 } }, 'a.b') === 1 */
export function fieldOf(record: unknown, path: string): unknown {
  let cur = record;
  for (const k of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, k)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

const scalar = (v: unknown): string | undefined =>
  typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;

/** The dedup key of a record: its key field, else a hash of its JSON. @example recordKey({ id: 7 }, { key: 'id' }) === '7' */
export function recordKey(record: unknown, shape: RecordShape): string {
  const k = shape.key ? scalar(fieldOf(record, shape.key)) : undefined;
  return k ?? createHash('sha256').update(JSON.stringify(record)).digest('hex').slice(0, 24);
}

function timeOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

/**
 * The envelope of a record: payload = the record (a non-object record is wrapped as `{ value }`).
 * @example toRecordEnvelope('weather', { id: 1 }, '1', { key: 'id' }, Date.now())
 */
export function toRecordEnvelope(
  source: string,
  record: unknown,
  id: string,
  shape: RecordShape,
  ingestAt: number,
): RecordEnvelope {
  const payload =
    record !== null && typeof record === 'object' && !Array.isArray(record)
      ? (record as Record<string, unknown>)
      : { value: record };
  const typed = shape.event_type_field ? scalar(fieldOf(record, shape.event_type_field)) : undefined;
  const eventType = typed && !RETAIL.has(typed) ? typed : (shape.event_type ?? source);
  const ts = shape.timestamp_field ? timeOf(fieldOf(record, shape.timestamp_field)) : undefined;
  const ingest = new Date(ingestAt).toISOString();
  const partition = shape.partition_key_field ? scalar(fieldOf(record, shape.partition_key_field)) : undefined;
  return {
    event_type: eventType,
    event_id: `${source}:${id}`,
    event_ts: ts === undefined ? ingest : new Date(ts).toISOString(),
    ingest_timestamp: ingest,
    schema_version: SCHEMA_VERSION,
    source,
    partition_key: (partition ?? source).slice(0, 256),
    payload,
  };
}

/**
 * Keys seen recently, at most `max` of them (the oldest are forgotten first).
 * @example const seen = new DedupMemory(10_000); if (seen.add(key)) emit(record);
 */
export class DedupMemory {
  private readonly keys = new Set<string>();

  constructor(readonly max: number) {}

  get size(): number {
    return this.keys.size;
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  /** Adds a key; false when it was already there. */
  add(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.keys.size > this.max) {
      const oldest = this.keys.values().next().value as string;
      this.keys.delete(oldest);
    }
    return true;
  }
}
