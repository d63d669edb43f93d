// Send-latency statistics: percentiles over a sliding window of samples, and cumulative Prometheus-style buckets.

import { DatagenError } from '../errors.js';

/**
 * Bucket bounds in ms, suited to sink round trips from a local file write to a slow cloud broker.
 * @example DEFAULT_LATENCY_BUCKETS[0] === 1
 */
export const DEFAULT_LATENCY_BUCKETS: readonly number[] = [
  1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000,
];

/** Options of {@link LatencyHistogram}. @example { window: 10_000 } */
export interface LatencyHistogramOptions {
  /** Samples the percentiles look at: the most recent ones. Default 10 000. */
  window?: number;
  /** Upper bounds of the buckets in ms, ascending; +Inf is added. Default {@link DEFAULT_LATENCY_BUCKETS}. */
  bounds?: readonly number[];
}

/** One cumulative bucket: samples at or below `le` ms, since creation. @example { le: 50, count: 12 } */
export interface LatencyBucket {
  le: number;
  count: number;
}

/**
 * Latency samples in ms. Percentiles and the mean describe the last `window` samples (a ring buffer), so they
 * follow the current state of a sink; buckets, `total` and `sum` count every sample since creation, because
 * Prometheus histograms must be monotonic counters.
 * @example
 * const h = new LatencyHistogram();
 * h.record(performance.now() - started);
 * log.info({ p50: h.p50, p95: h.p95, p99: h.p99 });
 */
export class LatencyHistogram {
  readonly window: number;
  readonly bounds: readonly number[];
  private readonly ring: Float64Array;
  private next = 0;
  private filled = 0;
  private sorted: Float64Array | null = null;
  private readonly bucketCounts: number[];
  private allCount = 0;
  private allSum = 0;

  constructor(options: LatencyHistogramOptions = {}) {
    this.window = options.window ?? 10_000;
    this.bounds = [...(options.bounds ?? DEFAULT_LATENCY_BUCKETS)];
    if (!Number.isInteger(this.window) || this.window < 1) {
      throw new DatagenError('CONFIG_INVALID', `latency window must be a positive integer; got ${this.window}`);
    }
    if (this.bounds.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= this.bounds[i - 1]))) {
      throw new DatagenError(
        'CONFIG_INVALID',
        `latency bucket bounds must be finite and ascending; got ${this.bounds}`,
      );
    }
    this.ring = new Float64Array(this.window);
    this.bucketCounts = new Array(this.bounds.length + 1).fill(0);
  }

  /** Adds one sample; negative values count as 0 and non-finite ones are ignored. */
  record(ms: number): void {
    if (!Number.isFinite(ms)) return;
    const v = Math.max(0, ms);
    this.ring[this.next] = v;
    this.next = (this.next + 1) % this.window;
    if (this.filled < this.window) this.filled++;
    this.sorted = null;
    this.allCount++;
    this.allSum += v;
    this.bucketCounts[this.bucketOf(v)]++;
  }

  /** Samples in the window. */
  get count(): number {
    return this.filled;
  }

  /** Samples since creation. */
  get total(): number {
    return this.allCount;
  }

  /** Sum of all samples since creation, in ms (Prometheus `_sum`). */
  get sum(): number {
    return this.allSum;
  }

  /** Mean of the window; NaN when empty. */
  get mean(): number {
    if (this.filled === 0) return Number.NaN;
    let s = 0;
    for (let i = 0; i < this.filled; i++) s += this.ring[i];
    return s / this.filled;
  }

  /**
   * The p-th percentile (0..100) of the window by nearest rank: the smallest sample with at least p% of the
   * samples at or below it. NaN when empty.
   */
  percentile(p: number): number {
    if (!(p >= 0 && p <= 100)) throw new DatagenError('INTERNAL', `percentile must be within 0..100; got ${p}`);
    if (this.filled === 0) return Number.NaN;
    // Sorting is deferred to the first read after a change: reads happen once per interval, records per batch.
    if (!this.sorted) this.sorted = this.ring.slice(0, this.filled).sort();
    const rank = Math.max(1, Math.ceil((p / 100) * this.filled));
    return this.sorted[rank - 1];
  }

  /** The 50th percentile of the window. */
  get p50(): number {
    return this.percentile(50);
  }

  /** The 95th percentile of the window. */
  get p95(): number {
    return this.percentile(95);
  }

  /** The 99th percentile of the window. */
  get p99(): number {
    return this.percentile(99);
  }

  /** Cumulative counts per bound since creation, ending with `le: Infinity` (= `total`). */
  buckets(): LatencyBucket[] {
    const out: LatencyBucket[] = [];
    let running = 0;
    for (let i = 0; i <= this.bounds.length; i++) {
      running += this.bucketCounts[i];
      out.push({ le: i < this.bounds.length ? this.bounds[i] : Number.POSITIVE_INFINITY, count: running });
    }
    return out;
  }

  /** Forgets every sample and count. */
  reset(): void {
    this.next = 0;
    this.filled = 0;
    this.sorted = null;
    this.allCount = 0;
    this.allSum = 0;
    this.bucketCounts.fill(0);
  }

  private bucketOf(v: number): number {
    let lo = 0;
    let hi = this.bounds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v <= this.bounds[mid]) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
