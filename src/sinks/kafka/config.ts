// Config of the Kafka sink (Apache Kafka, and Event Hubs / Fabric Eventstream over their Kafka endpoint).

import { z } from 'zod';
import { secretSchema } from '../../config/secret.js';
import { parseEventHubsConnectionString } from './connection.js';

const saslSchema = z
  .object({
    mechanism: z
      .enum(['none', 'plain', 'scram-sha-256', 'scram-sha-512'])
      .default('none')
      .describe('SASL mechanism: none, plain, scram-sha-256 or scram-sha-512 (Confluent Cloud, MSK, Aiven, ...).'),
    username: z.string().default('').describe('SASL user name.'),
    password: secretSchema.describe(
      'SASL password (secret; prefer the RETAIL_DATAGEN_SINKS__KAFKA__SASL__PASSWORD environment variable).',
    ),
  })
  .strict();

const tlsSchema = z
  .object({
    enabled: z.boolean().default(false).describe('Connect over TLS (always on with connection_string).'),
    ca_file: z
      .string()
      .default('')
      .describe('PEM file of the CA(s) to trust instead of the system CAs (a private or self-signed broker).'),
    cert_file: z.string().default('').describe('PEM client certificate, for brokers that authenticate clients by TLS.'),
    key_file: z.string().default('').describe('PEM private key of cert_file.'),
    reject_unauthorized: z
      .boolean()
      .default(true)
      .describe('Verify the broker certificate and host name; false only for throwaway test brokers.'),
  })
  .strict();

export const kafkaSinkConfig = z
  .object({
    brokers: z
      .array(z.string().regex(/^[^\s:]+:\d+$/, 'host:port'))
      .default(['127.0.0.1:9092'])
      .describe('Bootstrap brokers, host:port (ignored with connection_string, which names its own).'),
    connection_string: secretSchema.describe(
      'Azure Event Hubs or Fabric Eventstream connection string (Endpoint=sb://NS.servicebus.windows.net/;SharedAccessKeyName=...;SharedAccessKey=...[;EntityPath=hub]): connects to NS:9093 with SASL PLAIN over TLS; EntityPath, or else the routed destination (stream.hub), is the topic. Secret: prefer RETAIL_DATAGEN_SINKS__KAFKA__CONNECTION_STRING.',
    ),
    use_azure_connection_string: z
      .boolean()
      .default(false)
      .describe(
        'Use realtime.azure_connection_string (AZURE_EVENTHUB_CONNECTION_STRING) as connection_string, so one secret serves both Event Hubs sinks.',
      ),
    sasl: saslSchema.prefault({}).describe('SASL authentication for Kafka services other than Event Hubs.'),
    tls: tlsSchema.prefault({}).describe('TLS to the brokers.'),
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
    exactly_once: z
      .boolean()
      .default(false)
      .describe(
        'Kafka transactions: each batch commits together with the stream position (in checkpoint_topic), so read_committed consumers see every event once, even after kill -9 (--exactly-once).',
      ),
    checkpoint_topic: z
      .string()
      .min(1)
      .default('retail-datagen.checkpoints')
      .describe('Compacted topic of the exactly-once stream positions, keyed by stream name.'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.connection_string.isEmpty) {
      try {
        parseEventHubsConnectionString(v.connection_string);
      } catch (err) {
        ctx.addIssue({ code: 'custom', path: ['connection_string'], message: (err as Error).message });
      }
      if (v.sasl.mechanism !== 'none')
        ctx.addIssue({
          code: 'custom',
          path: ['sasl', 'mechanism'],
          message: 'connection_string sets SASL PLAIN with $ConnectionString itself: remove sinks.kafka.sasl',
        });
    }
    if (v.sasl.mechanism !== 'none' && (!v.sasl.username || v.sasl.password.isEmpty))
      ctx.addIssue({
        code: 'custom',
        path: ['sasl'],
        message: `sasl.mechanism ${v.sasl.mechanism} needs sasl.username and sasl.password`,
      });
    if (Boolean(v.tls.cert_file) !== Boolean(v.tls.key_file))
      ctx.addIssue({
        code: 'custom',
        path: ['tls', v.tls.cert_file ? 'key_file' : 'cert_file'],
        message: 'tls.cert_file and tls.key_file go together: set both or neither',
      });
    if (v.exactly_once && (!v.idempotent || v.acks !== 'all'))
      ctx.addIssue({
        code: 'custom',
        path: ['exactly_once'],
        message: 'exactly_once needs idempotent: true and acks: all',
      });
  });

export type KafkaSinkConfig = z.output<typeof kafkaSinkConfig>;
