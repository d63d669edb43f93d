// Source pacing: a token-bucket pacer, and an adaptive throttle that slows it when sinks struggle and recovers gently.

import { setTimeout as delay } from 'node:timers/promises';
import { DatagenError } from '../errors.js';

/** Options of {@link TokenBucketPacer}. @example { ratePerSec: 500, burst: 100 } */
export interface PacerOptions {
  /** Tokens per second; Infinity means unlimited. */
  ratePerSec: number;
  /** Bucket size: the most tokens that can be spent at once after an idle spell. */
  burst: number;
  /** Clock in ms. Default Date.now. */
  now?: () => number;
  /** Default: a real timer. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * A token bucket: tokens refill at `rate` per second up to `burst`; `acquire(n)` waits until it could take n.
 * Callers are served in call order. A request larger than the bucket is allowed: it takes what is there and waits
 * for the rest at the current rate, so it costs the same time as n single tokens. A rate change applies to the
 * wait in progress from its next check on.
 * @example
 * const pacer = new TokenBucketPacer({ ratePerSec: 1000, burst: 100 });
 * for (const event of events) { await pacer.acquire(); queue.push(event, 'normal'); }
 */
export class TokenBucketPacer {
  readonly burst: number;
  private currentRate: number;
  private tokens: number;
  private last: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private tail: Promise<void> = Promise.resolve();

  constructor(options: PacerOptions) {
    checkRate(options.ratePerSec);
    if (!(options.burst >= 1) || !Number.isFinite(options.burst)) {
      throw new DatagenError('CONFIG_INVALID', `pacer burst must be a finite number >= 1; got ${options.burst}`);
    }
    this.burst = options.burst;
    this.currentRate = options.ratePerSec;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => delay(ms));
    this.tokens = this.burst;
    this.last = this.now();
  }

  /** Tokens per second now. */
  get rate(): number {
    return this.currentRate;
  }

  /** Tokens in the bucket now (negative while a large request is paying its debt). */
  get available(): number {
    this.refill();
    return this.tokens;
  }

  /** Changes the rate; the time that has passed is credited at the old rate first. */
  setRate(ratePerSec: number): void {
    checkRate(ratePerSec);
    this.refill();
    // Leaving unlimited mode starts from a full bucket rather than from a stale count.
    if (this.currentRate === Number.POSITIVE_INFINITY) this.tokens = this.burst;
    this.currentRate = ratePerSec;
  }

  /** Resolves once `n` tokens have been taken; at once when the rate is unlimited. */
  acquire(n = 1): Promise<void> {
    if (this.currentRate === Number.POSITIVE_INFINITY) return Promise.resolve();
    const turn = this.tail.then(() => this.take(n));
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  private async take(n: number): Promise<void> {
    this.refill();
    if (this.currentRate === Number.POSITIVE_INFINITY) return;
    this.tokens -= n;
    // The small tolerance stops float dust from costing an extra sleep.
    while (this.tokens < -1e-9) {
      await this.sleep((-this.tokens / this.currentRate) * 1000);
      this.refill();
      if (this.currentRate === Number.POSITIVE_INFINITY) this.tokens = Math.max(this.tokens, 0);
    }
  }

  private refill(): void {
    const t = this.now();
    const elapsed = Math.max(0, t - this.last);
    this.last = t;
    if (this.currentRate === Number.POSITIVE_INFINITY) return;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.currentRate) / 1000);
  }
}

/** One reading of a signal. @example { level: 'high', value: 812, detail: 'p95 812ms >= 500ms' } */
export interface ThrottleReading {
  level: 'ok' | 'high' | 'critical';
  value: number;
  detail?: string;
}

/** Something the throttle watches. @example latencySignal({ p95Ms: () => h.p95, highMs: 500, criticalMs: 2000 }) */
export interface ThrottleSignal {
  name: string;
  read(): ThrottleReading;
}

/** One rate change. @example { at: 1700000000000, from: 1000, to: 500, reason: 'high: latency p95 812ms >= 500ms' } */
export interface ThrottleAdjustment {
  at: number;
  from: number;
  to: number;
  reason: string;
}

