// The live stream: the simulator source continued from where the history ends, through the pipeline, to the
// configured sink; with its checkpoint, dead-letter store and throttling. Used by the CLI, the server and the
// library API.

import { createHash } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { DatagenError } from '../errors.js';
import type { EventType } from '../events/types.js';
import { redeliver } from '../pipeline/dead-letter-retrier.js';
import { errorRateSignal, latencySignal } from '../pipeline/pacer.js';
import { Pipeline, type PipelineHooks } from '../pipeline/pipeline.js';
import type { Priority } from '../pipeline/queue.js';
import { Router } from '../pipeline/router.js';
import { StreamThrottle } from '../pipeline/throttle.js';
import { dayOf } from '../simulate/calendar.js';
import { buildContext } from '../simulate/context.js';
import { SINKS, type SinkKind } from '../sinks/registry.js';
import type { Sink } from '../sinks/types.js';
import { ReplaySource } from '../sources/replay/source.js';
import type { Pacing } from '../sources/simulator/pacing.js';
import { SimulatorSource } from '../sources/simulator/source.js';
import type { Source } from '../sources/types.js';
import { readCheckpoint, writeCheckpoint } from '../store/checkpoints.js';
import type { Database } from '../store/database.js';
import { DeadLetterStore } from '../store/dead-letters.js';
import { loadSimState } from '../store/sim-state.js';
import { buildWorld } from '../world/build.js';
import { deadLetterRetry } from './dead-letters.js';
import { requireWorld } from './history.js';

export interface StreamOptions {
  pacing: Pacing;
  /** Stop before this simulated instant (ISO time or UTC ms). */
  until?: number;
  durationMs?: number;
  maxEvents?: number;
  /** Sink kind (default: stream.sink). */
  sink?: SinkKind;
  /** Checkpoint name (default: derived from the sink, the world and the stream's content). */
  name?: string;
  /** Start over, ignoring the checkpoint. */
  fresh?: boolean;
  hooks?: PipelineHooks;
  /** A sink instance to use instead of the configured one (tests, library users). */
  sinkInstance?: Sink;
  /** Replay the stored history between two instants instead of continuing the world. */
  replay?: { from: number; to: number; restamp?: boolean };
}

export interface RunningStream {
  name: string;
  pipeline: Pipeline;
  throttle: StreamThrottle;
  sink: Sink;
  source: Source;
  resumedFrom: number;
  /** Stops the timers of the stream (dead-letter retries, throttle); call after the pipeline stopped. */
  dispose: () => void;
}

/** Creates the configured sink. */
export function createSink(config: Config, kind: SinkKind, db: Database): Sink {
  const factory = SINKS[kind];
  const sinkConfig = factory.configSchema.parse((config.sinks as Record<string, unknown>)[kind] ?? {});
  return factory.create(sinkConfig as never, { db });
}

/**
 * Opens the live stream on an open database (the world must be there; the history, if any, is where it starts).
 * @example const s = await openStream(config, db, { pacing: { mode: 'max' } }); await s.pipeline.start(); await s.pipeline.finished;
 */
