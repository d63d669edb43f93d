// The JSON text of a payload, written by a function generated per event type from its schema: what JSON.stringify
// writes, byte for byte, at a fraction of its cost on the live stream's hot path (dollar amounts are the expensive
// part of JSON.stringify: a double's shortest decimal form; here they are written from their integer cents).

import { z } from 'zod';
import { FIELD_KINDS } from './fields.js';
import { EVENT_TYPES, type EventType, PAYLOAD_SCHEMAS } from './types.js';

/** Characters JSON.stringify escapes in a string (controls, quote, backslash) or may (lone surrogates). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what JSON escapes
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

/** A string as JSON: quoted as is when nothing in it needs escaping (the simulator's ids, enums and times). */
export function jsonString(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/** A number as JSON (non-finite numbers are null, as JSON.stringify writes them). */
export function jsonNumber(v: number): string {
  return Number.isFinite(v) ? `${v}` : 'null';
}

const FRACTION = [
  [''],
  Array.from({ length: 10 }, (_, i) => (i === 0 ? '' : `.${i}`)),
  Array.from({ length: 100 }, (_, i) => (i === 0 ? '' : `.${String(i).padStart(2, '0').replace(/0+$/, '')}`)),
  [],
  Array.from({ length: 10_000 }, (_, i) => (i === 0 ? '' : `.${String(i).padStart(4, '0').replace(/0+$/, '')}`)),
];
/**
 * Up to which magnitude a number with `digits` decimals is written from its integer units: the decimal text with
 * those digits is then the shortest that reads back as the same double (a double's spacing stays under a hundredth
 * of the last digit's unit), which is what JSON.stringify writes.
 */
const EXACT_BELOW = [0, 1e12, 1e11, 0, 1e9];

/**
 * `v` as a whole number of 10^-digits units (cents for 2), when it is exactly that divided by 10^digits (what
 * `cents / 100` gives) and small enough for that decimal text to be JSON's; NaN otherwise.
 */
export function decimalUnits(v: number, digits: 2 | 4): number {
  const scale = digits === 2 ? 100 : 10_000;
  const units = Math.round(v * scale);
  return units / scale === v && Math.abs(v) < EXACT_BELOW[digits] ? units : Number.NaN;
}

/**
 * A number with at most `digits` (2 or 4) decimals as JSON, e.g. 12.5 -> "12.5": when `v` is exactly its units
 * divided by 10^digits, the text is made from the integer units; any other number is written as JSON.stringify
 * writes it.
 */
export function jsonDecimal(v: number, digits: 2 | 4): string {
  const units = decimalUnits(v, digits);
  if (Number.isNaN(units)) return jsonNumber(v);
  const scale = digits === 2 ? 100 : 10_000;
  const whole = Math.trunc(units / scale);
  const fraction = FRACTION[digits][Math.abs(units - whole * scale)];
  return `${units < 0 && whole === 0 ? '-' : ''}${whole}${fraction}`;
}

/** How a payload field is written: by its JSON type and, for numbers, its decimals. */
export type FieldWriter = 'string' | 'int' | 'money' | 'money4' | 'number' | 'other';

function writerOf(field: z.ZodType): FieldWriter {
  const inner = field instanceof z.ZodOptional ? (field.unwrap() as z.ZodType) : field;
  const kind = FIELD_KINDS.get(inner)?.kind;
  if (kind === 'money') return 'money';
  if (kind === 'money4') return 'money4';
  if (inner instanceof z.ZodNumber) return inner.isInt ? 'int' : 'number';
  if (inner instanceof z.ZodString || inner instanceof z.ZodEnum || inner instanceof z.ZodLiteral) return 'string';
  return 'other';
}

/** The fields of a payload of `type`, in the schema's order, and how each is written. */
export function payloadFields(type: EventType): { name: string; writer: FieldWriter }[] {
  const shape = PAYLOAD_SCHEMAS[type].shape as Record<string, z.ZodType>;
  return Object.entries(shape).map(([name, field]) => ({ name, writer: writerOf(field) }));
}

/** The expression that writes value `v` of a field as JSON, when it has the type the field expects. */
const WRITE: Record<FieldWriter, { test: string; write: string }> = {
  string: { test: "typeof v === 'string'", write: 'str(v)' },
  int: { test: "typeof v === 'number'", write: 'num(v)' },
  number: { test: "typeof v === 'number'", write: 'num(v)' },
  money: { test: "typeof v === 'number'", write: 'dec(v, 2)' },
  money4: { test: "typeof v === 'number'", write: 'dec(v, 4)' },
  other: { test: 'false', write: '' },
};

/**
 * A function writing a payload of `type` as JSON, generated from its schema: the field names are constants and each
 * field has its own writer. Fields come in the schema's order, as JSON.stringify writes a payload built in that order
 * (the simulator builds them so; envelope.test.ts checks every event of two days against JSON.stringify). A value of
 * an unexpected type (or an array, or an object) goes through JSON.stringify; undefined leaves the field out.
 */
function payloadWriter(type: EventType): (p: Record<string, unknown>) => string {
  const lines = ['let s = "{"; let c = false; let v;'];
  for (const { name, writer } of payloadFields(type)) {
    const w = WRITE[writer];
    const key = JSON.stringify(name);
    lines.push(
      `v = p[${key}];`,
      'if (v !== undefined) {',
      `  s += (c ? ${JSON.stringify(`,${key}:`)} : ${JSON.stringify(`${key}:`)}) + (${w.test} ? ${w.write || 'json(v)'} : json(v));`,
      '  c = true;',
      '}',
    );
  }
  lines.push('return s + "}";');
  const make = new Function('str', 'num', 'dec', 'json', `return function ${type}Json(p) {\n${lines.join('\n')}\n};`);
  return make(jsonString, jsonNumber, jsonDecimal, JSON.stringify);
}

const WRITERS = new Map<string, (p: Record<string, unknown>) => string>(EVENT_TYPES.map((t) => [t, payloadWriter(t)]));

/**
 * The payload of an event of `type` as JSON: JSON.stringify(payload) when its fields were set in the schema's order.
 * @example payloadJson('store_opened', { store_id: 1, operation_time: '2024-01-01T14:00:00.000Z', operation_type: 'OPENED' })
 */
export function payloadJson(type: EventType, payload: Record<string, unknown>): string {
  const write = WRITERS.get(type);
  return write ? write(payload) : JSON.stringify(payload);
}
