// What every mode shares: the start/stop lifecycle of one loop and its counters.

import type { Deliver, ModeKind, ModeMetrics, Poll } from './types.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The lifecycle and counters of a mode's loop; a mode supplies `run`. */
export abstract class ModeLoop {
  abstract readonly kind: ModeKind;
  protected polls = 0;
  protected pollErrors = 0;
  protected records = 0;
  protected buffered = 0;
  protected lastPollAt: number | null = null;
  protected lastError: string | null = null;
  protected nextPollAt: number | null = null;
  private abort: AbortController | null = null;
  private loop: Promise<void> | null = null;

  constructor(protected readonly now: () => number = Date.now) {}

  get running(): boolean {
    return this.abort !== null;
  }

  start<T>(poll: Poll<T>, deliver: Deliver<T>, onError?: (err: unknown) => void): void {
    if (this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    this.loop = this.run(poll, deliver, abort.signal, onError ?? (() => undefined)).catch((err) => onError?.(err));
  }

  async stop(): Promise<void> {
    const abort = this.abort;
    if (!abort) return;
    abort.abort();
    await this.loop;
    this.abort = null;
    this.loop = null;
    this.nextPollAt = null;
  }

  /** One poll, counted; a failure is counted and reported, and gives no records. */
  protected async pollOnce<T>(
    poll: Poll<T>,
    signal: AbortSignal,
    onError: (err: unknown) => void,
  ): Promise<{ records: T[]; more: boolean }> {
    this.polls++;
    this.lastPollAt = this.now();
    try {
      const r = await poll(signal);
      this.records += r.records.length;
      return r;
    } catch (err) {
      if (signal.aborted) return { records: [], more: false };
      this.pollErrors++;
      this.lastError = (err as Error)?.message ?? String(err);
      onError(err);
      return { records: [], more: false };
    }
  }

  protected abstract run<T>(
    poll: Poll<T>,
    deliver: Deliver<T>,
    signal: AbortSignal,
    onError: (err: unknown) => void,
  ): Promise<void>;

  metrics(): ModeMetrics {
    return {
      mode: this.kind,
      running: this.running,
      polls: this.polls,
      poll_errors: this.pollErrors,
      records: this.records,
      buffered: this.buffered,
      last_poll_at: iso(this.lastPollAt),
      last_error: this.lastError,
      next_poll_at: iso(this.nextPollAt),
    };
  }
}
