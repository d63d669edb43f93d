// Config of the Kafka sink (Apache Kafka, and Event Hubs / Fabric Eventstream over their Kafka endpoint).

import { z } from 'zod';

export const kafkaSinkConfig = z
  .object({
    brokers: z
      .array(z.string().regex(/^[^\s:]+:\d+$/, 'host:port'))
      .default(['127.0.0.1:9092'])
      .describe('Bootstrap brokers, host:port.'),
    client_id: z.string().default('retail-datagen').describe('Client id the broker sees.'),
    acks: z
      .enum(['all', 'leader', 'none'])
      .default('all')
      .describe('Acknowledgements: all (default, needed for idempotence), leader or none.'),
    idempotent: z.boolean().default(true).describe('Idempotent producer: retries add no duplicates.'),
    compression: z
      .enum(['none', 'gzip', 'snappy', 'lz4'])
      .default('none')
      .describe('Compression codec (zstd needs Node 22).'),
    partitions: z.number().int().positive().default(6).describe('Partitions of topics created on demand.'),
    replication_factor: z.number().int().positive().default(1).describe('Replication of topics created on demand.'),
    auto_create_topics: z
      .boolean()
      .default(true)
      .describe('Create missing topics; when false a missing topic is a fatal error.'),
    timeout_ms: z.number().int().positive().default(30_000).describe('Request timeout.'),
    retries: z
      .number()
      .int()
      .min(0)
      .default(3)
      .describe("The client's own retries of a request before the pipeline's retries take over."),
  })
  .strict();

export type KafkaSinkConfig = z.output<typeof kafkaSinkConfig>;
