// Helpers of the Kafka integration tests: sample events as sink batches, and an independent consumer that reads a topic.

import {
  type BaseOptions,
  Consumer,
  FetchIsolationLevels,
  MessagesStreamModes,
  stringDeserializer,
} from '@platformatic/kafka';
import { sampleEvent } from '../../src/events/samples.js';
import { EVENT_TYPES } from '../../src/events/types.js';
import type { OutEvent, SinkBatch } from '../../src/sinks/types.js';

/** `n` distinct events (sample payloads with their own ids), as one batch to `destination`. */
export function sampleBatch(destination: string, n: number, firstSeq = 1): SinkBatch {
  const events: OutEvent[] = [];
  for (let i = 0; i < n; i++) {
    const seq = firstSeq + i;
    const envelope = {
      ...sampleEvent(EVENT_TYPES[seq % EVENT_TYPES.length]),
      event_id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    };
    events.push({ envelope, json: JSON.stringify(envelope), destination, seq });
  }
  return { destination, events, bytes: events.reduce((s, e) => s + e.json.length, 0) };
}

export interface ReadRecord {
  key: string;
  partition: number;
  offset: bigint;
  headers: Map<string, string>;
  value: Record<string, unknown>;
}

/**
 * Reads a topic from the start (read_committed unless told otherwise) until `expected` records came and then a
 * quiet second passed, or 10 s passed with nothing new.
 */
export async function readTopic(
  connection: Omit<BaseOptions, 'clientId'>,
  topic: string,
  expected: number,
  opts: { readUncommitted?: boolean; quietMs?: number } = {},
): Promise<ReadRecord[]> {
  const consumer = new Consumer<Buffer, Buffer, string, string>({
    ...connection,
    clientId: 'rdg-test',
    groupId: `verify-${topic}-${Math.random().toString(36).slice(2)}`,
    isolationLevel: opts.readUncommitted ? FetchIsolationLevels.READ_UNCOMMITTED : FetchIsolationLevels.READ_COMMITTED,
    deserializers: { headerKey: stringDeserializer, headerValue: stringDeserializer },
  });
  const out: ReadRecord[] = [];
  try {
    const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: false });
    await new Promise<void>((resolve, reject) => {
      let idle = setTimeout(resolve, 10_000);
      stream.on('error', reject);
      stream.on('data', (m) => {
        out.push({
          key: m.key.toString(),
          partition: m.partition,
          offset: m.offset,
          headers: m.headers as Map<string, string>,
          value: JSON.parse(m.value.toString()),
        });
        clearTimeout(idle);
        idle = setTimeout(resolve, out.length >= expected ? (opts.quietMs ?? 1500) : 10_000);
      });
    });
    await stream.close();
  } finally {
    await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
  }
  return out;
}
