// The server's one live stream: started from an API body, paused, resumed and stopped (draining, checkpoint
// saved), with its statistics, health and recent events. It wraps openStream (src/jobs/stream.ts) on the
// server's shared database.

import { parseInstant } from '../commands/stream.js';
import type { Config } from '../config/schema.js';
import { redactText } from '../config/secret.js';
import { DatagenError } from '../errors.js';
import {
  openStream,
  type RunningStream,
  type StreamHealth,
  type StreamOptions,
  streamHealth,
  streamStatistics,
} from '../jobs/stream.js';
import type { PipelineHooks } from '../pipeline/pipeline.js';
import { StreamStats } from '../pipeline/stats.js';
import type { SinkKind } from '../sinks/registry.js';
import type { Sink, SinkBatch } from '../sinks/types.js';
import type { Pacing } from '../sources/simulator/pacing.js';
import type { Database } from '../store/database.js';
import { RecentEvents } from './recent-events.js';
import type { StatisticsBody, StreamStartBody } from './schemas.js';

export interface StreamControlOptions {
  config: Config;
  db: Database;
  /** Called for every delivered batch (metrics), besides the recent-events buffer. */
  onBatch?: (batch: SinkBatch, latencyMs: number) => void;
  onError?: (message: string) => void;
  /** A sink to use instead of the configured one (tests). */
  sinkInstance?: () => Sink;
  recentCapacity?: number;
}

/** Pacing from a start body: burst when burst or emit_interval_ms is given, else rate, else speed (default 1). */
export function pacingOf(body: StreamStartBody, config: Config): Pacing {
  if (body.burst !== undefined || body.emit_interval_ms !== undefined)
    return {
      mode: 'burst',
      intervalMs: body.emit_interval_ms ?? config.realtime.emit_interval_ms,
      burst: body.burst ?? config.realtime.burst,
    };
  if (body.rate !== undefined) return { mode: 'rate', eventsPerSecond: body.rate };
  if (body.speed === 'max' || body.speed === 'live') return { mode: body.speed };
  return { mode: 'speed', speed: body.speed ?? 1 };
}

const EMPTY_LATENCY = { p50: 0, p95: 0, p99: 0, count: 0 };

/**
 * @example const control = new StreamControl({ config, db }); await control.start({ speed: 60, source: 'simulator' });
 */
export class StreamControl {
  readonly recent: RecentEvents;
  private stream: RunningStream | null = null;
  private info: { sink: string; pacing: Pacing; resumedFrom: number } | null = null;
  private starting = false;
  private readonly listeners = new Set<(s: RunningStream) => void>();

  constructor(private readonly opts: StreamControlOptions) {
    this.recent = new RecentEvents(opts.recentCapacity ?? 1000);
  }

  /** The current (or last) stream. */
  get current(): RunningStream | null {
    return this.stream;
  }

  /** True while a stream runs, is paused, or drains. */
  get active(): boolean {
    const st = this.stream?.pipeline.state;
    return this.starting || st === 'running' || st === 'paused' || st === 'draining';
  }

  /** Called when a new stream starts (metrics reset their baselines). */
  onStream(fn: (s: RunningStream) => void): void {
    this.listeners.add(fn);
  }

  async start(body: StreamStartBody): Promise<{ stream: string; sink: string; resumed_from: number; pacing: Pacing }> {
    if (this.active) {
      throw new DatagenError(
        'STREAM_RUNNING',
        `the stream ${this.stream?.name ?? ''} is already ${this.stream?.pipeline.state ?? 'starting'}; stop it first (POST /api/stream/stop)`,
      );
    }
    const { config, db } = this.opts;
    const pacing = pacingOf(body, config);
    const hooks: PipelineHooks = {
      batchSent: (batch, latencyMs) => {
        this.recent.addBatch(batch);
        this.opts.onBatch?.(batch, latencyMs);
      },
      error: (err, context) =>
        this.opts.onError?.(
          `${context}: ${redactText((err as Error)?.message ?? String(err), [config.realtime.azure_connection_string])}`,
        ),
    };
    const streamOpts: StreamOptions = {
      pacing,
      until: body.until === undefined ? undefined : parseInstant('until', body.until),
      durationMs: body.duration_minutes === undefined ? undefined : body.duration_minutes * 60_000,
      maxEvents: body.max_events,
      sink: body.sink as SinkKind | undefined,
      name: body.name,
      fresh: body.fresh,
      hooks,
      sinkInstance: this.opts.sinkInstance?.(),
      replay:
        body.source === 'replay'
          ? { from: parseInstant('from', body.from!), to: parseInstant('to', body.to!), restamp: body.restamp }
          : undefined,
    };
    if (streamOpts.replay && streamOpts.replay.to <= streamOpts.replay.from)
      throw new DatagenError('REQUEST_INVALID', 'body.to: must be after body.from');
    this.starting = true;
    try {
      const s = await openStream(config, db, streamOpts);
      try {
        await s.pipeline.start();
      } catch (err) {
        s.dispose();
        throw err;
      }
      this.stream = s;
      this.info = { sink: s.sink.kind, pacing, resumedFrom: s.resumedFrom };
      for (const fn of this.listeners) fn(s);
      void s.pipeline.finished.then(() => s.dispose());
      return { stream: s.name, sink: s.sink.kind, resumed_from: s.resumedFrom, pacing };
    } finally {
      this.starting = false;
    }
  }

