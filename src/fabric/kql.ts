// The Eventhouse (KQL database) set-up for the event stream: a table per event type with typed columns and a JSON
// ingestion mapping (envelope fields, then `$.payload.<field>`), or one raw table fanned out by update policies.

import type { z } from 'zod';
import { SCHEMA_VERSION } from '../events/envelope.js';
import { columnsOf, type SqlType } from '../events/json-schema.js';
import { EVENT_TYPES, type EventType, PAYLOAD_SCHEMAS } from '../events/types.js';

export type KqlType = 'string' | 'int' | 'long' | 'real' | 'decimal' | 'datetime' | 'bool' | 'dynamic';

/** One column of a KQL table and the JSON path it is ingested from. */
export interface KqlColumn {
  name: string;
  type: KqlType;
  /** JSON path in the event, e.g. `$.payload.store_id`. */
  path: string;
}

/** The envelope's fields, as columns of every table (the order of the tables' first columns). */
export const ENVELOPE_COLUMNS: readonly KqlColumn[] = [
  { name: 'event_id', type: 'string', path: '$.event_id' },
  { name: 'event_type', type: 'string', path: '$.event_type' },
  { name: 'event_ts', type: 'datetime', path: '$.event_ts' },
  { name: 'ingest_timestamp', type: 'datetime', path: '$.ingest_timestamp' },
  { name: 'trace_id', type: 'string', path: '$.trace_id' },
  { name: 'correlation_id', type: 'string', path: '$.correlation_id' },
  { name: 'partition_key', type: 'string', path: '$.partition_key' },
  { name: 'schema_version', type: 'string', path: '$.schema_version' },
  { name: 'source', type: 'string', path: '$.source' },
];

/** The name of the JSON mapping on every table: one name, so a data connection's default mapping fits them all. */
export const MAPPING_NAME = 'retail_datagen_json';

function kqlTypeOf(t: SqlType): KqlType {
  switch (t) {
    case 'INTEGER':
      return 'int';
    case 'BIGINT':
      return 'long';
    case 'DOUBLE':
      return 'real';
    case 'DECIMAL(12,2)':
    case 'DECIMAL(12,4)':
      return 'decimal';
    case 'VARCHAR':
      return 'string';
    case 'TIMESTAMP':
      return 'datetime';
    case 'BOOLEAN':
      return 'bool';
    case 'INTEGER[]':
      return 'dynamic';
  }
}

/**
 * The columns of an event type's table: the envelope, then every payload field (lists of objects as dynamic).
 * A payload field named like an envelope field gets a `payload_` prefix.
 * @example kqlColumns('store_opened').at(-1) // { name: 'operation_type', type: 'string', path: '$.payload.operation_type' }
 */
export function kqlColumns(type: EventType): KqlColumn[] {
  const typed = new Map(columnsOf(type).map((c) => [c.name, kqlTypeOf(c.sqlType)]));
  const taken = new Set(ENVELOPE_COLUMNS.map((c) => c.name));
  const payload = Object.keys(PAYLOAD_SCHEMAS[type].shape as Record<string, z.ZodType>).map((field) => ({
    name: taken.has(field) ? `payload_${field}` : field,
    type: typed.get(field) ?? 'dynamic',
    path: `$.payload.${field}`,
  }));
  return [...ENVELOPE_COLUMNS, ...payload];
}

export type KqlMode = 'tables' | 'update-policy' | 'raw';

export interface KqlOptions {
  /** tables: a table per type fed directly (routing by the Table property); update-policy: a raw table fanned out
   * into the typed tables; raw: only the raw table, payload as dynamic. */
  mode?: KqlMode;
  /** Name of the raw table (update-policy and raw modes). */
  rawTable?: string;
  /** Prefix of the typed tables' names (the Table property then needs the same prefix). */
  prefix?: string;
  types?: readonly EventType[];
}

const ident = (name: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `['${name}']`);
const schemaOf = (cols: readonly KqlColumn[]) => cols.map((c) => `${ident(c.name)}: ${c.type}`).join(', ');
const mappingOf = (cols: readonly KqlColumn[]) =>
  JSON.stringify(cols.map((c) => ({ column: c.name, Properties: { Path: c.path } })));
const docOf = (type: EventType) => PAYLOAD_SCHEMAS[type].description?.replaceAll('"', "'") ?? type;

const CONVERT: Record<KqlType, string> = {
  string: 'tostring',
  int: 'toint',
  long: 'tolong',
  real: 'toreal',
  decimal: 'todecimal',
  datetime: 'todatetime',
  bool: 'tobool',
  dynamic: '',
};

function rawColumns(): KqlColumn[] {
  return [...ENVELOPE_COLUMNS, { name: 'payload', type: 'dynamic', path: '$.payload' }];
}

function tableCommands(type: EventType, table: string, withMapping: boolean): string[] {
  const cols = kqlColumns(type);
  const out = [
    `.create-merge table ${ident(table)} (${schemaOf(cols)}) with (docstring = "${docOf(type)}", folder = "retail-datagen")`,
  ];
  if (withMapping)
    out.push(`.create-or-alter table ${ident(table)} ingestion json mapping "${MAPPING_NAME}" '${mappingOf(cols)}'`);
  return out;
}

function expandFunction(type: EventType, raw: string): string {
  const fields = kqlColumns(type).map((c) => {
    if (!c.path.startsWith('$.payload.')) return ident(c.name);
    const value = `payload.${ident(c.path.slice('$.payload.'.length))}`;
    return `${ident(c.name)} = ${CONVERT[c.type] ? `${CONVERT[c.type]}(${value})` : value}`;
  });
  return `.create-or-alter function with (folder = "retail-datagen") ${type}_expand() { ${ident(raw)} | where event_type == "${type}" | project ${fields.join(', ')} }`;
}

/**
 * The KQL management commands that prepare an Eventhouse's KQL database, one command per paragraph (run each
 * on its own in a KQL queryset).
 * @example console.log(kqlScript({ mode: 'tables' }));
 */
export function kqlScript(opts: KqlOptions = {}): string {
  const mode = opts.mode ?? 'tables';
  const raw = opts.rawTable ?? 'retail_events_raw';
  const prefix = opts.prefix ?? '';
  const types = opts.types ?? EVENT_TYPES;
  const blocks: string[] = [
    `// retail-datagen: KQL database set-up (${mode}), event schema version ${SCHEMA_VERSION}. Run each command on its own.`,
  ];
  if (mode !== 'tables') {
    blocks.push(
      `.create-merge table ${ident(raw)} (${schemaOf(rawColumns())}) with (docstring = "Every retail-datagen event, payload as dynamic", folder = "retail-datagen")`,
      `.create-or-alter table ${ident(raw)} ingestion json mapping "${MAPPING_NAME}" '${mappingOf(rawColumns())}'`,
    );
  }
  if (mode === 'raw') return `${blocks.join('\n\n')}\n`;
  for (const type of types) {
    const table = `${prefix}${type}`;
    blocks.push(...tableCommands(type, table, mode === 'tables'));
    if (mode === 'update-policy') {
      blocks.push(expandFunction(type, raw));
      const policy = JSON.stringify([
        {
          IsEnabled: true,
          Source: raw,
          Query: `${type}_expand()`,
          IsTransactional: false,
          PropagateIngestionProperties: false,
        },
      ]);
      blocks.push(`.alter table ${ident(table)} policy update @'${policy}'`);
    }
  }
  return `${blocks.join('\n\n')}\n`;
}
