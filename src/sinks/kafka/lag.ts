// Consumer lag through the admin API: the group's committed offsets against the topics' end offsets.

import { type Admin, ListOffsetTimestamps } from '@platformatic/kafka';

/** Lag of a consumer group on some topics, in total and per topic. */
export interface ConsumerLag {
  total: number;
  byTopic: Record<string, number>;
}

/**
 * Reads a group's lag on `topics`: for each partition, the end offset minus the group's committed offset (or minus
 * the log start when the group has committed nothing there yet, so a stopped or absent consumer counts in full).
 * @example const { total } = await consumerLag(admin, 'fraud-detector', ['retail-events']);
 */
export async function consumerLag(admin: Admin, group: string, topics: readonly string[]): Promise<ConsumerLag> {
  const byTopic: Record<string, number> = {};
  if (topics.length === 0) return { total: 0, byTopic };
  const meta = await admin.metadata({ topics: [...topics] });
  const request = (timestamp: bigint) =>
    [...topics].map((name) => ({
      name,
      partitions: Array.from({ length: meta.topics.get(name)?.partitionsCount ?? 0 }, (_, partitionIndex) => ({
        partitionIndex,
        timestamp,
      })),
    }));
  const [ends, starts, committed] = await Promise.all([
    admin.listOffsets({ topics: request(ListOffsetTimestamps.LATEST) }),
    admin.listOffsets({ topics: request(ListOffsetTimestamps.EARLIEST) }),
    admin.listConsumerGroupOffsets({ groups: [group] }),
  ]);
  const offsets = (list: typeof ends) =>
    new Map<string, bigint>(list.flatMap((t) => t.partitions.map((p) => [`${t.name}:${p.partitionIndex}`, p.offset])));
  const start = offsets(starts);
  const done = new Map<string, bigint>();
  for (const g of committed)
    for (const t of g.topics)
      for (const p of t.partitions) done.set(`${t.name}:${p.partitionIndex}`, p.committedOffset);
  let total = 0;
  for (const t of ends) {
    let lag = 0n;
    for (const p of t.partitions) {
      const key = `${t.name}:${p.partitionIndex}`;
      const from = done.get(key) ?? -1n;
      const base = from >= 0n ? from : (start.get(key) ?? 0n);
      if (p.offset > base) lag += p.offset - base;
    }
    byTopic[t.name] = Number(lag);
    total += Number(lag);
  }
  return { total, byTopic };
}