  private running(): RunningStream {
    const s = this.stream;
    if (!s || (s.pipeline.state !== 'running' && s.pipeline.state !== 'paused'))
      throw new DatagenError(
        'STREAM_NOT_RUNNING',
        `no stream is running${s ? ` (the last one is ${s.pipeline.state})` : ''}; start one with POST /api/stream/start`,
      );
    return s;
  }

  pause(): void {
    this.running().pipeline.pause();
  }

  resume(): void {
    this.running().pipeline.resume();
  }

  /** Stops the stream: the source stops, the queue drains to the sink, the checkpoint is saved. */
  async stop(): Promise<void> {
    const s = this.stream;
    if (s?.pipeline.state === 'draining') {
      await s.pipeline.finished;
      return;
    }
    await this.running().pipeline.stop();
    s?.dispose();
  }

  /** Stops whatever runs, quietly (server shutdown). */
  async close(): Promise<void> {
    const s = this.stream;
    if (!s) return;
    await s.pipeline.stop();
    s.dispose();
  }

  statistics(): StatisticsBody {
    const s = this.stream;
    if (!s) {
      const stats = new StreamStats().snapshot(Date.now());
      return {
        ...stats,
        send_latency_ms: EMPTY_LATENCY,
        end_to_end_latency_ms: EMPTY_LATENCY,
        state: 'idle',
        stream: null,
        sink: null,
        started_at: null,
        uptime_seconds: 0,
        queue_depth: 0,
        queue_capacity: this.opts.config.realtime.max_buffer_size,
        queue_by_lane: { critical: 0, high: 0, normal: 0, low: 0 },
        batched: 0,
        circuit: { state: 'closed', consecutiveFailures: 0, opens: 0, lastOpenedAt: null, openMs: 0 },
        checkpoint: { position: 0, saved_position: 0, ahead: 0 },
        throttle: { active: false, rate: null, level: 0, signals: [], adjustments: [] },
        consumer_lag: null,
      };
    }
    const stats = streamStatistics(s) as ReturnType<typeof streamStatistics> & { consumer_lag?: unknown };
    const lag = stats.consumer_lag;
    return {
      ...stats,
      stream: s.name,
      sink: s.sink.kind,
      consumer_lag:
        typeof lag === 'number'
          ? lag
          : typeof (lag as { total?: unknown } | undefined)?.total === 'number'
            ? (lag as { total: number }).total
            : null,
    } as StatisticsBody;
  }

  status() {
    const st = this.statistics();
    const s = this.stream;
    const failure = s?.pipeline.failure;
    return {
      is_streaming: st.state === 'running' || st.state === 'paused',
      state: st.state,
      stream: st.stream,
      sink: st.sink,
      started_at: st.started_at,
      uptime_seconds: st.uptime_seconds,
      events_generated: st.events_generated,
      events_sent: st.events_sent,
      events_per_second: st.events_per_second,
      resumed_from: this.info?.resumedFrom ?? 0,
      pacing: (this.info?.pacing as Record<string, unknown> | undefined) ?? null,
      failure:
        failure === undefined
          ? null
          : redactText((failure as Error)?.message ?? String(failure), [
              this.opts.config.realtime.azure_connection_string,
            ]),
    };
  }

  async health(): Promise<StreamHealth> {
    const s = this.stream;
    if (!s)
      return {
        overall_healthy: false,
        components: {
          sink: { healthy: false, kind: this.opts.config.stream.sink, detail: 'no stream started' },
          circuit_breaker: { healthy: true, state: 'closed' },
          queue: { healthy: true, depth: 0, capacity: this.opts.config.realtime.max_buffer_size },
          pipeline: { healthy: false, state: 'stopped' },
        },
      };
    return streamHealth(s);
  }
}
