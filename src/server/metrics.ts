// Prometheus metrics (GET /metrics): the stream's counters, gauges and histograms under stable
// `retail_datagen_` names (documented in the README), read from the running pipeline when scraped.

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { RunningStream } from '../jobs/stream.js';
import type { StreamStats } from '../pipeline/stats.js';
import type { SinkBatch } from '../sinks/types.js';
import type { DeadLetterStore } from '../store/dead-letters.js';
import type { JobView } from './jobs.js';
import type { StreamControl } from './stream-control.js';

export const METRIC_PREFIX = 'retail_datagen_';

const STATES = ['idle', 'running', 'paused', 'draining', 'stopped'] as const;
const CIRCUIT = { closed: 0, half_open: 1, open: 2 } as const;
const DEAD_LETTER_CACHE_MS = 5000;

type Counts = Record<string, number>;

interface Baseline {
  stats: StreamStats | null;
  generated: Counts;
  failed: Counts;
  dropped: Counts;
  deadLettered: Counts;
  retried: number;
  opens: number;
}

const fresh = (stats: StreamStats | null): Baseline => ({
  stats,
  generated: {},
  failed: {},
  dropped: {},
  deadLettered: {},
  retried: 0,
  opens: 0,
});

/**
 * The server's metrics registry.
 * @example const m = new ServerMetrics(control); control hooks call m.observeBatch(batch, ms); res.send(await m.render());
 */
export class ServerMetrics {
  readonly registry = new Registry();
  private base: Baseline = fresh(null);
  private deadLetterCache: { at: number; byStatus: Counts } | null = null;
  private readonly m;

