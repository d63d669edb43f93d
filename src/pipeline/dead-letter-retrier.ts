// Sends dead letters again: on a schedule while a stream runs (entries whose retry time has come), or at once for
// `dlq replay`. Delivered entries are marked so; failed ones get a later retry time, or are given up.

import { DatagenError } from '../errors.js';
import type { EventEnvelope } from '../events/envelope.js';
import { Rng } from '../random.js';
import { eventSize, type OutEvent, type Sink } from '../sinks/types.js';
import type { DeadLetter, DeadLetterFilter, DeadLetterStore } from '../store/dead-letters.js';
import { backoffDelay } from './retry.js';

export interface RedeliverOptions {
  now?: () => number;
  limit?: number;
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
  multiplier: number;
  /** Replay: every entry matching the filter now, not only those due. */
  replay?: { filter: DeadLetterFilter };
}

export interface RedeliverResult {
  delivered: number;
  failed: number;
  gaveUp: number;
}

const jitter = Rng.of('dead-letter-jitter', Date.now());

const heldBack = {
  ok: false,
  retriable: true,
  error: new DatagenError('SINK_SEND_FAILED', 'the sink held back an event of a batch it had to send whole'),
} as const;

/**
 * @example await redeliver(store, sink, { maxAttempts: 10, baseMs: 1000, maxMs: 60_000, multiplier: 2 });
 */
export async function redeliver(store: DeadLetterStore, sink: Sink, opts: RedeliverOptions): Promise<RedeliverResult> {
  const now = (opts.now ?? Date.now)();
  const limit = opts.limit ?? 10_000;
  const entries: DeadLetter[] = opts.replay
    ? (await store.list({ ...opts.replay.filter, limit })).filter((e) => e.status !== 'delivered')
    : await store.due(now, limit);
  const result: RedeliverResult = { delivered: 0, failed: 0, gaveUp: 0 };
  const byDestination = new Map<string, DeadLetter[]>();
  for (const e of entries) byDestination.set(e.destination, [...(byDestination.get(e.destination) ?? []), e]);
  for (const [destination, list] of byDestination) {
    const events: OutEvent[] = list.map((e) => ({
      envelope: JSON.parse(e.envelope) as EventEnvelope,
      json: e.envelope,
      destination,
      seq: 0,
    }));
    let outcomes: Awaited<ReturnType<Sink['send']>>;
    try {
      outcomes = await sink.send({ destination, events, bytes: events.reduce((s, e) => s + eventSize(e), 0) });
    } catch (err) {
      outcomes = events.map(() => ({ ok: false, retriable: true, error: err as never }));
    }
    const delivered: number[] = [];
    for (const [i, e] of list.entries()) {
      // Sent whole (no mayHold): an event held back anyway counts as a passing failure.
      const sent = outcomes[i];
      const o = sent?.held ? heldBack : sent;
      if (o?.ok) {
        delivered.push(e.id);
        continue;
      }
      const attempts = e.attempts + 1;
      const giveUp = !o?.retriable || attempts >= opts.maxAttempts;
      const next = giveUp
        ? null
        : now + Math.max(opts.baseMs, backoffDelay(attempts, { ...opts, random: () => jitter.next() }));
      const message = o ? o.error.message : 'no outcome';
      const code = o ? o.error.code : 'SINK_SEND_FAILED';
      await store.markFailed(e.id, message, code, now, next);
      if (giveUp) result.gaveUp++;
      else result.failed++;
    }
    await store.markDelivered(delivered);
    result.delivered += delivered.length;
  }
  return result;
}
