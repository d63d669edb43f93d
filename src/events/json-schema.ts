// Documents derived from the event schemas: JSON Schemas, the AsyncAPI document and table columns.

import { z } from 'zod';
import { DatagenError } from '../errors.js';
import { ENVELOPE_SCHEMAS, SCHEMA_VERSION } from './envelope.js';
import { FIELD_KINDS } from './fields.js';
import { EVENT_TYPES, type EventType, PAYLOAD_SCHEMAS } from './types.js';

/** Where the JSON Schemas are published; a schema's `$id` is this plus `<event_type>.json`. */
export const SCHEMA_BASE_URL = 'https://retail-datagen.dev/schemas/';

/** `receipt_created` → `ReceiptCreated`. @example pascalCase('ble_ping_detected') === 'BlePingDetected' */
export function pascalCase(type: EventType): string {
  return type.replace(/(^|_)([a-z])/g, (_, _sep: string, c: string) => c.toUpperCase());
}

function envelopeJsonSchema(type: EventType, target: 'draft-2020-12' | 'draft-7'): Record<string, unknown> {
  return z.toJSONSchema(ENVELOPE_SCHEMAS[type], { io: 'input', target }) as Record<string, unknown>;
}

/**
 * The JSON Schema (draft 2020-12) of each event: the envelope with that type's payload.
 * @example eventJsonSchemas().receipt_created.$id === 'https://retail-datagen.dev/schemas/receipt_created.json'
 */
export function eventJsonSchemas(): Record<EventType, object> {
  const out = {} as Record<EventType, object>;
  for (const type of EVENT_TYPES) {
    const { $schema, ...rest } = envelopeJsonSchema(type, 'draft-2020-12');
    out[type] = {
      $schema,
      $id: `${SCHEMA_BASE_URL}${type}.json`,
      title: `${pascalCase(type)} event`,
      description: `Envelope of a ${type} event: ${PAYLOAD_SCHEMAS[type].description}`,
      ...rest,
    };
  }
  return out;
}

/** The parts of an AsyncAPI 3.0.0 document that `asyncApiDocument` fills. */
export interface AsyncApiDocument {
  asyncapi: '3.0.0';
  info: { title: string; version: string; description: string };
  defaultContentType: string;
  channels: Record<string, { address: string; title: string; messages: Record<string, { $ref: string }> }>;
  operations: Record<
    string,
    { action: 'send'; title: string; channel: { $ref: string }; messages: { $ref: string }[] }
  >;
  components: { messages: Record<string, Record<string, unknown>> };
}

/**
 * An AsyncAPI 3.0.0 document of the event stream: one channel per event type, named after it.
 * @example writeFileSync('asyncapi.json', JSON.stringify(asyncApiDocument({ version: '0.1.0' }), null, 2))
 */
export function asyncApiDocument(opts: { title?: string; version?: string } = {}): AsyncApiDocument {
  const doc: AsyncApiDocument = {
    asyncapi: '3.0.0',
    info: {
      title: opts.title ?? 'retail-datagen events',
      version: opts.version ?? '1.0.0',
      description: `Synthetic retail events, schema version ${SCHEMA_VERSION}. Each message is a JSON envelope.`,
    },
    defaultContentType: 'application/json',
    channels: {},
    operations: {},
    components: { messages: {} },
  };
  for (const type of EVENT_TYPES) {
    const name = pascalCase(type);
    // The default AsyncAPI schema format is a superset of draft 7, so the payload is written in draft 7.
    const { $schema: _, ...payload } = envelopeJsonSchema(type, 'draft-7');
    doc.components.messages[name] = {
      name: type,
      title: name,
      summary: PAYLOAD_SCHEMAS[type].description,
      contentType: 'application/json',
      headers: {
        type: 'object',
        properties: {
          event_type: { type: 'string', const: type, description: 'Event type, as in the envelope.' },
          schema_version: { type: 'string', const: SCHEMA_VERSION, description: 'Version of the event schemas.' },
          event_id: { type: 'string', minLength: 1, description: 'Event id, as in the envelope.' },
        },
        required: ['event_type', 'schema_version', 'event_id'],
      },
      payload,
    };
    doc.channels[type] = {
      address: type,
      title: name,
      messages: { [name]: { $ref: `#/components/messages/${name}` } },
    };
    doc.operations[`send${name}`] = {
      action: 'send',
      title: `Send ${type}`,
      channel: { $ref: `#/channels/${type}` },
      messages: [{ $ref: `#/channels/${type}/messages/${name}` }],
    };
  }
  return doc;
}

/** SQL type of a payload column. Ad costs have 4 decimals, hence DECIMAL(12,4) besides DECIMAL(12,2). */
export type SqlType =
  | 'INTEGER'
  | 'BIGINT'
  | 'DOUBLE'
  | 'DECIMAL(12,2)'
  | 'DECIMAL(12,4)'
  | 'VARCHAR'
  | 'TIMESTAMP'
  | 'BOOLEAN'
  | 'INTEGER[]';

/** One column of an event table, derived from a payload field. */
export interface Column {
  name: string;
  sqlType: SqlType;
  nullable: boolean;
  description: string;
}

function sqlTypeOf(schema: z.ZodType, where: string): SqlType {
  const kind = FIELD_KINDS.get(schema)?.kind;
  if (kind === 'money') return 'DECIMAL(12,2)';
  if (kind === 'money4') return 'DECIMAL(12,4)';
  if (kind === 'cents') return 'BIGINT';
  if (kind === 'time') return 'TIMESTAMP';
  if (schema instanceof z.ZodNumber) return schema.isInt ? 'INTEGER' : 'DOUBLE';
  if (schema instanceof z.ZodString || schema instanceof z.ZodEnum || schema instanceof z.ZodLiteral) return 'VARCHAR';
  if (schema instanceof z.ZodBoolean) return 'BOOLEAN';
  if (schema instanceof z.ZodArray && schema.element instanceof z.ZodNumber && schema.element.isInt) return 'INTEGER[]';
  throw new DatagenError('INTERNAL', `${where}: no SQL column type for a zod ${schema.def.type}`);
}

/**
 * The table columns of an event type's payload, in field order; optional fields are nullable.
 * @example columnsOf('store_opened')[1] // { name: 'operation_time', sqlType: 'TIMESTAMP', nullable: false, ... }
 */
export function columnsOf(type: EventType): Column[] {
  return columnsOfShape(PAYLOAD_SCHEMAS[type].shape as Record<string, z.ZodType>, type);
}

/** Columns of any object schema's fields; arrays of objects (order lines) are left out: they get their own table. */
export function columnsOfShape(shape: Record<string, z.ZodType>, where: string): Column[] {
  const nested = (f: z.ZodType) => {
    const inner = f instanceof z.ZodOptional ? (f.unwrap() as z.ZodType) : f;
    return inner instanceof z.ZodArray && inner.element instanceof z.ZodObject;
  };
  return Object.entries(shape)
    .filter(([, field]) => !nested(field))
    .map(([name, field]) => {
      const optional = field instanceof z.ZodOptional;
      const inner = optional ? (field.unwrap() as z.ZodType) : field;
      return {
        name,
        sqlType: sqlTypeOf(inner, `${where}.${name}`),
        nullable: optional,
        description: field.description ?? inner.description ?? '',
      };
    });
}
