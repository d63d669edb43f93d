// The streaming pipeline: source -> bounded priority queue -> router -> batcher -> sender (retries, circuit
// breaker) -> sink, with the dead-letter store for what cannot be delivered and a checkpoint of the delivery
// watermark. Delivery is at least once: the checkpoint only passes events the sink acknowledged (or that were
// dead-lettered), so a restart resends at most what was in flight.

import { DatagenError } from '../errors.js';
import type { StreamEnvelope } from '../events/record-envelope.js';
import type { EventType } from '../events/types.js';
import { eventType, type OutEvent, type Sink, type SinkBatch } from '../sinks/types.js';
import type { Source, SourceEvent } from '../sources/types.js';
import type { DeadLetterStore } from '../store/dead-letters.js';
import { Batcher, type BatcherOptions } from './batcher.js';
import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js';
import { Delivery } from './delivery.js';
import { QueuedEvent } from './out-event.js';
import { BoundedPriorityQueue, type OverflowPolicy, PRIORITIES, type Priority } from './queue.js';
import type { Router } from './router.js';
import { StreamStats } from './stats.js';
import { Watermark } from './watermark.js';

export type PipelineState = 'idle' | 'running' | 'paused' | 'draining' | 'stopped';

export interface PipelineHooks {
  eventGenerated?: (e: StreamEnvelope) => void;
  batchSent?: (batch: SinkBatch, latencyMs: number) => void;
  eventFailed?: (e: StreamEnvelope, error: DatagenError, deadLettered: boolean) => void;
  error?: (error: unknown, context: string) => void;
}

export interface PipelineOptions {
  /** The stream's name: its checkpoint and dead letters are kept under it. */
  stream: string;
  source: Source;
  sink: Sink;
  router: Router;
  priorityOf?: (type: EventType) => Priority;
  queue: { capacity: number; overflow: OverflowPolicy };
  batch: BatcherOptions;
  retry: { attempts: number; baseMs: number; maxMs: number; multiplier: number };
  circuit: CircuitBreakerOptions;
  deadLetters?: DeadLetterStore;
  /**
   * Saves the watermark (called every checkpointEveryMs and at the end). `ahead`: positions above `position` that
   * are handled already (an exactly-once checkpoint has them); the source's events there are skipped.
   */
  checkpoint?: { position: number; ahead?: number[]; save: (position: number) => Promise<void>; everyMs: number };
  /** Give each batch the stream's position after it, for a transactional sink to commit with it (exactly once). */
  exactlyOnce?: boolean;
  /** Waits before each event leaves the source (the throttle's pacer); returns nothing when no wait is needed. */
  pace?: () => Promise<void> | undefined;
  maxEvents?: number;
  durationMs?: number;
  /**
   * Awaited when the stream stops, after the queue is drained and before the checkpoint and the sink close: work
   * beside the stream on its sink or database (dead letters sent again) ends there.
   */
  stopping?: () => Promise<void>;
  hooks?: PipelineHooks;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * @example const p = new Pipeline(opts); await p.start(); ...; await p.stop();
 */
export class Pipeline {
  readonly stats = new StreamStats();
  readonly circuit: CircuitBreaker;
  private readonly queue: BoundedPriorityQueue<OutEvent>;
  private readonly batcher: Batcher;
  private readonly watermark: Watermark;
  private readonly delivery: Delivery;
  private readonly abort = new AbortController();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private stateValue: PipelineState = 'idle';
  private pauseGate: { promise: Promise<void>; open: () => void } | null = null;
  private pump?: Promise<void>;
  private sender?: Promise<void>;
  private checkpointTimer?: NodeJS.Timeout;
  private checkpointing: Promise<void> | undefined;
  private lastCheckpoint = { position: 0, at: 0 };
  private startedAt = 0;
  private sourceDone = false;
  private generatedCount = 0;
  private fatal?: unknown;
  private readonly skipHandled: boolean;
  private readonly done: { promise: Promise<void>; resolve: () => void };

  constructor(private readonly opts: PipelineOptions) {
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? realSleep;
    this.circuit = new CircuitBreaker({ ...opts.circuit, now: this.now });
    this.batcher = new Batcher(opts.batch);
    this.watermark = new Watermark(opts.checkpoint?.position ?? 0, opts.checkpoint?.ahead);
    this.skipHandled = (opts.checkpoint?.ahead?.length ?? 0) > 0;
    this.lastCheckpoint.position = this.watermark.position;
    this.delivery = new Delivery({
      stream: opts.stream,
      sink: opts.sink,
      circuit: this.circuit,
      stats: this.stats,
      watermark: this.watermark,
      retry: opts.retry,
      deadLetters: opts.deadLetters,
      hooks: opts.hooks,
      exactlyOnce: opts.exactlyOnce,
      now: this.now,
      sleep: this.sleep,
    });
    this.queue = new BoundedPriorityQueue<OutEvent>({
      capacity: opts.queue.capacity,
      overflow: opts.queue.overflow,
      typeOf: eventType,
      onDrop: (e) => {
        // A dropped event is handled by the user's choice of policy: counted and reported, and the watermark
        // moves past it so that the checkpoint does not wait for it forever.
        this.stats.dropped(eventType(e));
        this.watermark.handled(e.seq);
      },
    });
    let resolve!: () => void;
    this.done = { promise: new Promise<void>((r) => (resolve = r)), resolve };
  }

