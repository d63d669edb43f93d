// An event's envelope written as UTF-8 bytes straight into a buffer: the bytes of envelopeJson's text, without
// making the text. The live stream's threads serialise every event of a day this way; building the text and
// encoding it took about a third of their time and most of what they allocated (the text of an envelope is a
// tree of some thirty pieces, copied once to flatten it and once more to encode it).

import type { BufferPool } from '../buffer-pool.js';
import { SCHEMA_VERSION } from '../events/envelope.js';
import { decimalUnits, type FieldWriter, payloadFields } from '../events/payload-json.js';
import { EVENT_TYPES, type EventType } from '../events/types.js';
import type { SimEvent } from './event-buffer.js';

const QUOTE = 34;
const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const NOTHING = new Uint8Array(0);

/**
 * A growing buffer of JSON text in UTF-8. Text that is plain printable ASCII is copied byte by byte; anything else
 * (escapes, other characters) is written through JSON.stringify and Buffer.write, and clears `ascii`.
 * @example const w = new JsonBytes(1024); w.str('a"b'); w.bytes.toString('utf8', 0, w.at) === '"a\\"b"'
 */
export class JsonBytes {
  bytes: Buffer;
  at = 0;
  /** False once anything beyond ASCII was written. */
  ascii = true;
  private day = Number.NaN;
  private dayLead: Uint8Array = NOTHING;
  private dayPrefix = new Uint8Array(0);

  /**
   * Writes into `bytes` (replaced by a larger buffer when full), or a new buffer of that size; with `pool`, the
   * larger buffers come from it and the ones outgrown go back to it.
   */
  constructor(
    bytes: Buffer | number,
    private readonly pool?: BufferPool,
  ) {
    this.bytes = typeof bytes === 'number' ? Buffer.allocUnsafe(bytes) : bytes;
  }

  /** Makes room for `n` more bytes. */
  room(n: number): void {
    if (this.at + n > this.bytes.length) {
      const size = Math.max(2 * this.bytes.length, this.at + n);
      const bigger = this.pool ? this.pool.take(size) : Buffer.allocUnsafe(size);
      this.bytes.copy(bigger, 0, 0, this.at);
      this.pool?.give(this.bytes);
      this.bytes = bigger;
    }
  }

  byte(c: number): void {
    this.room(1);
    this.bytes[this.at++] = c;
  }

  raw(src: Uint8Array): void {
    const n = src.length;
    this.room(n);
    const b = this.bytes;
    const at = this.at;
    // A loop costs about 1.5 ns a byte, TypedArray.set about 25 ns whatever the length: a loop for short pieces.
    if (n > 16) b.set(src, at);
    else for (let k = 0; k < n; k++) b[at + k] = src[k];
    this.at = at + n;
  }

  /** `s` as a JSON string, quoted and escaped as JSON.stringify does. */
  str(s: string): void {
    const n = s.length;
    this.room(n + 2);
    const b = this.bytes;
    let at = this.at;
    b[at++] = QUOTE;
    for (let k = 0; k < n; k++) {
      const c = s.charCodeAt(k);
      if (c < 32 || c > 126 || c === QUOTE || c === 92) {
        this.encoded(JSON.stringify(s));
        return;
      }
      b[at++] = c;
    }
    b[at++] = QUOTE;
    this.at = at;
  }

  /** `s` as it is (no quotes, no escaping): text already in JSON form, or a value JSON writes unquoted. */
  text(s: string): void {
    const n = s.length;
    this.room(n);
    const b = this.bytes;
    let at = this.at;
    for (let k = 0; k < n; k++) {
      const c = s.charCodeAt(k);
      if (c > 127) {
        this.encoded(s);
        return;
      }
      b[at++] = c;
    }
    this.at = at;
  }

  /** Text in UTF-8, through the runtime (for what is not plain ASCII). */
  private encoded(s: string): void {
    this.room(3 * s.length);
    const written = this.bytes.write(s, this.at);
    if (written !== s.length) this.ascii = false;
    this.at += written;
  }

  /** A number as JSON writes it. */
  num(v: number): void {
    if (Number.isSafeInteger(v)) this.int(v);
    else this.text(Number.isFinite(v) ? `${v}` : 'null');
  }

