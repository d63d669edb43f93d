// One HTTP request of a source, protected: the source's token bucket, a response cache with TTL, a timeout, retries
// with backoff on 429/5xx/timeouts that honour Retry-After, and the source's own circuit breaker.

import type { Secret } from '../../config/secret.js';
import { DatagenError } from '../../errors.js';
import { CircuitBreaker, type CircuitStats } from '../../pipeline/circuit-breaker.js';
import { TokenBucketPacer } from '../../pipeline/pacer.js';
import { retry } from '../../pipeline/retry.js';

export interface HttpClientOptions {
  /** Names the source in errors. */
  source: string;
  method: 'GET' | 'POST';
  headers: Record<string, Secret>;
  body?: unknown;
  ratePerMinute: number;
  timeoutMs: number;
  cacheTtlMs: number;
  retry: { attempts: number; baseMs: number; maxMs: number };
  circuit: { failureThreshold: number; openMs: number };
  now?: () => number;
  /** Called when the source's circuit opens (once per opening, not per refused request). */
  onCircuitOpen?: (error: DatagenError) => void;
}

/** Counters of the client. @example client.metrics().requests */
export interface HttpClientMetrics {
  requests: number;
  responses_ok: number;
  responses_failed: number;
  retries: number;
  throttled_429: number;
  cache_hits: number;
  circuit: CircuitStats;
}

const MAX_RETRY_AFTER_MS = 300_000;

/** Retry-After in ms (seconds or an HTTP date), or undefined. @example retryAfterMs('2', Date.now()) === 2000 */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const s = Number(header);
  if (Number.isFinite(s) && s >= 0) return Math.min(s * 1000, MAX_RETRY_AFTER_MS);
  const t = Date.parse(header);
  return Number.isNaN(t) ? undefined : Math.min(Math.max(0, t - now), MAX_RETRY_AFTER_MS);
}

/**
 * @example const client = new HttpClient({...}); const body = await client.get('https://api.example.com/items', signal);
 */
export class HttpClient {
  readonly circuit: CircuitBreaker;
  private readonly pacer: TokenBucketPacer;
  private readonly cache = new Map<string, { at: number; body: unknown }>();
  private readonly now: () => number;
  private readonly counts = {
    requests: 0,
    responses_ok: 0,
    responses_failed: 0,
    retries: 0,
    throttled_429: 0,
    cache_hits: 0,
  };

  constructor(private readonly opts: HttpClientOptions) {
    this.now = opts.now ?? Date.now;
    // Burst 1: requests are spread evenly, never bunched after an idle spell (APIs count per rolling minute).
    this.pacer = new TokenBucketPacer({ ratePerSec: opts.ratePerMinute / 60, burst: 1, now: this.now });
    this.circuit = new CircuitBreaker({
      failureThreshold: opts.circuit.failureThreshold,
      openMs: opts.circuit.openMs,
      now: this.now,
      onStateChange: (_from, to) => {
        if (to !== 'open') return;
        opts.onCircuitOpen?.(
          new DatagenError(
            'SOURCE_CIRCUIT_OPEN',
            `source ${opts.source}: circuit open after repeated failures; no request for ${Math.ceil(this.circuit.untilRetryMs() / 1000)} s`,
          ),
        );
      },
    });
  }

  metrics(): HttpClientMetrics {
    return { ...this.counts, circuit: this.circuit.stats() };
  }

  /** The parsed JSON body of the URL (from the cache while it is fresh). */
  async fetchJson(url: string, signal: AbortSignal): Promise<unknown> {
    const cached = this.cache.get(url);
    if (cached && this.opts.cacheTtlMs > 0 && this.now() - cached.at < this.opts.cacheTtlMs) {
      this.counts.cache_hits++;
      return cached.body;
    }
    const body = await retry(() => this.attempt(url, signal), {
      attempts: this.opts.retry.attempts,
      baseMs: this.opts.retry.baseMs,
      maxMs: this.opts.retry.maxMs,
      multiplier: 2,
      signal,
      label: `source ${this.opts.source}: ${this.opts.method} ${safeUrl(url)}`,
      isRetriable: (err) => err instanceof DatagenError && err.retriable,
      delayFor: (err) => (err as { retryAfterMs?: number }).retryAfterMs,
      onRetry: () => {
        this.counts.retries++;
      },
    }).catch((err: DatagenError) => {
      // The error of the last attempt says what went wrong (status, timeout); the retry wrapper says how often.
      const last = err.cause instanceof DatagenError ? err.cause : undefined;
      throw last ? new DatagenError(last.code, `${err.message}`, { cause: last, retriable: last.retriable }) : err;
    });
    if (this.opts.cacheTtlMs > 0) {
      this.cache.set(url, { at: this.now(), body });
      if (this.cache.size > 1000) this.cache.delete(this.cache.keys().next().value as string);
    }
    return body;
  }

