// Config of the Event Hubs sink (Azure Event Hubs and Fabric Eventstream custom endpoints, over AMQP).
// Credentials live in `realtime` (connection string, Key Vault) and here (Entra ID namespace).

import { z } from 'zod';

export const eventhubsSinkConfig = z
  .object({
    fully_qualified_namespace: z
      .string()
      .trim()
      .regex(/^$|^[A-Za-z0-9.-]+(:\d+)?$/, 'a host name such as my-namespace.servicebus.windows.net (no sb://)')
      .default('')
      .describe(
        'Namespace host for Microsoft Entra ID sign-in (DefaultAzureCredential, no secret), e.g. my-namespace.servicebus.windows.net; used when no connection string or Key Vault is set.',
      ),
    partition_routing: z
      .enum(['hash', 'key'])
      .default('hash')
      .describe(
        "How events reach partitions. 'hash' (default): the sink maps each partition_key to a partition with a stable hash (FNV-1a, modulo the partition count), so a store's events stay in order on one partition and a batch carries many stores, filled up to the limit; the key stays in the body. 'key': Event Hubs hashes the key itself (it is on each event for consumers), and a batch holds one key's events, so batches stay small when there are many stores.",
      ),
    partition_id: z
      .string()
      .regex(/^\d+$/, 'a partition id such as 0')
      .nullable()
      .default(null)
      .describe(
        'Send every event to this partition; null (default) routes by each event partition_key (partition_routing).',
      ),
    max_batch_bytes: z
      .number()
      .int()
      .min(1024)
      .default(1_048_576)
      .describe(
        "Largest batch sent, in bytes as encoded (1 MB on Standard and Premium, 256 KB on Basic); capped by the hub's own limit.",
      ),
    max_concurrent_sends: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(4)
      .describe('Batches in flight at once, to different partition keys; one key never has two in flight.'),
    timeout_ms: z
      .number()
      .int()
      .min(100)
      .default(30_000)
      .describe('Timeout of one operation (connect, send, properties) of the Event Hubs client.'),
    client_retries: z
      .number()
      .int()
      .min(0)
      .max(10)
      .default(1)
      .describe("The client's own retries of an operation before the pipeline's retries take over."),
  })
  .strict();

export type EventHubsSinkConfig = z.output<typeof eventhubsSinkConfig>;