  constructor(
    private readonly control: StreamControl,
    private readonly deadLetters?: () => Promise<DeadLetterStore | undefined>,
  ) {
    const r = this.registry;
    const p = METRIC_PREFIX;
    collectDefaultMetrics({ register: r, prefix: p });
    const counter = <L extends string>(name: string, help: string, labelNames: L[] = []) =>
      new Counter<L>({ name: p + name, help, labelNames, registers: [r] });
    const gauge = <L extends string>(name: string, help: string, labelNames: L[] = []) =>
      new Gauge<L>({ name: p + name, help, labelNames, registers: [r] });
    this.m = {
      generated: counter('events_generated_total', 'Events the source generated, by event type.', ['event_type']),
      sent: counter('events_sent_total', 'Events the sink acknowledged, by event type and destination.', [
        'event_type',
        'destination',
      ]),
      failed: counter('events_failed_total', 'Failed send attempts (per event), by event type.', ['event_type']),
      dropped: counter('events_dropped_total', 'Events dropped by the overflow policy, by event type.', ['event_type']),
      deadLettered: counter('events_dead_lettered_total', 'Events sent to the dead-letter store, by event type.', [
        'event_type',
      ]),
      retried: counter('events_retried_total', 'Events sent again after a failed attempt.'),
      circuitOpens: counter('circuit_opens_total', 'Times the circuit breaker opened.'),
      batchSize: new Histogram({
        name: `${p}batch_size_events`,
        help: 'Events per delivered batch.',
        buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000],
        registers: [r],
      }),
      latency: new Histogram({
        name: `${p}send_latency_seconds`,
        help: 'Time the sink took to acknowledge a batch.',
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [r],
      }),
      state: gauge('stream_state', 'The stream state: 1 for the current state, 0 for the others.', ['state']),
      eps: gauge('events_per_second', 'Events sent per second over the last 10 s.'),
      queueDepth: gauge('queue_depth', 'Events waiting in the bounded queue.'),
      queueCapacity: gauge('queue_capacity', 'Capacity of the bounded queue.'),
      batched: gauge('batcher_pending_events', 'Events waiting in partly filled batches.'),
      circuit: gauge('circuit_state', 'Circuit breaker state: 0 closed, 1 half-open, 2 open.'),
      throttleActive: gauge('throttle_active', '1 while the adaptive throttle paces the stream.'),
      throttleLevel: gauge('throttle_level', 'Throttle back-off level (0 = not throttling).'),
      throttleRate: gauge('throttle_rate_events_per_second', 'Rate the throttle allows (absent while off).'),
      lag: gauge('consumer_lag_events', 'Events the consumer group has yet to read (when the sink reports it).'),
      checkpoint: gauge('checkpoint_position', 'Stream position below which every event is handled.'),
      deadLetters: gauge('dead_letters', 'Entries in the dead-letter store, by status.', ['status']),
      jobRunning: gauge('job_running', '1 while a job of this kind runs.', ['kind']),
      jobProgress: gauge('job_progress_ratio', 'Progress of the last job of this kind, 0 to 1.', ['kind']),
      historyDays: gauge('history_days_done', 'Days written by the last history job.'),
      historyDaysTotal: gauge('history_days_target', 'Days asked of the last history job.'),
      historyEvents: gauge('history_events_written', 'Events written by the last history job.'),
    };
    for (const s of STATES) this.m.state.set({ state: s }, s === 'idle' ? 1 : 0);
    control.onStream((s) => this.onStream(s));
  }

  private onStream(s: RunningStream): void {
    this.sync();
    this.base = fresh(s.pipeline.stats);
  }

  /** Counts a delivered batch (the pipeline's batchSent hook). */
  observeBatch(batch: SinkBatch, latencyMs: number): void {
    const n = batch.events.length;
    this.m.batchSize.observe(n);
    this.m.latency.observe(latencyMs / 1000);
    if (n === 0) return;
    // Counted per type first: one labelled increment per type and batch, not one per run of a type.
    const byType = this.batchCounts;
    byType.clear();
    for (const e of batch.events) {
      const type = e.type ?? e.envelope.event_type;
      byType.set(type, (byType.get(type) ?? 0) + 1);
    }
    for (const [type, count] of byType) this.m.sent.inc({ event_type: type, destination: batch.destination }, count);
  }

  private readonly batchCounts = new Map<string, number>();

  /** Follows a job's progress (history days, fractions). */
  observeJob(job: JobView): void {
    this.m.jobRunning.set({ kind: job.kind }, job.status === 'running' ? 1 : 0);
    this.m.jobProgress.set({ kind: job.kind }, job.status === 'succeeded' ? 1 : job.progress.fraction);
    if (job.kind === 'history' && job.progress.phase === 'day') {
      this.m.historyDays.set(job.progress.done);
      this.m.historyDaysTotal.set(job.progress.total);
      const events = Number(/(\d+) events/.exec(job.progress.detail ?? '')?.[1]);
      if (Number.isFinite(events)) this.m.historyEvents.set(events);
    }
  }

  /** Brings the counters up to the pipeline's statistics. */
  private sync(): void {
    const s = this.control.current;
    const stats = s?.pipeline.stats;
    if (!s || !stats || stats !== this.base.stats) return;
    const b = this.base;
    const add = (c: Counter<'event_type'>, now: Counts, seen: Counts) => {
      for (const [t, n] of Object.entries(now)) {
        const d = n - (seen[t] ?? 0);
        if (d > 0) c.inc({ event_type: t }, d);
        seen[t] = n;
      }
    };
    add(this.m.generated, stats.generatedByType, b.generated);
    add(this.m.failed, stats.failedByType, b.failed);
    add(this.m.dropped, stats.droppedByType, b.dropped);
    add(this.m.deadLettered, stats.deadLetteredByType, b.deadLettered);
    if (stats.retried > b.retried) this.m.retried.inc(stats.retried - b.retried);
    b.retried = stats.retried;
    const opens = s.pipeline.circuit.stats().opens;
    if (opens > b.opens) this.m.circuitOpens.inc(opens - b.opens);
    b.opens = opens;
  }

  private async updateDeadLetters(): Promise<void> {
    if (!this.deadLetters) return;
    const now = Date.now();
    if (!this.deadLetterCache || now - this.deadLetterCache.at > DEAD_LETTER_CACHE_MS) {
      const store = await this.deadLetters().catch(() => undefined);
      if (!store) return;
      const st = await store.stats().catch(() => null);
      if (!st) return;
      this.deadLetterCache = { at: now, byStatus: st.byStatus };
    }
    this.m.deadLetters.reset();
    for (const status of ['pending', 'delivered', 'gave_up'])
      this.m.deadLetters.set({ status }, this.deadLetterCache.byStatus[status] ?? 0);
  }

  /** The metrics in the Prometheus text format. */
  async render(): Promise<string> {
    this.sync();
    const st = this.control.statistics();
    for (const s of STATES) this.m.state.set({ state: s }, s === st.state ? 1 : 0);
    this.m.eps.set(st.events_per_second);
    this.m.queueDepth.set(st.queue_depth);
    this.m.queueCapacity.set(st.queue_capacity);
    this.m.batched.set(st.batched);
    this.m.circuit.set(CIRCUIT[st.circuit.state]);
    this.m.throttleActive.set(st.throttle.active ? 1 : 0);
    this.m.throttleLevel.set(st.throttle.level);
    this.m.throttleRate.reset();
    if (st.throttle.rate !== null) this.m.throttleRate.set(st.throttle.rate);
    this.m.lag.reset();
    if (st.consumer_lag !== null) this.m.lag.set(st.consumer_lag);
    this.m.checkpoint.set(st.checkpoint.position);
    await this.updateDeadLetters();
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
