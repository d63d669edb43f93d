// The live stream: the simulator source continued from where the history ends, through the pipeline, to the
// configured sink; with its checkpoint, dead-letter store and throttling. Used by the CLI, the server and the
// library API.

import { createHash } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { DatagenError } from '../errors.js';
import type { EventType } from '../events/types.js';
import { redeliver } from '../pipeline/dead-letter-retrier.js';
import { consumerLagSignal, errorRateSignal, latencySignal, type ThrottleSignal } from '../pipeline/pacer.js';
import { Pipeline, type PipelineHooks } from '../pipeline/pipeline.js';
import type { Priority } from '../pipeline/queue.js';
import { Router } from '../pipeline/router.js';
import { StreamThrottle } from '../pipeline/throttle.js';
import { dayOf } from '../simulate/calendar.js';
import { SINKS, type SinkKind } from '../sinks/registry.js';
import type { Sink, SinkContext, StreamPosition } from '../sinks/types.js';
import type { MergedSource, SourcePosition } from '../sources/merge.js';
import { enabledSources, openSources, routingOf, sourcesIdentity } from '../sources/open.js';
import { ReplaySource } from '../sources/replay/source.js';
import type { Pacing } from '../sources/simulator/pacing.js';
import { SimulatorSource, simulationOf } from '../sources/simulator/source.js';
import type { Source } from '../sources/types.js';
import { readCheckpoint, writeCheckpoint } from '../store/checkpoints.js';
import type { Database } from '../store/database.js';
import { DeadLetterStore } from '../store/dead-letters.js';
import { loadSimState } from '../store/sim-state.js';
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
  /** Stream the configured `sources` (default: when the config has enabled ones and no replay was asked for). */
  sources?: boolean;
  /** Commit each batch with the stream's position in one transaction (needs a transactional sink: kafka). */
  exactlyOnce?: boolean;
}

export interface RunningStream {
  name: string;
  pipeline: Pipeline;
  throttle: StreamThrottle;
  sink: Sink;
  source: Source;
  resumedFrom: number;
  /** With configured sources: where each one resumed. */
  resumedSources?: Record<string, SourcePosition>;
  /** Batches commit with the stream's position in the sink's transactions. */
  exactlyOnce: boolean;
  /** Stops the timers of the stream (dead-letter retries, throttle); call after the pipeline stopped. */
  dispose: () => void;
}

/** Creates the configured sink. */
export function createSink(
  config: Config,
  kind: SinkKind,
  db: Database,
  ctx: Omit<SinkContext, 'db' | 'config' | 'azureConnectionString'> = {},
): Sink {
  const factory = SINKS[kind];
  // The sinks section is parsed with the config already (parsing again would choke on its Secret values).
  const sinkConfig = (config.sinks as Record<string, unknown>)[kind] ?? factory.configSchema.parse({});
  return factory.create(sinkConfig as never, {
    db,
    config,
    azureConnectionString: config.realtime.azure_connection_string,
    ...ctx,
  });
}

/**
 * Opens the live stream on an open database (the world must be there; the history, if any, is where it starts).
 * @example const s = await openStream(config, db, { pacing: { mode: 'max' } }); await s.pipeline.start(); await s.pipeline.finished;
 */
