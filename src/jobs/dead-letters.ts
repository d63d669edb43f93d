// Dead-letter work shared by the `dlq` command and the API: the retry schedule from the config, and replaying
// matching dead letters through a sink.

import type { Config } from '../config/schema.js';
import { DatagenError } from '../errors.js';
import { type RedeliverOptions, type RedeliverResult, redeliver } from '../pipeline/dead-letter-retrier.js';
import { SINK_KINDS, type SinkKind } from '../sinks/registry.js';
import type { Database } from '../store/database.js';
import type { DeadLetterFilter, DeadLetterStore } from '../store/dead-letters.js';
import { createSink } from './stream.js';

/**
 * The dead-letter retry schedule of a config (attempts, backoff).
 * @example await redeliver(store, sink, deadLetterRetry(config));
 */
export function deadLetterRetry(config: Config): Omit<RedeliverOptions, 'replay' | 'now' | 'limit'> {
  return {
    maxAttempts: config.pipeline.dead_letter_max_attempts,
    baseMs: config.pipeline.dead_letter_retry_ms,
    maxMs: config.pipeline.dead_letter_retry_ms * 32,
    multiplier: config.realtime.backoff_multiplier,
  };
}

/**
 * Sends the dead letters matching `filter` now through a sink of `kind` (default: stream.sink) and marks the
 * delivered ones; those failing again get a later retry time or are given up.
 * @example const r = await replayDeadLetters(config, db, store, { type: 'receipt_created' }); r.delivered;
 */
export async function replayDeadLetters(
  config: Config,
  db: Database,
  store: DeadLetterStore,
  filter: DeadLetterFilter,
  kind: string = config.stream.sink,
): Promise<RedeliverResult & { sink: SinkKind }> {
  if (!(SINK_KINDS as string[]).includes(kind))
    throw new DatagenError('CLI_USAGE', `sink: expected one of ${SINK_KINDS.join(', ')}; got ${JSON.stringify(kind)}`);
  const sink = createSink(config, kind as SinkKind, db);
  await sink.open();
  try {
    const r = await redeliver(store, sink, { replay: { filter }, ...deadLetterRetry(config) });
    return { ...r, sink: kind as SinkKind };
  } finally {
    await sink.close();
  }
}