  /** A safe integer's digits. */
  private int(v: number): void {
    this.room(17);
    const b = this.bytes;
    if (v < 0) {
      b[this.at++] = 45;
      v = -v;
    }
    let digits = 1;
    for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
    let at = this.at + digits;
    this.at = at;
    do {
      const q = Math.floor(v / 10);
      b[--at] = 48 + (v - 10 * q);
      v = q;
    } while (v > 0);
  }

  /** A number with at most `digits` decimals, as JSON writes it (see jsonDecimal). */
  dec(v: number, digits: 2 | 4): void {
    const units = decimalUnits(v, digits);
    if (Number.isNaN(units)) {
      this.num(v);
      return;
    }
    const scale = digits === 2 ? 100 : 10_000;
    const whole = Math.trunc(units / scale);
    if (units < 0 && whole === 0) this.byte(45);
    this.int(whole === 0 ? 0 : whole);
    let fraction = Math.abs(units - whole * scale);
    if (fraction === 0) return;
    // The decimals without trailing zeros.
    let width = digits;
    while (fraction % 10 === 0) {
      fraction /= 10;
      width--;
    }
    this.room(width + 1);
    const b = this.bytes;
    b[this.at] = 46;
    for (let k = width; k >= 1; k--) {
      const q = Math.floor(fraction / 10);
      b[this.at + k] = 48 + (fraction - 10 * q);
      fraction = q;
    }
    this.at += width + 1;
  }

  /**
   * An ISO-8601 UTC time with milliseconds, unquoted, as `iso` (event-buffer.ts) writes it; after `lead` (constant
   * text, written with the date as one piece: the date changes once a day).
   */
  iso(ms: number, lead: Uint8Array = NOTHING): void {
    const day = Math.floor(ms / 86_400_000);
    if (day !== this.day || lead !== this.dayLead) {
      this.day = day;
      this.dayLead = lead;
      this.dayPrefix = ascii(`${String.fromCharCode(...lead)}${new Date(day * 86_400_000).toISOString().slice(0, 11)}`);
    }
    this.raw(this.dayPrefix);
    let rest = ms - day * 86_400_000;
    const h = Math.floor(rest / 3_600_000);
    rest -= h * 3_600_000;
    const m = Math.floor(rest / 60_000);
    rest -= m * 60_000;
    const sec = Math.floor(rest / 1000);
    const milli = rest - sec * 1000;
    this.room(13);
    const b = this.bytes;
    const at = this.at;
    b[at] = 48 + Math.floor(h / 10);
    b[at + 1] = 48 + (h % 10);
    b[at + 2] = 58;
    b[at + 3] = 48 + Math.floor(m / 10);
    b[at + 4] = 48 + (m % 10);
    b[at + 5] = 58;
    b[at + 6] = 48 + Math.floor(sec / 10);
    b[at + 7] = 48 + (sec % 10);
    b[at + 8] = 46;
    b[at + 9] = 48 + Math.floor(milli / 100);
    b[at + 10] = 48 + (Math.floor(milli / 10) % 10);
    b[at + 11] = 48 + (milli % 10);
    b[at + 12] = 90;
    this.at = at + 13;
  }

  /** Any other value, through JSON.stringify. */
  json(v: unknown): void {
    this.encoded(String(JSON.stringify(v)));
  }
}

/** The call that writes value `v` of a field, when it has the type the field expects. */
const WRITE: Record<FieldWriter, { test: string; write: string }> = {
  string: { test: "typeof v === 'string'", write: 'w.str(v)' },
  int: { test: "typeof v === 'number'", write: 'w.num(v)' },
  number: { test: "typeof v === 'number'", write: 'w.num(v)' },
  money: { test: "typeof v === 'number'", write: 'w.dec(v, 2)' },
  money4: { test: "typeof v === 'number'", write: 'w.dec(v, 4)' },
  other: { test: 'false', write: '' },
};

type PayloadBytes = (p: Record<string, unknown>, w: JsonBytes) => void;