export async function openStream(config: Config, db: Database, opts: StreamOptions): Promise<RunningStream> {
  const kind = opts.sink ?? (config.stream.sink as SinkKind);
  if (!(kind in SINKS))
    throw new DatagenError(
      'CLI_USAGE',
      `--sink: unknown sink ${JSON.stringify(kind)}; known: ${Object.keys(SINKS).join(', ')}`,
    );
  const useSources = opts.sources ?? (!opts.replay && enabledSources(config).length > 0);
  const routing = useSources ? routingOf(config) : (config.pipeline.routing ?? { default: config.stream.hub });
  let source: Source;
  let merged: MergedSource | undefined;
  let name: string;
  let checkpoint: Awaited<ReturnType<typeof readCheckpoint>> = null;
  let resumedSources: Record<string, SourcePosition> | undefined;
  const hash = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 12);
  if (useSources) {
    if (enabledSources(config).length === 0)
      throw new DatagenError('CLI_USAGE', 'no enabled source in the config (sources: ... enabled: true)');
    const needsWorld = enabledSources(config).some(([, s]) => s.source_type === 'retail');
    const world = needsWorld ? (await requireWorld(db, config)).config_hash : null;
    name =
      opts.name ??
      `${kind}-sources-${hash({ world, sources: sourcesIdentity(config), routing, typeRates: config.pipeline.type_rates })}`;
    checkpoint = opts.fresh ? null : await readCheckpoint(db, name);
    resumedSources = (checkpoint?.source.sources as Record<string, SourcePosition> | undefined) ?? {};
    merged = await openSources(config, db, resumedSources, (err, context) => opts.hooks?.error?.(err, context));
    source = merged;
  } else {
    const state = await requireWorld(db, config);
    const saved = await loadSimState(db, '1/1');
    source = opts.replay
      ? new ReplaySource({ db, ...opts.replay, pacing: opts.pacing })
      : new SimulatorSource({
          simulation: simulationOf(config),
          startDay: saved?.snapshot.day ?? dayOf(config.historical.start_date),
          snapshot: saved?.snapshot,
          pacing: opts.pacing,
          until: opts.until,
          typeRates: config.pipeline.type_rates as Partial<Record<EventType, number>>,
        });
    const { pacing: _pacing, ...content } = source.describe();
    if (opts.replay?.restamp) content.restamp_started = Date.now();
    name =
      opts.name ??
      `${kind}-${hash({ world: state.config_hash, content, routing, typeRates: config.pipeline.type_rates })}`;
    checkpoint = opts.fresh ? null : await readCheckpoint(db, name);
  }
  if (opts.exactlyOnce && merged)
    throw new DatagenError(
      'CLI_USAGE',
      '--exactly-once: a stream of configured sources keeps one position per source, which the Kafka transaction does not carry; stream the retail simulator or a replay alone, or drop --exactly-once',
    );
  const sink = opts.sinkInstance ?? createSink(config, kind, db, { stream: name, exactlyOnce: opts.exactlyOnce });
  // A transactional sink keeps the position with the events it committed: that, not the database, is where to resume.
  const exactlyOnce = typeof sink.committedPosition === 'function';
  if (opts.exactlyOnce && !exactlyOnce)
    throw new DatagenError('CLI_USAGE', `--exactly-once needs a transactional sink (kafka); ${sink.kind} is not one`);
  const resumeAt: StreamPosition | null = opts.fresh
    ? null
    : exactlyOnce
      ? await sink.committedPosition!()
      : checkpoint
        ? { position: checkpoint.position, ahead: [] }
        : null;
  const deadLetters = config.realtime.enable_dead_letter_queue ? await DeadLetterStore.open(db) : undefined;
  const p = config.pipeline;
  let pipeline: Pipeline;
  const group = p.throttle_consumer_group;
  if (group && typeof sink.consumerLag !== 'function')
    throw new DatagenError(
      'CONFIG_INVALID',
      `pipeline.throttle_consumer_group reads a consumer group's lag from Kafka: use the kafka sink, or set it to null (the ${sink.kind} sink has no consumers to wait for)`,
    );
  let lag = Number.NaN;
  const lagSignals: ThrottleSignal[] = group
    ? [consumerLagSignal({ lag: () => lag, target: p.throttle_lag_target, critical: p.throttle_lag_critical })]
    : [];
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
        rate: recentErrorRate(() => {
          const s = pipeline.stats.snapshot(Date.now());
          return { failed: s.events_failed, tried: s.events_sent + s.events_failed };
        }),
        high: p.throttle_error_rate_high,
        critical: p.throttle_error_rate_critical,
      }),
      ...lagSignals,
    ],
  });
  const priorities = p.priorities as Partial<Record<EventType, Priority>>;
  // The dead letters being sent again, if a retry round is under way.
  let redelivering: Promise<void> | undefined;
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
    exactlyOnce,
    checkpoint: {
      // Merged positions count from 1 on every run; each source's own position is what resumes.
      position: merged ? 0 : (resumeAt?.position ?? 0),
      ahead: merged ? undefined : resumeAt?.ahead,
      everyMs: p.checkpoint_interval_ms,
      save: (position) =>
        writeCheckpoint(db, name, position, merged ? { sources: merged.positionsAt(position) } : source.describe()),
    },
    pace: () => throttle.acquire(),
    maxEvents: opts.maxEvents,
    durationMs: opts.durationMs,
    // Dead letters being sent again use the sink and the database: they end before either is closed.
    stopping: async () => {
      await redelivering;
    },
    hooks: opts.hooks,
  });
  const timers: NodeJS.Timeout[] = [];
  timers.push(setInterval(() => throttle.tick(), 1000));
  if (group) {
    let reading = false;
    timers.push(
      setInterval(() => {
        if (reading || pipeline.state === 'stopped' || pipeline.state === 'idle') return;
        reading = true;
        sink.consumerLag!(group)
          .then((v) => {
            lag = v;
          })
          .catch((err) => opts.hooks?.error?.(err, `consumer lag of ${group}`))
          .finally(() => {
            reading = false;
          });
      }, 1000),
    );
  }
  if (deadLetters) {
    timers.push(
      setInterval(() => {
        if (pipeline.state !== 'running' || redelivering) return;
        redelivering = redeliver(deadLetters, sink, deadLetterRetry(config))
          .then(() => undefined)
          .catch((err) => opts.hooks?.error?.(err, 'dead-letter retry'))
          .finally(() => {
            redelivering = undefined;
          });
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
    resumedFrom: resumedSources
      ? Object.values(resumedSources).reduce((n, r) => n + r.position, 0)
      : (resumeAt?.position ?? 0),
    resumedSources,
    exactlyOnce,
    dispose: () => {
      for (const t of timers) clearInterval(t);
    },
  };
}

/**
 * The share of failed sends over the last `windowMs`, not since the start: after an outage the stream's whole
 * history would hold the rate above the threshold long after the sink is healthy again.
 */
function recentErrorRate(read: () => { failed: number; tried: number }, windowMs = 10_000): () => number {
  const samples: { at: number; failed: number; tried: number }[] = [];
  return () => {
    const now = { at: Date.now(), ...read() };
    samples.push(now);
    while (samples.length > 1 && samples[0].at < now.at - windowMs) samples.shift();
    const tried = now.tried - samples[0].tried;
    return tried === 0 ? 0 : (now.failed - samples[0].failed) / tried;
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
