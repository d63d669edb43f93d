// The http source: polls a JSON API on its ingestion mode's schedule, follows its cursor, drops records it already
// sent, and checkpoints the cursor with the keys of the current page so that a restart neither skips nor repeats.

import { pause } from '../channel.js';
import type { ConfiguredSource, SourceCheck, SourceContext } from '../factory.js';
import { createMode } from '../modes/index.js';
import { type IngestionMode, runMode } from '../modes/types.js';
import { DedupMemory, fieldOf, recordKey, toRecordEnvelope } from '../records.js';
import { compileSelector, type Selector } from '../selector.js';
import type { SourceEvent, StatefulSource } from '../types.js';
import { HttpClient, safeUrl } from './client.js';
import type { HttpParams } from './config.js';

/** Where polling stands: the page being polled (next_link) or the lowest timestamp asked for (timestamp). */
export interface HttpCursor {
  url?: string;
  since?: string;
}

/** The checkpointed state: the cursor of the request that gave the last delivered record, and the keys it gave. */
export interface HttpState {
  cursor: HttpCursor;
  keys: string[];
}

interface Polled {
  record: unknown;
  scope: string;
  cursor: HttpCursor;
  /** When the response arrived: the record's ingest time. */
  at: number;
}

interface Emitted {
  seq: number;
  scope: string;
  cursor: HttpCursor;
  key: string;
}

/** @example const s = new HttpSource(params, ctx); for await (const b of s.batches(0, signal)) ... */
export class HttpSource implements StatefulSource, ConfiguredSource {
  readonly name: string;
  readonly client: HttpClient;
  readonly mode: IngestionMode;
  private readonly records: Selector;
  private readonly next?: Selector;
  private readonly now: () => number;
  private cursor: HttpCursor = {};
  private dedup: DedupMemory;
  private log: Emitted[] = [];
  private initial: HttpState = { cursor: {}, keys: [] };
  private duplicates = 0;
  private emitted = 0;

  constructor(
    private readonly params: HttpParams,
    private readonly ctx: SourceContext,
  ) {
    this.name = ctx.name;
    this.now = ctx.now ?? Date.now;
    this.records = compileSelector(params.records);
    if (params.cursor.type === 'next_link') this.next = compileSelector(params.cursor.selector);
    this.dedup = new DedupMemory(params.dedup_max_keys);
    this.mode = createMode(ctx.settings.ingestion, this.now);
    this.client = new HttpClient({
      source: ctx.name,
      method: params.method,
      headers: params.headers,
      body: params.body,
      ratePerMinute: ctx.settings.rate_limit_per_minute,
      timeoutMs: ctx.settings.timeout_seconds * 1000,
      cacheTtlMs: ctx.settings.cache_ttl_seconds * 1000,
      retry: { attempts: params.retry_attempts, baseMs: params.retry_base_ms, maxMs: params.retry_max_ms },
      circuit: { failureThreshold: params.circuit_failure_threshold, openMs: params.circuit_open_seconds * 1000 },
      now: this.now,
      onCircuitOpen: (err) => ctx.onError?.(err),
    });
  }

  describe(): Record<string, unknown> {
    return { source: this.name, type: 'http', url: safeUrl(this.params.url), mode: this.ctx.settings.ingestion.mode };
  }

  metrics() {
    return {
      ingestion: this.mode.metrics(),
      http: this.client.metrics(),
      records_emitted: this.emitted,
      duplicates_dropped: this.duplicates,
      dedup_keys: this.dedup.size,
      cursor: this.cursor,
    };
  }

  /** The URL of a request from a cursor. */
  requestUrl(cursor: HttpCursor): string {
    if (cursor.url) return cursor.url;
    const u = new URL(this.params.url);
    for (const [k, v] of Object.entries(this.params.query)) u.searchParams.set(k, String(v));
    const c = this.params.cursor;
    if (c.type === 'timestamp') {
      const since = cursor.since ?? c.initial;
      if (since !== undefined) u.searchParams.set(c.param, since);
    }
    return u.toString();
  }