  private async attempt(url: string, signal: AbortSignal): Promise<unknown> {
    if (!this.circuit.canPass()) {
      throw new DatagenError(
        'SOURCE_CIRCUIT_OPEN',
        `source ${this.opts.source}: circuit open after repeated failures; next try in ${Math.ceil(this.circuit.untilRetryMs() / 1000)} s`,
        { retriable: false },
      );
    }
    await this.pacer.acquire();
    this.counts.requests++;
    const deadline = requestDeadline(signal, this.opts.timeoutMs);
    try {
      return await this.request(url, signal, deadline.signal);
    } finally {
      deadline.clear();
    }
  }

  private async request(url: string, stop: AbortSignal, signal: AbortSignal): Promise<unknown> {
    const timedOut = (err: unknown) => !stop.aborted && signal.aborted && (err as Error)?.name === 'TimeoutError';
    let res: Response;
    try {
      res = await fetch(url, {
        method: this.opts.method,
        headers: {
          accept: 'application/json',
          ...(this.opts.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...Object.fromEntries(Object.entries(this.opts.headers).map(([k, v]) => [k, v.reveal()])),
        },
        body: this.opts.body === undefined ? undefined : JSON.stringify(this.opts.body),
        signal,
      });
    } catch (err) {
      this.fail();
      if (stop.aborted) throw new DatagenError('ABORTED', `source ${this.opts.source}: stopped`, { cause: err });
      throw new DatagenError(
        'SOURCE_FETCH_FAILED',
        timedOut(err) ? `timed out after ${this.opts.timeoutMs} ms` : `request failed: ${(err as Error).message}`,
        { cause: err },
      );
    }
    if (!res.ok) {
      await res.body?.cancel();
      const retriable = res.status === 429 || res.status === 408 || res.status >= 500;
      if (res.status === 429) this.counts.throttled_429++;
      this.fail();
      const error = new DatagenError('SOURCE_FETCH_FAILED', `HTTP ${res.status} ${res.statusText}`.trim(), {
        retriable,
      });
      const after = retryAfterMs(res.headers.get('retry-after'), this.now());
      if (after !== undefined) Object.assign(error, { retryAfterMs: after });
      throw error;
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch (err) {
      this.fail();
      if (stop.aborted) throw new DatagenError('ABORTED', `source ${this.opts.source}: stopped`, { cause: err });
      if (timedOut(err)) {
        throw new DatagenError(
          'SOURCE_FETCH_FAILED',
          `timed out after ${this.opts.timeoutMs} ms reading the response`,
          {
            cause: err,
          },
        );
      }
      throw new DatagenError('SOURCE_BAD_RESPONSE', `response is not JSON: ${(err as Error).message}`, { cause: err });
    }
    this.counts.responses_ok++;
    this.circuit.onSuccess();
    return body;
  }

  private fail(): void {
    this.counts.responses_failed++;
    this.circuit.onFailure();
  }
}

/** The URL without its query string and credentials, for messages (queries may hold keys). */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return '(url)';
  }
}

/**
 * A signal that aborts when `stop` does or after `ms` (with a TimeoutError), held by its own timer until `clear()`.
 * Not `AbortSignal.any([stop, AbortSignal.timeout(ms)])`: Node 20 can collect that timeout signal before it fires
 * (nodejs/node#57736), and the request then waits for the server however long it takes.
 * @example const d = requestDeadline(signal, 5000); try { await fetch(url, { signal: d.signal }); } finally { d.clear(); }
 */
export function requestDeadline(stop: AbortSignal, ms: number): { signal: AbortSignal; clear: () => void } {
  const ac = new AbortController();
  const onStop = () => ac.abort(stop.reason);
  const timer = setTimeout(() => ac.abort(new DOMException(`timed out after ${ms} ms`, 'TimeoutError')), ms);
  timer.unref();
  if (stop.aborted) onStop();
  else stop.addEventListener('abort', onStop, { once: true });
  return {
    signal: ac.signal,
    clear: () => {
      clearTimeout(timer);
      stop.removeEventListener('abort', onStop);
    },
  };
}
