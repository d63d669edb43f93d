// Delivering one batch: the sink's outcome per event, retries with backoff for the retriable ones, the circuit
// breaker around every attempt, and the dead-letter store for what fails for good. The watermark learns of every
// event handled (delivered or dead-lettered); events the sink holds back go back to the caller.

import { DatagenError } from '../errors.js';
import {
  eventId,
  eventSize,
  eventType,
  type OutEvent,
  type SendOutcome,
  type Sink,
  type SinkBatch,
} from '../sinks/types.js';
import type { DeadLetterStore } from '../store/dead-letters.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import type { PipelineHooks } from './pipeline.js';
import { retry } from './retry.js';
import type { StreamStats } from './stats.js';
import type { Watermark } from './watermark.js';

export interface DeliveryDeps {
  stream: string;
  sink: Sink;
  circuit: CircuitBreaker;
  stats: StreamStats;
  watermark: Watermark;
  retry: { attempts: number; baseMs: number; maxMs: number; multiplier: number };
  deadLetters?: DeadLetterStore;
  hooks?: PipelineHooks;
  /** Batches carry the stream position to commit with them (transactional sinks). */
  exactlyOnce?: boolean;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** @example const d = new Delivery(deps); const held = await d.send(batch); */
export class Delivery {
  constructor(private readonly deps: DeliveryDeps) {}

  async deadLetter(events: readonly OutEvent[], error: DatagenError, attempts: number): Promise<void> {
    const at = this.deps.now();
    for (const e of events) {
      this.deps.stats.deadLettered(eventType(e));
      this.deps.hooks?.eventFailed?.(e.envelope, error, true);
    }
    if (this.deps.deadLetters) {
      await this.deps.deadLetters.add(
        events.map((e) => ({
          stream: this.deps.stream,
          event_id: eventId(e),
          event_type: eventType(e),
          destination: e.destination,
          envelope: e.json,
          error_code: error.code,
          last_error: error.message,
          retriable: error.retriable,
          attempts,
          failedAt: at,
          nextRetryAt: error.retriable ? at + this.deps.retry.maxMs : null,
        })),
      );
    } else {
      this.deps.hooks?.error?.(error, `${events.length} events failed and no dead-letter store is configured`);
    }
    for (const e of events) this.deps.watermark.handled(e.seq);
  }

  /** Sends a batch with retries; returns the events the sink held back (see SinkBatch.holdSince). */
  async send(batch: SinkBatch): Promise<OutEvent[]> {
    let remaining = batch.events;
    const heldBack: OutEvent[] = [];
    let attempts = 0;
    try {
      await retry(
        async () => {
          while (!this.deps.circuit.canPass()) await this.deps.sleep(Math.max(10, this.deps.circuit.untilRetryMs()));
          attempts++;
          const started = this.deps.now();
          let outcomes: SendOutcome[];
          try {
            outcomes = await this.deps.sink.send({
              ...batch,
              events: remaining,
              bytes: remaining.reduce((s, e) => s + eventSize(e), 0),
              // A retry is sent whole.
              holdSince: attempts === 1 ? batch.holdSince : undefined,
              ...(this.deps.exactlyOnce ? { positionAfter: (seqs) => this.deps.watermark.peek(seqs) } : {}),
            });
          } catch (err) {
            const error = new DatagenError(
              'SINK_SEND_FAILED',
              `${this.deps.sink.kind} sink: ${(err as Error).message}`,
              { cause: err },
            );
            outcomes = remaining.map(() => ({ ok: false, retriable: true, error }));
          }
          const latency = this.deps.now() - started;
          const retryLater: OutEvent[] = [];
          const fatal: { e: OutEvent; error: DatagenError }[] = [];
          let lastError: DatagenError | undefined;
          let delivered = 0;
          const acked = this.deps.now();
          remaining.forEach((e, i) => {
            const o = outcomes[i] ?? {
              ok: false,
              retriable: true,
              error: new DatagenError('SINK_SEND_FAILED', 'sink gave no outcome'),
            };
            if (o.ok) {
              delivered++;
              this.deps.stats.sent(eventType(e), e.destination, acked);
              this.deps.stats.endToEnd.record(acked - (e.at ?? Date.parse(e.envelope.ingest_timestamp)));
              this.deps.watermark.handled(e.seq);
            } else if (o.held) {
              heldBack.push(e);
            } else {
              this.deps.stats.failed(eventType(e));
              lastError = o.error;
              if (o.retriable) retryLater.push(e);
              else fatal.push({ e, error: o.error });
            }
          });
          if (delivered > 0) {
            this.deps.stats.batchSent(delivered, latency);
            this.deps.hooks?.batchSent?.({ ...batch, events: remaining.filter((_, i) => outcomes[i]?.ok) }, latency);
          }
          for (const { e, error } of fatal) await this.deadLetter([e], error, attempts);
          remaining = retryLater;
          if (retryLater.length > 0) {
            this.deps.circuit.onFailure();
            throw lastError ?? new DatagenError('SINK_SEND_FAILED', 'send failed');
          }
          this.deps.circuit.onSuccess();
        },
        {
          ...this.deps.retry,
          label: `${this.deps.sink.kind} send`,
          isRetriable: (err) => err instanceof DatagenError && err.retriable,
          sleep: this.deps.sleep,
          onRetry: () => {
            this.deps.stats.retried += remaining.length;
          },
        },
      );
    } catch (err) {
      if (remaining.length === 0) return heldBack;
      const cause = err instanceof DatagenError && err.cause instanceof DatagenError ? err.cause : err;
      const error =
        cause instanceof DatagenError
          ? cause
          : new DatagenError('SINK_SEND_FAILED', `${this.deps.sink.kind} sink: ${String(cause)}`, { cause });
      await this.deadLetter(remaining, error, attempts);
    }
    return heldBack;
  }
}