  /** One request: its records, each with the cursor that fetched it, and whether a next page is there. */
  async poll(signal: AbortSignal): Promise<{ records: Polled[]; more: boolean }> {
    // While the circuit is open the API is left alone: the poll waits for the probe instead of failing every tick.
    const closedIn = this.client.circuit.untilRetryMs();
    if (closedIn > 0 && !(await pause(closedIn, signal))) return { records: [], more: false };
    const cursor = { ...this.cursor };
    const url = this.requestUrl(cursor);
    const body = await this.client.fetchJson(url, signal);
    const scope = JSON.stringify(cursor);
    const at = this.now();
    const records = this.records.select(body).map((record) => ({ record, scope, cursor, at }));
    const c = this.params.cursor;
    if (c.type === 'next_link' && this.next) {
      const link = this.next.first(body);
      if (typeof link === 'string' && link.length > 0) {
        const nextUrl = new URL(link, url).toString();
        if (nextUrl !== url) {
          this.cursor = { url: nextUrl };
          return { records, more: true };
        }
      }
      // No next page: this page is re-polled, so records added to it are picked up (and old ones deduplicated).
      this.cursor = { url };
    } else if (c.type === 'timestamp') {
      for (const r of records) {
        const v = fieldOf(r.record, c.field);
        const text = typeof v === 'number' ? String(v) : typeof v === 'string' ? v : undefined;
        if (text !== undefined && (this.cursor.since === undefined || later(text, this.cursor.since))) {
          this.cursor = { since: text };
        }
      }
    }
    return { records, more: false };
  }

  private toEvents(polled: Polled[], seq: { n: number }): SourceEvent[] {
    const out: SourceEvent[] = [];
    for (const p of polled) {
      const key = recordKey(p.record, this.params);
      if (!this.dedup.add(key)) {
        this.duplicates++;
        continue;
      }
      seq.n++;
      this.emitted++;
      this.log.push({ seq: seq.n, scope: p.scope, cursor: p.cursor, key });
      out.push({ envelope: toRecordEnvelope(this.name, p.record, key, this.params, p.at), seq: seq.n });
    }
    return out;
  }

  async *batches(after: number, signal: AbortSignal, state?: unknown): AsyncGenerator<SourceEvent[]> {
    const resume = isHttpState(state) ? state : { cursor: {}, keys: [] };
    this.initial = resume;
    this.cursor = { ...resume.cursor };
    this.dedup = new DedupMemory(this.params.dedup_max_keys);
    for (const k of resume.keys) this.dedup.add(k);
    this.log = [];
    const seq = { n: after };
    yield* runMode(
      this.mode,
      (s) => this.poll(s),
      (polled) => this.toEvents(polled, seq),
      signal,
      this.ctx.onError,
    );
  }

  stateAt(position: number): HttpState {
    let last = -1;
    for (let i = 0; i < this.log.length && this.log[i].seq <= position; i++) last = i;
    if (last < 0) return this.initial;
    const { scope, cursor } = this.log[last];
    let first = last;
    while (first > 0 && this.log[first - 1].scope === scope) first--;
    // Earlier scopes are behind the cursor for good: a restart never asks for them again.
    const keep = Math.max(first, last + 1 - this.params.dedup_max_keys);
    const keys = this.log.slice(keep, last + 1).map((e) => e.key);
    this.log = this.log.slice(keep);
    const state = { cursor, keys };
    this.initial = state;
    return state;
  }

  async check(signal: AbortSignal): Promise<SourceCheck> {
    const url = this.requestUrl(this.cursor);
    try {
      const { records, more } = await this.poll(signal);
      return {
        ok: true,
        detail: `${this.params.method} ${safeUrl(url)}: ${records.length} records${more ? ', a next page' : ''}`,
        sample: records
          .slice(0, 3)
          .map((r) => toRecordEnvelope(this.name, r.record, recordKey(r.record, this.params), this.params, this.now())),
      };
    } catch (err) {
      return { ok: false, detail: `${this.params.method} ${safeUrl(url)}: ${(err as Error).message}`, sample: [] };
    }
  }
}

// Numbers compare as numbers, ISO times as instants, anything else as text.
function later(a: string, b: string): boolean {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb)) return na > nb;
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (!Number.isNaN(ta) && !Number.isNaN(tb)) return ta > tb;
  return a > b;
}

function isHttpState(v: unknown): v is HttpState {
  return (
    v !== null &&
    typeof v === 'object' &&
    typeof (v as HttpState).cursor === 'object' &&
    Array.isArray((v as HttpState).keys)
  );
}
