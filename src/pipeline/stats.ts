// Stream statistics: counters by event type, throughput over a sliding window, batch sizes and latencies.

import { LatencyHistogram } from './latency.js';

type Counts = Record<string, number>;

// Counted in Maps: a type's string is hashed once, while an object keyed by a dozen types read at one place is a
// megamorphic lookup per event.
function bump(c: Map<string, number>, key: string, n = 1): void {
  c.set(key, (c.get(key) ?? 0) + n);
}

const plain = (c: Map<string, number>): Counts => Object.fromEntries(c);
const sum = (c: Map<string, number>) => {
  let total = 0;
  for (const n of c.values()) total += n;
  return total;
};

const WINDOW_S = 10;

/** Events per second over the last WINDOW_S seconds, by type. */
class RateWindow {
  private readonly slots: { second: number; counts: Map<string, number>; total: number }[] = [];

  add(now: number, type: string, n: number): void {
    const second = Math.floor(now / 1000);
    let slot = this.slots[this.slots.length - 1];
    if (!slot || slot.second !== second) {
      slot = { second, counts: new Map(), total: 0 };
      this.slots.push(slot);
      while (this.slots.length > WINDOW_S + 1) this.slots.shift();
    }
    bump(slot.counts, type, n);
    slot.total += n;
  }

  rates(now: number): { total: number; byType: Counts } {
    const current = Math.floor(now / 1000);
    // Full seconds only: the running second would understate the rate.
    const slots = this.slots.filter((s) => s.second < current && s.second >= current - WINDOW_S);
    const span = Math.max(1, Math.min(WINDOW_S, slots.length));
    const summed = new Map<string, number>();
    let total = 0;
    for (const s of slots) {
      total += s.total;
      for (const [t, n] of s.counts) bump(summed, t, n);
    }
    const byType: Counts = {};
    for (const [t, n] of summed) byType[t] = Math.round((n / span) * 10) / 10;
    return { total: Math.round((total / span) * 10) / 10, byType };
  }
}

/**
 * @example const s = new StreamStats(); s.generated('receipt_created'); s.snapshot(Date.now());
 */
export class StreamStats {
  private readonly generatedCounts = new Map<string, number>();
  private readonly sentCounts = new Map<string, number>();
  private readonly failedCounts = new Map<string, number>();
  private readonly droppedCounts = new Map<string, number>();
  private readonly deadLetteredCounts = new Map<string, number>();
  private readonly sentByDestinationCounts = new Map<string, number>();
  retried = 0;
  batches = 0;
  lastBatchSize = 0;
  private batchEvents = 0;
  readonly sendLatency = new LatencyHistogram();
  readonly endToEnd = new LatencyHistogram();
  private readonly rate = new RateWindow();

  /** Events generated so far, by type (a copy). */
  get generatedByType(): Counts {
    return plain(this.generatedCounts);
  }

  get failedByType(): Counts {
    return plain(this.failedCounts);
  }

  get droppedByType(): Counts {
    return plain(this.droppedCounts);
  }

  get deadLetteredByType(): Counts {
    return plain(this.deadLetteredCounts);
  }

  generated(type: string): void {
    bump(this.generatedCounts, type);
  }

  sent(type: string, destination: string, now: number, n = 1): void {
    bump(this.sentCounts, type, n);
    bump(this.sentByDestinationCounts, destination, n);
    this.rate.add(now, type, n);
  }

  failed(type: string, n = 1): void {
    bump(this.failedCounts, type, n);
  }

  dropped(type: string, n = 1): void {
    bump(this.droppedCounts, type, n);
  }

  deadLettered(type: string, n = 1): void {
    bump(this.deadLetteredCounts, type, n);
  }

  batchSent(size: number, latencyMs: number): void {
    this.batches++;
    this.lastBatchSize = size;
    this.batchEvents += size;
    this.sendLatency.record(latencyMs);
  }

  snapshot(now: number) {
    const r = this.rate.rates(now);
    const lat = (h: LatencyHistogram) => ({
      p50: h.percentile(50),
      p95: h.percentile(95),
      p99: h.percentile(99),
      count: h.count,
    });
    return {
      events_generated: sum(this.generatedCounts),
      events_sent: sum(this.sentCounts),
      events_failed: sum(this.failedCounts),
      events_dropped: sum(this.droppedCounts),
      events_retried: this.retried,
      events_dead_lettered: sum(this.deadLetteredCounts),
      events_per_second: r.total,
      events_per_second_by_type: r.byType,
      generated_by_type: plain(this.generatedCounts),
      sent_by_type: plain(this.sentCounts),
      sent_by_destination: plain(this.sentByDestinationCounts),
      dropped_by_type: plain(this.droppedCounts),
      dead_lettered_by_type: plain(this.deadLetteredCounts),
      batches_sent: this.batches,
      batch_size_avg: this.batches === 0 ? 0 : Math.round((this.batchEvents / this.batches) * 10) / 10,
      last_batch_size: this.lastBatchSize,
      send_latency_ms: lat(this.sendLatency),
      end_to_end_latency_ms: lat(this.endToEnd),
    };
  }
}

export type StatsSnapshot = ReturnType<StreamStats['snapshot']>;