/** Options of {@link AdaptiveThrottle}. @example { pacer, baseRate: 1000, minRate: 10, signals: [latency] } */
export interface ThrottleOptions {
  pacer: TokenBucketPacer;
  /** The rate asked for; recovery never goes above it. Must be finite. */
  baseRate: number;
  /** The floor; backing off never goes below it. */
  minRate: number;
  signals: readonly ThrottleSignal[];
  /** Growth per all-ok tick. Default 1.25. */
  recoveryFactor?: number;
  /** Factor per high tick (squared on a critical one). Default 0.5. */
  backoffFactor?: number;
  /** Clock in ms for the adjustment log. Default Date.now. */
  now?: () => number;
}

const MAX_ADJUSTMENTS = 100;

/**
 * Adjusts a pacer's rate from health signals, once per `tick()`: any critical signal multiplies the rate by
 * backoffFactor², else any high one by backoffFactor, else (all ok) it grows by recoveryFactor up to the base rate.
 * Backing off is fast and recovery slow (multiplicative decrease, gentle increase), so a struggling sink is not
 * hit again at full rate the moment it breathes. The rate stays within [minRate, baseRate]; it starts at baseRate.
 * @example
 * const throttle = new AdaptiveThrottle({ pacer, baseRate: 1000, minRate: 10, signals: [latencySignal(...)] });
 * setInterval(() => throttle.tick(), 1000);
 */
export class AdaptiveThrottle {
  private readonly pacer: TokenBucketPacer;
  private base: number;
  private readonly minRate: number;
  private readonly signals: readonly ThrottleSignal[];
  private readonly recoveryFactor: number;
  private readonly backoffFactor: number;
  private readonly now: () => number;
  private readonly log: ThrottleAdjustment[] = [];
  private ticks = 0;
  private changes = 0;
  private lastReadings: Array<ThrottleReading & { name: string }> = [];

  constructor(options: ThrottleOptions) {
    const { baseRate, minRate } = options;
    this.recoveryFactor = options.recoveryFactor ?? 1.25;
    this.backoffFactor = options.backoffFactor ?? 0.5;
    if (!(minRate > 0) || !(baseRate >= minRate) || !Number.isFinite(baseRate)) {
      throw new DatagenError(
        'CONFIG_INVALID',
        `throttle needs 0 < minRate <= baseRate < Infinity; got ${minRate}, ${baseRate}`,
      );
    }
    if (!(this.recoveryFactor > 1) || !(this.backoffFactor > 0 && this.backoffFactor < 1)) {
      throw new DatagenError('CONFIG_INVALID', 'throttle needs recoveryFactor > 1 and 0 < backoffFactor < 1');
    }
    this.pacer = options.pacer;
    this.base = baseRate;
    this.minRate = minRate;
    this.signals = options.signals;
    this.now = options.now ?? Date.now;
    this.pacer.setRate(baseRate);
  }

  /** The pacer's rate now. */
  get rate(): number {
    return this.pacer.rate;
  }

  /** Backoff steps below the base rate: 0 at full speed, one more per halving (with the default factor). */
  get level(): number {
    const steps = Math.log(this.base / this.pacer.rate) / Math.log(1 / this.backoffFactor);
    return Math.max(0, Math.ceil(steps - 1e-9));
  }

  /** Reads every signal and adjusts the rate; returns the overall level and the rate after the tick. */
  tick(): { level: ThrottleReading['level']; rate: number } {
    this.ticks++;
    this.lastReadings = this.signals.map((s) => ({ name: s.name, ...s.read() }));
    const worst = this.lastReadings.some((r) => r.level === 'critical')
      ? 'critical'
      : this.lastReadings.some((r) => r.level === 'high')
        ? 'high'
        : 'ok';
    const from = this.pacer.rate;
    let to: number;
    let reason: string;
    if (worst === 'ok') {
      to = Math.min(this.base, from * this.recoveryFactor);
      reason = 'recovery: all signals ok';
    } else {
      to = Math.max(this.minRate, from * this.backoffFactor ** (worst === 'critical' ? 2 : 1));
      const culprits = this.lastReadings.filter((r) => r.level !== 'ok');
      reason = `${worst}: ${culprits.map((r) => `${r.name} ${r.detail ?? r.value}`).join('; ')}`;
    }
    this.apply(from, to, reason);
    return { level: worst, rate: this.pacer.rate };
  }