  get state(): PipelineState {
    return this.stateValue;
  }

  /** Resolves when the pipeline has stopped (by stop(), the source's end, --max-events or --duration). */
  get finished(): Promise<void> {
    return this.done.promise;
  }

  get position(): number {
    return this.watermark.position;
  }

  async start(): Promise<void> {
    if (this.stateValue !== 'idle') throw new DatagenError('CLI_USAGE', `the stream is already ${this.stateValue}`);
    await this.opts.sink.open();
    this.startedAt = this.now();
    this.stateValue = 'running';
    this.pump = this.runPump().catch((err) => this.fail(err, 'source'));
    this.sender = this.runSender().catch((err) => this.fail(err, 'sender'));
    if (this.opts.checkpoint) {
      // One save at a time, and stop() waits for the one under way: a query still running on the database when
      // its owner closes it deadlocks DuckDB's connection.
      this.checkpointTimer = setInterval(() => {
        if (this.checkpointing) return;
        this.checkpointing = this.saveCheckpoint()
          .catch((e) => this.opts.hooks?.error?.(e, 'checkpoint'))
          .finally(() => {
            this.checkpointing = undefined;
          });
      }, this.opts.checkpoint.everyMs);
      this.checkpointTimer.unref();
    }
    if (this.opts.durationMs !== undefined) {
      setTimeout(() => void this.stop(), this.opts.durationMs).unref();
    }
  }

  private fail(err: unknown, context: string): void {
    this.fatal ??= err;
    this.opts.hooks?.error?.(err, context);
    void this.stop();
  }

  pause(): void {
    if (this.stateValue !== 'running') return;
    let open!: () => void;
    this.pauseGate = { promise: new Promise<void>((r) => (open = r)), open };
    this.stateValue = 'paused';
  }

  resume(): void {
    if (this.stateValue !== 'paused') return;
    this.stateValue = 'running';
    const gate = this.pauseGate;
    this.pauseGate = null;
    gate?.open();
  }

  private async runPump(): Promise<void> {
    const { source } = this.opts;
    const it = source.batches(this.watermark.position, this.abort.signal);
    try {
      for (;;) {
        const next = await it.next();
        if (next.done) break;
        if (!(await this.pushBatch(next.value, it, true))) return;
      }
    } finally {
      await it.return(undefined);
    }
    this.sourceDone = true;
    void this.stop();
  }

  /**
   * Routes and queues the events of a batch; false once the stream must stop. When the queue is full and the source
   * has a batch of a higher lane waiting (a critical source beside a flood), that batch is queued first (`urgent`),
   * so critical records wait behind neither the queue nor the rest of the flood's batch.
   */
  private async pushBatch(
    batch: readonly SourceEvent[],
    it: AsyncGenerator<SourceEvent[]>,
    mayOvertake: boolean,
  ): Promise<boolean> {
    const { source, router, hooks } = this.opts;
    const signal = this.abort.signal;
    for (const ev of batch) {
      if (this.pauseGate) await this.pauseGate.promise;
      if (signal.aborted) return false;
      // Delivered in the transaction of an earlier run, above its position: not again.
      if (this.skipHandled && this.watermark.has(ev.seq)) continue;
      const wait = this.opts.pace?.();
      if (wait) await wait;
      // Serialised by the source (on its own thread): the envelope is not parsed unless a content rule or a hook
      // reads it, and bytes are not decoded unless something reads the text.
      const bytes = ev.bytes;
      const json = bytes === undefined ? ev.json : undefined;
      const env = bytes === undefined && json === undefined ? ev.envelope : undefined;
      const type = env === undefined ? (ev.type as string) : env.event_type;
      const from = ev.source ?? source.name;
      let destination = router.byName(type, from);
      // Read for content rules: kept, so that it is parsed once.
      let parsed = env;
      if (destination === undefined) {
        parsed ??= ev.envelope;
        destination = router.route({ type, source: from, data: parsed });
      }
      const priority = ev.priority ?? this.opts.priorityOf?.(type as EventType) ?? 'normal';
      const out = new QueuedEvent(
        ev,
        parsed,
        bytes === undefined ? (json ?? JSON.stringify(env)) : undefined,
        bytes,
        destination,
        ev.seq,
        type,
        ev.at,
        priority === 'critical',
      );
      this.stats.generated(type);
      if (hooks?.eventGenerated) hooks.eventGenerated(out.envelope);
      if (!this.queue.tryPush(out, priority)) {
        if (mayOvertake && this.waitingAbove(priority)) {
          const urgent = await it.next();
          if (!urgent.done && !(await this.pushBatch(urgent.value, it, false))) return false;
        }
        await this.queue.push(out, priority);
      }
      if (this.opts.maxEvents !== undefined && ++this.generatedCount >= this.opts.maxEvents) {
        this.sourceDone = true;
        void this.stop();
        return false;
      }
    }
    return true;
  }

