// Stream statistics: counters by event type, throughput over a sliding window, batch sizes and latencies.

import { LatencyHistogram } from './latency.js';

type Counts = Record<string, number>;

function bump(c: Counts, key: string, n = 1): void {
  c[key] = (c[key] ?? 0) + n;
}

const WINDOW_S = 10;

/** Events per second over the last WINDOW_S seconds, by type. */
class RateWindow {
  private readonly slots: { second: number; counts: Counts; total: number }[] = [];

  add(now: number, type: string, n: number): void {
    const second = Math.floor(now / 1000);
    let slot = this.slots[this.slots.length - 1];
    if (!slot || slot.second !== second) {
      slot = { second, counts: {}, total: 0 };
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
    const byType: Counts = {};
    let total = 0;
    for (const s of slots) {
      total += s.total;
      for (const [t, n] of Object.entries(s.counts)) bump(byType, t, n);
    }
    for (const t of Object.keys(byType)) byType[t] = Math.round((byType[t] / span) * 10) / 10;
    return { total: Math.round((total / span) * 10) / 10, byType };
  }
}

/**
 * @example const s = new StreamStats(); s.generated('receipt_created'); s.snapshot(Date.now());
 */
export class StreamStats {
  readonly generatedByType: Counts = {};
  readonly sentByType: Counts = {};
  readonly failedByType: Counts = {};
  readonly droppedByType: Counts = {};
  readonly deadLetteredByType: Counts = {};
  readonly sentByDestination: Counts = {};
  retried = 0;
  batches = 0;
  lastBatchSize = 0;
  private batchEvents = 0;
  readonly sendLatency = new LatencyHistogram();
  readonly endToEnd = new LatencyHistogram();
  private readonly rate = new RateWindow();

  generated(type: string): void {
    bump(this.generatedByType, type);
  }

  sent(type: string, destination: string, now: number, n = 1): void {
    bump(this.sentByType, type, n);
    bump(this.sentByDestination, destination, n);
    this.rate.add(now, type, n);
  }

  failed(type: string, n = 1): void {
    bump(this.failedByType, type, n);
  }

  dropped(type: string, n = 1): void {
    bump(this.droppedByType, type, n);
  }

  deadLettered(type: string, n = 1): void {
    bump(this.deadLetteredByType, type, n);
  }

  batchSent(size: number, latencyMs: number): void {
    this.batches++;
    this.lastBatchSize = size;
    this.batchEvents += size;
    this.sendLatency.record(latencyMs);
  }

  snapshot(now: number) {
    const sum = (c: Counts) => Object.values(c).reduce((a, b) => a + b, 0);
    const r = this.rate.rates(now);
    const lat = (h: LatencyHistogram) => ({
      p50: h.percentile(50),
      p95: h.percentile(95),
      p99: h.percentile(99),
      count: h.count,
    });
    return {
      events_generated: sum(this.generatedByType),
      events_sent: sum(this.sentByType),
      events_failed: sum(this.failedByType),
      events_dropped: sum(this.droppedByType),
      events_retried: this.retried,
      events_dead_lettered: sum(this.deadLetteredByType),
      events_per_second: r.total,
      events_per_second_by_type: r.byType,
      generated_by_type: { ...this.generatedByType },
      sent_by_type: { ...this.sentByType },
      sent_by_destination: { ...this.sentByDestination },
      dropped_by_type: { ...this.droppedByType },
      dead_lettered_by_type: { ...this.deadLetteredByType },
      batches_sent: this.batches,
      batch_size_avg: this.batches === 0 ? 0 : Math.round((this.batchEvents / this.batches) * 10) / 10,
      last_batch_size: this.lastBatchSize,
      send_latency_ms: lat(this.sendLatency),
      end_to_end_latency_ms: lat(this.endToEnd),
    };
  }
}

export type StatsSnapshot = ReturnType<StreamStats['snapshot']>;