  /** Changes the base rate (e.g. the user asked for another speed); the current rate is kept within it. */
  setBaseRate(baseRate: number): void {
    if (!(baseRate >= this.minRate) || !Number.isFinite(baseRate)) {
      throw new DatagenError('CONFIG_INVALID', `baseRate must be finite and >= minRate; got ${baseRate}`);
    }
    this.base = baseRate;
    this.apply(this.pacer.rate, Math.min(this.pacer.rate, baseRate), 'base rate changed');
  }

  /** The last 100 rate changes, oldest first. */
  adjustments(): ThrottleAdjustment[] {
    return this.log.map((a) => ({ ...a }));
  }

  /** A snapshot for metrics and logs. */
  stats() {
    return {
      rate: this.pacer.rate,
      baseRate: this.base,
      minRate: this.minRate,
      level: this.level,
      ticks: this.ticks,
      adjustments: this.changes,
      readings: this.lastReadings.map((r) => ({ ...r })),
    };
  }

  private apply(from: number, to: number, reason: string): void {
    if (to === from) return;
    this.pacer.setRate(to);
    this.changes++;
    this.log.push({ at: this.now(), from, to, reason });
    if (this.log.length > MAX_ADJUSTMENTS) this.log.shift();
  }
}

/**
 * A signal on send latency: high at `highMs`, critical at `criticalMs`; no samples (NaN) reads as ok.
 * @example latencySignal({ p95Ms: () => histogram.p95, highMs: 500, criticalMs: 2000 })
 */
export function latencySignal(opts: {
  p95Ms: () => number;
  highMs: number;
  criticalMs: number;
  name?: string;
}): ThrottleSignal {
  return thresholdSignal(
    opts.name ?? 'latency',
    opts.p95Ms,
    opts.highMs,
    opts.criticalMs,
    (v) => `p95 ${Math.round(v)}ms`,
    (t) => `${t}ms`,
  );
}

/**
 * A signal on the share of failed sends (0..1): high at `high`, critical at `critical`.
 * @example errorRateSignal({ rate: () => stats.errorRate(), high: 0.01, critical: 0.1 })
 */
export function errorRateSignal(opts: {
  rate: () => number;
  high: number;
  critical: number;
  name?: string;
}): ThrottleSignal {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  return thresholdSignal(opts.name ?? 'errors', opts.rate, opts.high, opts.critical, (v) => `rate ${pct(v)}`, pct);
}

/**
 * A signal on a consumer group's lag (events not yet read): high at `target`, critical at `critical`; not read yet
 * (NaN) reads as ok.
 * @example consumerLagSignal({ lag: () => monitor.lag, target: 1000, critical: 5000 })
 */
export function consumerLagSignal(opts: {
  lag: () => number;
  target: number;
  critical: number;
  name?: string;
}): ThrottleSignal {
  return thresholdSignal(
    opts.name ?? 'consumer_lag',
    opts.lag,
    opts.target,
    opts.critical,
    (v) => `lag ${Math.round(v)}`,
    (t) => `${t}`,
  );
}

function thresholdSignal(
  name: string,
  read: () => number,
  high: number,
  critical: number,
  showValue: (v: number) => string,
  showThreshold: (t: number) => string,
): ThrottleSignal {
  if (!(high <= critical)) {
    throw new DatagenError('CONFIG_INVALID', `${name} signal: high (${high}) must not exceed critical (${critical})`);
  }
  return {
    name,
    read() {
      const value = read();
      if (Number.isNaN(value)) return { level: 'ok', value, detail: 'no samples' };
      if (value >= critical)
        return { level: 'critical', value, detail: `${showValue(value)} >= ${showThreshold(critical)}` };
      if (value >= high) return { level: 'high', value, detail: `${showValue(value)} >= ${showThreshold(high)}` };
      return { level: 'ok', value, detail: showValue(value) };
    },
  };
}

function checkRate(rate: number): void {
  if (!(rate > 0)) throw new DatagenError('CONFIG_INVALID', `pacer rate must be > 0 (or Infinity); got ${rate}`);
}