/** payloadJson's writer in bytes: generated from the schema the same way, field names as constant byte arrays. */
function payloadBytes(type: EventType): PayloadBytes {
  const keys: Uint8Array[] = [];
  const lines = ['let c = false; let v;', 'w.byte(123);'];
  for (const { name, writer } of payloadFields(type)) {
    const w = WRITE[writer];
    const key = JSON.stringify(name);
    keys.push(ascii(`${key}:`), ascii(`,${key}:`));
    lines.push(
      `v = p[${key}];`,
      'if (v !== undefined) {',
      `  w.raw(c ? K[${keys.length - 1}] : K[${keys.length - 2}]);`,
      `  if (${w.test}) ${w.write || 'w.json(v)'}; else w.json(v);`,
      '  c = true;',
      '}',
    );
  }
  lines.push('w.byte(125);');
  const make = new Function('K', `return function ${type}Bytes(p, w) {\n${lines.join('\n')}\n};`);
  return make(keys);
}

/** Per event type: the envelope's first bytes, up to its id, and the payload's writer. */
interface TypeBytes {
  head: Uint8Array;
  payload: PayloadBytes;
}

const TYPES = new Map<string, TypeBytes>(
  EVENT_TYPES.map((t) => [t, { head: ascii(`{"event_type":"${t}","event_id":"`), payload: payloadBytes(t) }]),
);
const TYPE_KEY = ascii('{"event_type":"');
const ID = ascii('","event_id":"');
const TS = ascii('","event_ts":"');
const PAYLOAD = ascii('","payload":');
const TRACE = ascii(',"trace_id":"');
const INGEST = '","ingest_timestamp":"';
const SOURCE = `","schema_version":"${SCHEMA_VERSION}","source":"retail-datagen"`;
const CORRELATION = ascii(',"correlation_id":"');
const KEY = ascii(',"partition_key":"');
const END = ascii('"}');

/** Where writeEnvelope put an envelope's parts, in bytes from the start of the buffer. */
export interface EnvelopeMarks {
  /** The id, from idAt to idEnd. */
  idAt: number;
  idEnd: number;
  /** The ingest time's first byte. */
  stampAt: number;
  /** The partition key, from keyAt to keyEnd. */
  keyAt: number;
  keyEnd: number;
}

/** The constant run from the trace id's end to the source's: one piece per stamp. */
let ingestFor: Uint8Array = NOTHING;
let ingestBytes: Uint8Array = NOTHING;

/**
 * Writes the envelope of `e` (envelopeJson's bytes) with `stamp` (an ISO time, in ASCII) as its ingest time, and
 * notes in `marks` where its id, ingest time and partition key are. The envelope's own text fields (type, ids,
 * key) are written as they are, as envelopeJson writes them.
 * @example writeEnvelope(w, e, ascii('1970-01-01T00:00:00.000Z'), marks); marks.stampAt
 */
export function writeEnvelope(w: JsonBytes, e: SimEvent, stamp: Uint8Array, marks: EnvelopeMarks): void {
  const type = TYPES.get(e.event_type);
  if (type) w.raw(type.head);
  else {
    w.raw(TYPE_KEY);
    w.text(e.event_type);
    w.raw(ID);
  }
  marks.idAt = w.at;
  w.text(e.event_id);
  marks.idEnd = w.at;
  w.iso(e.ts, TS);
  w.raw(PAYLOAD);
  if (type) type.payload(e.payload, w);
  else w.json(e.payload);
  w.raw(TRACE);
  w.text(e.trace_id);
  if (stamp !== ingestFor) {
    ingestFor = stamp;
    ingestBytes = ascii(`${INGEST}${String.fromCharCode(...stamp)}${SOURCE}`);
  }
  marks.stampAt = w.at + INGEST.length;
  w.raw(ingestBytes);
  if (e.correlation_id) {
    w.raw(CORRELATION);
    w.text(e.correlation_id);
    w.byte(QUOTE);
  }
  w.raw(KEY);
  marks.keyAt = w.at;
  w.text(e.partition_key);
  marks.keyEnd = w.at;
  w.raw(END);
}

/** A string of ASCII characters as bytes. */
export { ascii as asciiBytes };