  /** True when the source has a batch of a higher lane than `priority` waiting. */
  private waitingAbove(priority: Priority): boolean {
    const waiting = this.opts.source.waitingPriority?.();
    return waiting !== undefined && PRIORITIES.indexOf(waiting) < PRIORITIES.indexOf(priority);
  }

  private async runSender(): Promise<void> {
    const { batch: batchOpts } = this.opts;
    for (;;) {
      const wait = this.batcher.nextDueIn(this.now());
      const items =
        wait === null ? await this.queue.take(batchOpts.maxEvents) : await this.takeWithin(batchOpts.maxEvents, wait);
      const now = this.now();
      const ready: SinkBatch[] = [];
      for (const e of items) {
        const full = this.batcher.add(e, now);
        if (full.length > 0) ready.push(...full);
      }
      const ending = this.stateValue === 'draining' || this.stateValue === 'stopped';
      const due = this.batcher.due(now, ending && this.queue.size === 0);
      // Batches holding critical events go before the full ones taken in the same round.
      if (due.length > 0 && due[0].events.some((e) => e.urgent)) ready.unshift(...due);
      else ready.push(...due);
      await this.sendAll(ready);
      if (
        items.length === 0 &&
        this.queue.size === 0 &&
        this.batcher.pending === 0 &&
        (this.stateValue === 'draining' || this.queue.closed)
      )
        return;
    }
  }

  /**
   * Sends the batches in order. Events a sink holds back go in front of the next batch of their destination: of
   * this round if there is one (so that no later event overtakes them), else back in the batcher.
   */
  private async sendAll(ready: readonly SinkBatch[]): Promise<void> {
    if (ready.length === 0) return;
    const carried = new Map<string, OutEvent[]>();
    for (const b of ready) {
      const c = carried.get(b.destination);
      let batch = b;
      if (c) {
        carried.delete(b.destination);
        batch = { ...b, events: [...c, ...b.events] };
      }
      const held = await this.delivery.send(batch);
      if (held.length > 0) carried.set(b.destination, held);
    }
    for (const [d, c] of carried) this.batcher.restore(d, c);
  }

  /**
   * Takes what is queued without blocking while a batch lingers (a blocked take could not be abandoned without
   * losing what it later takes), waiting a little when there is nothing yet.
   */
  private async takeWithin(max: number, ms: number): Promise<OutEvent[]> {
    const items = this.queue.tryTake(max);
    if (items.length === 0 && ms > 0) await this.sleep(Math.min(ms, 5));
    return items;
  }

  async saveCheckpoint(): Promise<void> {
    const cp = this.opts.checkpoint;
    if (!cp) return;
    const position = this.watermark.position;
    if (position === this.lastCheckpoint.position && this.lastCheckpoint.at !== 0) return;
    await cp.save(position);
    this.lastCheckpoint = { position, at: this.now() };
  }

  /**
   * Stops the source, delivers what is queued and batched, saves the checkpoint and closes the sink.
   * Safe to call more than once; every call resolves when the pipeline has stopped.
   */
  async stop(): Promise<void> {
    if (this.stateValue === 'stopped') return;
    if (this.stateValue === 'draining') return this.done.promise;
    if (this.stateValue === 'idle') {
      this.stateValue = 'stopped';
      this.done.resolve();
      return;
    }
    this.stateValue = 'draining';
    this.abort.abort();
    this.pauseGate?.open();
    this.pauseGate = null;
    try {
      await this.pump;
      // The sender empties the queue and the batcher, then returns (it sees the draining state).
      this.queue.close();
      await this.sender;
      if (this.checkpointTimer) clearInterval(this.checkpointTimer);
      await this.opts.stopping?.();
      await this.checkpointing;
      await this.saveCheckpoint();
      await this.opts.sink.close();
    } finally {
      this.stateValue = 'stopped';
      this.done.resolve();
    }
  }

  /** Why the pipeline stopped on its own, if it failed. */
  get failure(): unknown {
    return this.fatal;
  }

  /** True when the source ran out (or max events was reached) rather than being stopped. */
  get completed(): boolean {
    return this.sourceDone;
  }

  snapshot() {
    const now = this.now();
    return {
      state: this.stateValue,
      started_at: this.startedAt ? new Date(this.startedAt).toISOString() : null,
      uptime_seconds: this.startedAt ? Math.round((now - this.startedAt) / 100) / 10 : 0,
      ...this.stats.snapshot(now),
      queue_depth: this.queue.size,
      queue_capacity: this.opts.queue.capacity,
      queue_by_lane: this.queue.sizeByLane(),
      batched: this.batcher.pending,
      circuit: this.circuit.stats(),
      checkpoint: {
        position: this.watermark.position,
        saved_position: this.lastCheckpoint.position,
        ahead: this.watermark.ahead,
      },
    };
  }
}
