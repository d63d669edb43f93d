// Throttling on real signals: while every signal reads ok the source runs at its own pace; when one turns high
// the throttle takes over at the rate measured just before and backs off, then recovers gradually and lets go.

import { AdaptiveThrottle, type ThrottleSignal, TokenBucketPacer } from './pacer.js';

export interface StreamThrottleOptions {
  signals: readonly ThrottleSignal[];
  minRate: number;
  /** Events per second the stream makes now (to start backing off from). */
  currentRate: () => number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * @example const t = new StreamThrottle({ signals, minRate: 10, currentRate }); setInterval(() => t.tick(), 1000); await t.acquire();
 */
export class StreamThrottle {
  private readonly pacer: TokenBucketPacer;
  private adaptive: AdaptiveThrottle | null = null;
  private readonly history: { at: number; from: number; to: number; reason: string }[] = [];
  private readonly now: () => number;

  constructor(private readonly opts: StreamThrottleOptions) {
    this.now = opts.now ?? Date.now;
    this.pacer = new TokenBucketPacer({
      ratePerSec: Number.POSITIVE_INFINITY,
      burst: 100,
      now: opts.now,
      sleep: opts.sleep,
    });
  }

  /** Waits for the pacer; nothing to wait for (undefined) while the throttle is off. */
  acquire(): Promise<void> | undefined {
    return this.adaptive ? this.pacer.acquire() : undefined;
  }

  get active(): boolean {
    return this.adaptive !== null;
  }

  get rate(): number {
    return this.pacer.rate;
  }

  tick(): void {
    const high = this.opts.signals.some((s) => s.read().level !== 'ok');
    if (!this.adaptive) {
      if (!high) return;
      const base = Math.max(this.opts.minRate * 2, this.opts.currentRate());
      this.adaptive = new AdaptiveThrottle({
        pacer: this.pacer,
        baseRate: base,
        minRate: this.opts.minRate,
        signals: this.opts.signals,
        now: this.now,
      });
      this.history.push({
        at: this.now(),
        from: Number.POSITIVE_INFINITY,
        to: base,
        reason: 'a signal turned high: throttling from the current rate',
      });
    }
    const before = this.pacer.rate;
    const { rate } = this.adaptive.tick();
    if (rate !== before)
      this.history.push({
        at: this.now(),
        from: before,
        to: rate,
        reason: this.adaptive.adjustments().at(-1)?.reason ?? '',
      });
    // Back at the base rate with all signals ok: hand the pace back to the source.
    if (!high && rate >= this.adaptive.stats().baseRate) {
      this.adaptive = null;
      this.pacer.setRate(Number.POSITIVE_INFINITY);
      this.history.push({
        at: this.now(),
        from: rate,
        to: Number.POSITIVE_INFINITY,
        reason: 'recovered: throttle off',
      });
    }
    while (this.history.length > 100) this.history.shift();
  }

  stats() {
    return {
      active: this.active,
      rate: Number.isFinite(this.pacer.rate) ? Math.round(this.pacer.rate) : null,
      level: this.adaptive?.level ?? 0,
      signals: this.opts.signals.map((s) => ({ name: s.name, ...s.read() })),
      adjustments: this.history.slice(-10).map((h) => ({
        ...h,
        at: new Date(h.at).toISOString(),
        from: Number.isFinite(h.from) ? h.from : null,
        to: Number.isFinite(h.to) ? h.to : null,
      })),
    };
  }
}
