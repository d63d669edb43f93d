// The circuit breaker in front of a sink: stops sending after repeated failures, then probes once before resuming.

import { DatagenError } from '../errors.js';

/** The states of a breaker. @example const s: CircuitState = 'half_open'; */
export type CircuitState = 'closed' | 'open' | 'half_open';

/** Options of {@link CircuitBreaker}. @example { failureThreshold: 5, openMs: 30_000 } */
export interface CircuitBreakerOptions {
  /** False makes the breaker always let calls pass (it still counts failures). Default true. */
  enabled?: boolean;
  /** Consecutive failures that open the circuit. Default 5. */
  failureThreshold?: number;
  /** How long the circuit stays open the first time. Default 30 s. */
  openMs?: number;
  /** Factor applied to the open time each time a probe fails. Default 2. */
  openBackoff?: number;
  /** Longest open time. Default 5 min. */
  maxOpenMs?: number;
  /** Clock in ms. Default Date.now. */
  now?: () => number;
  /** Called on every state change. */
  onStateChange?: (from: CircuitState, to: CircuitState) => void;
}

/** A snapshot for metrics and logs. @example breaker.stats().opens */
export interface CircuitStats {
  state: CircuitState;
  consecutiveFailures: number;
  /** Times the circuit opened since creation. */
  opens: number;
  /** When it last opened (ms), or null if never. */
  lastOpenedAt: number | null;
  /** The open time that applies now (grows while probes fail). */
  openMs: number;
}

/**
 * A three-state circuit breaker. Closed: everything passes; `failureThreshold` consecutive failures open it.
 * Open: nothing passes for the open time. Then half-open: `canPass()` is true exactly once (the probe) and false
 * until the probe's outcome is reported; a success closes the circuit and resets the open time, a failure opens
 * it again for `openBackoff` times longer (up to `maxOpenMs`).
 *
 * The caller must report the outcome of every call that passed, or a half-open circuit waits forever. Outcomes
 * reported while open (calls that started before it opened) are ignored.
 *
 * @example
 * const breaker = new CircuitBreaker({ failureThreshold: 5, openMs: 30_000 });
 * if (!breaker.canPass()) return sleep(breaker.untilRetryMs());
 * try { await sink.send(batch); breaker.onSuccess(); } catch (err) { breaker.onFailure(); throw err; }
 */
export class CircuitBreaker {
  private readonly enabled: boolean;
  private readonly failureThreshold: number;
  private readonly baseOpenMs: number;
  private readonly openBackoff: number;
  private readonly maxOpenMs: number;
  private readonly now: () => number;
  private readonly onStateChange?: (from: CircuitState, to: CircuitState) => void;
  private current: CircuitState = 'closed';
  private failures = 0;
  private opens = 0;
  private openedAt: number | null = null;
  private openMs: number;
  private probeInFlight = false;

  constructor(options: CircuitBreakerOptions = {}) {
    this.enabled = options.enabled ?? true;
    this.failureThreshold = options.failureThreshold ?? 5;
    this.baseOpenMs = options.openMs ?? 30_000;
    this.openBackoff = options.openBackoff ?? 2;
    this.maxOpenMs = Math.max(options.maxOpenMs ?? 300_000, this.baseOpenMs);
    this.now = options.now ?? Date.now;
    this.onStateChange = options.onStateChange;
    this.openMs = this.baseOpenMs;
    if (!Number.isInteger(this.failureThreshold) || this.failureThreshold < 1) {
      throw new DatagenError(
        'CONFIG_INVALID',
        `failureThreshold must be a positive integer; got ${this.failureThreshold}`,
      );
    }
    if (!(this.baseOpenMs >= 0) || !(this.openBackoff >= 1)) {
      throw new DatagenError('CONFIG_INVALID', 'openMs must be >= 0 and openBackoff >= 1');
    }
  }

  /** The state now; an open circuit whose time is up reads as half_open. */
  get state(): CircuitState {
    this.refresh();
    return this.current;
  }

  /** True when a call may go ahead. In half_open it is true once, for the probe. */
  canPass(): boolean {
    if (!this.enabled) return true;
    this.refresh();
    switch (this.current) {
      case 'closed':
        return true;
      case 'open':
        return false;
      case 'half_open':
        if (this.probeInFlight) return false;
        this.probeInFlight = true;
        return true;
    }
  }

  /** Reports a call that succeeded. */
  onSuccess(): void {
    this.refresh();
    if (this.current === 'open') return;
    this.failures = 0;
    if (this.current === 'half_open') {
      this.probeInFlight = false;
      this.openMs = this.baseOpenMs;
      this.transition('closed');
    }
  }

  /** Reports a call that failed. */
  onFailure(): void {
    this.refresh();
    if (this.current === 'open') return;
    this.failures++;
    if (!this.enabled) return;
    if (this.current === 'half_open') {
      this.probeInFlight = false;
      this.openMs = Math.min(this.maxOpenMs, this.openMs * this.openBackoff);
      this.open();
    } else if (this.failures >= this.failureThreshold) {
      this.open();
    }
  }

  /** Milliseconds until a probe may pass: 0 when closed or half-open, the rest of the open time when open. */
  untilRetryMs(): number {
    this.refresh();
    if (this.current !== 'open' || this.openedAt === null) return 0;
    return Math.max(0, this.openedAt + this.openMs - this.now());
  }

  /** A snapshot for metrics and logs. */
  stats(): CircuitStats {
    return {
      state: this.state,
      consecutiveFailures: this.failures,
      opens: this.opens,
      lastOpenedAt: this.openedAt,
      openMs: this.openMs,
    };
  }

  private open(): void {
    this.opens++;
    this.openedAt = this.now();
    this.transition('open');
  }

  // Time alone moves open to half_open; doing it lazily here avoids a timer per breaker.
  private refresh(): void {
    if (this.current === 'open' && this.openedAt !== null && this.now() - this.openedAt >= this.openMs) {
      this.probeInFlight = false;
      this.transition('half_open');
    }
  }

  private transition(to: CircuitState): void {
    const from = this.current;
    if (from === to) return;
    this.current = to;
    this.onStateChange?.(from, to);
  }
}