export async function openStream(config: Config, db: Database, opts: StreamOptions): Promise<RunningStream> {
  const state = await requireWorld(db, config);
  const saved = await loadSimState(db, '1/1');
  const kind = opts.sink ?? (config.stream.sink as SinkKind);
  if (!(kind in SINKS))
    throw new DatagenError(
      'CLI_USAGE',
      `--sink: unknown sink ${JSON.stringify(kind)}; known: ${Object.keys(SINKS).join(', ')}`,
    );
  const source: Source = opts.replay
    ? new ReplaySource({ db, ...opts.replay, pacing: opts.pacing })
    : new SimulatorSource({
        ctx: buildContext(config, buildWorld(config)),
        startDay: saved?.snapshot.day ?? dayOf(config.historical.start_date),
        snapshot: saved?.snapshot,
        pacing: opts.pacing,
        until: opts.until,
        typeRates: config.pipeline.type_rates as Partial<Record<EventType, number>>,
      });
  const routing = config.pipeline.routing ?? { default: config.stream.hub };
  const { pacing: _pacing, ...content } = source.describe();
  if (opts.replay?.restamp) content.restamp_started = Date.now();
  const name =
    opts.name ??
    `${kind}-${createHash('sha256')
      .update(JSON.stringify({ world: state.config_hash, content, routing, typeRates: config.pipeline.type_rates }))
      .digest('hex')
      .slice(0, 12)}`;
  const checkpoint = opts.fresh ? null : await readCheckpoint(db, name);
  const deadLetters = config.realtime.enable_dead_letter_queue ? await DeadLetterStore.open(db) : undefined;
  const sink = opts.sinkInstance ?? createSink(config, kind, db);
  const p = config.pipeline;
  let pipeline: Pipeline;
  const throttle = new StreamThrottle({
    minRate: p.throttle_min_rate,
    currentRate: () => pipeline.stats.snapshot(Date.now()).events_per_second,
    signals: [
      latencySignal({
        p95Ms: () => pipeline.stats.sendLatency.p95,
        highMs: p.throttle_latency_high_ms,
        criticalMs: p.throttle_latency_critical_ms,
      }),
      errorRateSignal({
        rate: () => {
          const s = pipeline.stats.snapshot(Date.now());
          const tried = s.events_sent + s.events_failed;
          return tried === 0 ? 0 : s.events_failed / tried;
        },
        high: p.throttle_error_rate_high,
        critical: p.throttle_error_rate_critical,
      }),
    ],
  });
  const priorities = p.priorities as Partial<Record<EventType, Priority>>;
  pipeline = new Pipeline({
    stream: name,
    source,
    sink,
    router: new Router(routing),
    priorityOf: (t) => priorities[t] ?? 'normal',
    queue: { capacity: config.realtime.max_buffer_size, overflow: p.overflow },
    batch: {
      maxEvents: config.realtime.max_batch_size,
      maxBytes: p.max_batch_bytes,
      lingerMs: config.realtime.batch_timeout_ms,
    },
    retry: {
      attempts: config.realtime.retry_attempts,
      baseMs: p.retry_base_ms,
      maxMs: p.retry_max_ms,
      multiplier: config.realtime.backoff_multiplier,
    },
    circuit: {
      enabled: config.realtime.circuit_breaker_enabled,
      failureThreshold: p.circuit_failure_threshold,
      openMs: p.circuit_open_ms,
    },
    deadLetters,
    checkpoint: {
      position: checkpoint?.position ?? 0,
      everyMs: p.checkpoint_interval_ms,
      save: (position) => writeCheckpoint(db, name, position, source.describe()),
    },
    pace: () => throttle.acquire(),
    maxEvents: opts.maxEvents,
    durationMs: opts.durationMs,
    hooks: opts.hooks,
  });
  const timers: NodeJS.Timeout[] = [];
  timers.push(setInterval(() => throttle.tick(), 1000));
  if (deadLetters) {
    timers.push(
      setInterval(() => {
        if (pipeline.state !== 'running') return;
        void redeliver(deadLetters, sink, deadLetterRetry(config)).catch((err) =>
          opts.hooks?.error?.(err, 'dead-letter retry'),
        );
      }, p.dead_letter_retry_ms),
    );
  }
  for (const t of timers) t.unref();
  return {
    name,
    pipeline,
    throttle,
    sink,
    source,
    resumedFrom: checkpoint?.position ?? 0,
    dispose: () => {
      for (const t of timers) clearInterval(t);
    },
  };
}

/**
 * The statistics of a running stream: the pipeline's snapshot and the throttle's state.
 * @example const stats = streamStatistics(s); stats.events_sent;
 */
export function streamStatistics(s: RunningStream) {
  return { ...s.pipeline.snapshot(), throttle: s.throttle.stats() };
}

export type StreamStatistics = ReturnType<typeof streamStatistics>;

/**
 * The health of a stream by component: the sink's own check, the circuit, the queue and the pipeline.
 * @example (await streamHealth(s)).overall_healthy
 */
export async function streamHealth(s: RunningStream) {
  const snap = s.pipeline.snapshot();
  const sink = (await s.sink.check?.()) ?? { ok: true };
  const circuitOk = snap.circuit.state !== 'open';
  return {
    overall_healthy: sink.ok && circuitOk && snap.state !== 'stopped',
    components: {
      sink: { healthy: sink.ok, kind: s.sink.kind, detail: sink.detail },
      circuit_breaker: { healthy: circuitOk, state: snap.circuit.state },
      queue: {
        healthy: snap.queue_depth < snap.queue_capacity,
        depth: snap.queue_depth,
        capacity: snap.queue_capacity,
      },
      pipeline: { healthy: snap.state === 'running' || snap.state === 'paused', state: snap.state },
    },
  };
}

export type StreamHealth = Awaited<ReturnType<typeof streamHealth>>;
