// The file source: tails a JSON-lines or CSV file on its ingestion mode's schedule. Its position is the byte offset
// after the last delivered line, so a restart reads on from there: no line skipped, none read twice. A record's id
// is its line's offset, stable across restarts.

import { open, stat } from 'node:fs/promises';
import { DatagenError } from '../../errors.js';
import type { ConfiguredSource, SourceCheck, SourceContext } from '../factory.js';
import { createMode } from '../modes/index.js';
import { type IngestionMode, runMode } from '../modes/types.js';
import { recordKey, toRecordEnvelope } from '../records.js';
import type { SourceEvent, StatefulSource } from '../types.js';
import type { FileParams } from './config.js';

/** The checkpointed state: the byte offset after the last delivered line. */
export interface FileState {
  offset: number;
}

interface Line {
  record: unknown;
  /** Offset of the line's first byte. */
  start: number;
  /** Offset after its newline. */
  end: number;
}

/** Splits a CSV line (quotes with doubled quotes inside). @example splitCsv('a,"b,c"', ',') → ['a', 'b,c'] */
export function splitCsv(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur === '') quoted = true;
    else if (ch === delimiter) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** @example const s = new FileSource(params, ctx); for await (const b of s.batches(0, signal, { offset: 0 })) ... */
export class FileSource implements StatefulSource, ConfiguredSource {
  readonly name: string;
  readonly mode: IngestionMode;
  private readonly now: () => number;
  private offset = 0;
  private header: string[] | null = null;
  private log: { seq: number; end: number }[] = [];
  private initial: FileState = { offset: 0 };
  private badLines = 0;
  private emitted = 0;

  constructor(
    private readonly params: FileParams,
    private readonly ctx: SourceContext,
  ) {
    this.name = ctx.name;
    this.now = ctx.now ?? Date.now;
    this.mode = createMode(ctx.settings.ingestion, this.now);
  }

  describe(): Record<string, unknown> {
    return { source: this.name, type: 'file', path: this.params.path, format: this.params.format };
  }

  metrics() {
    return {
      ingestion: this.mode.metrics(),
      offset: this.offset,
      records_emitted: this.emitted,
      bad_lines: this.badLines,
    };
  }

  private async readHeader(): Promise<void> {
    if (this.params.format !== 'csv' || this.header) return;
    const fh = await open(this.params.path, 'r');
    try {
      const buf = Buffer.alloc(64 * 1024);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      const text = buf.subarray(0, bytesRead).toString('utf8');
      const nl = text.indexOf('\n');
      if (nl < 0) return;
      this.header = splitCsv(text.slice(0, nl).replace(/\r$/, ''), this.params.delimiter);
      if (this.offset === 0) this.offset = Buffer.byteLength(text.slice(0, nl + 1));
    } finally {
      await fh.close();
    }
  }

  /** Reads the complete lines appended since the last poll. */
  async poll(): Promise<{ records: Line[]; more: boolean }> {
    let size: number;
    try {
      size = (await stat(this.params.path)).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], more: false };
      throw new DatagenError('SOURCE_READ_FAILED', `source ${this.name}: ${(err as Error).message}`, { cause: err });
    }
    if (size < this.offset) {
      throw new DatagenError(
        'SOURCE_READ_FAILED',
        `source ${this.name}: ${this.params.path} is shorter (${size} bytes) than the checkpoint (${this.offset}); it was truncated or replaced. Start over with --fresh`,
        { retriable: false },
      );
    }
    await this.readHeader();
    if (this.params.format === 'csv' && !this.header) return { records: [], more: false };
    if (size === this.offset) return { records: [], more: false };
    const length = Math.min(size - this.offset, this.params.max_read_bytes);
    const buf = Buffer.alloc(length);
    const fh = await open(this.params.path, 'r');
    try {
      await fh.read(buf, 0, length, this.offset);
    } finally {
      await fh.close();
    }
    const lines: Line[] = [];
    let pos = 0;
    for (;;) {
      const nl = buf.indexOf(10, pos);
      if (nl < 0) break;
      const start = this.offset + pos;
      const text = buf.subarray(pos, nl).toString('utf8').replace(/\r$/, '');
      pos = nl + 1;
      if (text.trim() === '') continue;
      const record = this.parse(text, start);
      if (record !== undefined) lines.push({ record, start, end: this.offset + pos });
    }
    if (pos === 0 && length === this.params.max_read_bytes) {
      throw new DatagenError(
        'SOURCE_READ_FAILED',
        `source ${this.name}: a line at offset ${this.offset} is longer than max_read_bytes (${length})`,
        { retriable: false },
      );
    }
    this.offset += pos;
    return { records: lines, more: this.offset < size && pos > 0 };
  }

  private parse(text: string, at: number): unknown {
    if (this.params.format === 'jsonl') {
      try {
        return JSON.parse(text);
      } catch (err) {
        this.badLines++;
        this.ctx.onError?.(
          new DatagenError(
            'SOURCE_BAD_RESPONSE',
            `source ${this.name}: line at offset ${at} is not JSON: ${(err as Error).message}`,
          ),
        );
        return undefined;
      }
    }
    const cells = splitCsv(text, this.params.delimiter);
    const header = this.header ?? [];
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  }

  async *batches(after: number, signal: AbortSignal, state?: unknown): AsyncGenerator<SourceEvent[]> {
    const given = (state as FileState | undefined)?.offset;
    if (typeof given === 'number') this.offset = given;
    else if (this.params.start_at === 'end')
      this.offset = await stat(this.params.path).then(
        (s) => s.size,
        () => 0,
      );
    else this.offset = 0;
    this.initial = { offset: this.offset };
    this.header = null;
    this.log = [];
    let seq = after;
    yield* runMode(
      this.mode,
      () => this.poll(),
      (lines) => {
        const at = this.now();
        const events: SourceEvent[] = lines.map((l) => {
          seq++;
          this.emitted++;
          this.log.push({ seq, end: l.end });
          const id = this.params.key ? recordKey(l.record, this.params) : `${l.start}`;
          return { envelope: toRecordEnvelope(this.name, l.record, id, this.params, at), seq };
        });
        return events;
      },
      signal,
      this.ctx.onError,
    );
  }

  stateAt(position: number): FileState {
    let i = 0;
    while (i < this.log.length && this.log[i].seq <= position) i++;
    if (i === 0) return this.initial;
    this.initial = { offset: this.log[i - 1].end };
    this.log = this.log.slice(i);
    return this.initial;
  }

  async check(): Promise<SourceCheck> {
    try {
      const s = await stat(this.params.path);
      const saved = this.offset;
      this.offset = 0;
      this.header = null;
      const { records } = await this.poll();
      this.offset = saved;
      return {
        ok: true,
        detail: `${this.params.path}: ${s.size} bytes, ${this.params.format}`,
        sample: records
          .slice(0, 3)
          .map((l) => toRecordEnvelope(this.name, l.record, `${l.start}`, this.params, this.now())),
      };
    } catch (err) {
      return { ok: false, detail: `${this.params.path}: ${(err as Error).message}`, sample: [] };
    }
  }
}
