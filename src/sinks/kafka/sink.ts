// The Kafka sink: an idempotent producer (acks=all by default), message key = partition_key (so a store's events
// stay ordered in one partition), headers event_type / schema_version / event_id, topics created on demand.

import { Admin, compatibilityPartitioner, ProduceAcks, Producer, stringSerializer } from '@platformatic/kafka';
import { DatagenError } from '../../errors.js';
import { allOutcomes, type SendOutcome, type Sink, type SinkBatch } from '../types.js';
import type { KafkaSinkConfig } from './config.js';
import { classify } from './errors.js';

const ACKS = { all: ProduceAcks.ALL, leader: ProduceAcks.LEADER, none: ProduceAcks.NO_RESPONSE } as const;

export class KafkaSink implements Sink {
  readonly kind = 'kafka';
  private producer?: Producer<Buffer, Buffer, string, string>;
  private admin?: Admin;
  private readonly topics = new Set<string>();

  constructor(private readonly config: KafkaSinkConfig) {}

  private connection() {
    return { clientId: this.config.client_id, bootstrapBrokers: this.config.brokers, timeout: this.config.timeout_ms };
  }

  private newProducer(): Producer<Buffer, Buffer, string, string> {
    return new Producer<Buffer, Buffer, string, string>({
      ...this.connection(),
      idempotent: this.config.idempotent,
      acks: ACKS[this.config.acks],
      compression: this.config.compression,
      // Keys land on the partition Java clients (and Flink, Spark) compute for them.
      partitioner: compatibilityPartitioner,
      autocreateTopics: false,
      retries: this.config.retries,
      retryDelay: 250,
      serializers: { headerKey: stringSerializer, headerValue: stringSerializer },
    });
  }

  async open(): Promise<void> {
    this.producer = this.newProducer();
    this.admin = new Admin(this.connection());
  }

  private async ensureTopic(topic: string): Promise<void> {
    if (this.topics.has(topic)) return;
    const existing = await this.admin!.listTopics();
    if (!existing.includes(topic)) {
      if (!this.config.auto_create_topics) {
        throw new DatagenError(
          'SINK_FATAL',
          `kafka sink: topic ${topic} does not exist and sinks.kafka.auto_create_topics is false; create it or allow auto-creation`,
        );
      }
      try {
        await this.admin!.createTopics({
          topics: [topic],
          partitions: this.config.partitions,
          replicas: this.config.replication_factor,
        });
      } catch (err) {
        if (
          !/TOPIC_ALREADY_EXISTS/.test(
            String((err as Error).message) + JSON.stringify((err as { errors?: unknown }).errors ?? ''),
          )
        )
          throw err;
      }
    }
    this.topics.add(topic);
  }

  async send(batch: SinkBatch): Promise<SendOutcome[]> {
    try {
      await this.ensureTopic(batch.destination);
    } catch (err) {
      if (err instanceof DatagenError) return allOutcomes(batch, { ok: false, retriable: false, error: err });
      const v = classify(err);
      return allOutcomes(batch, {
        ok: false,
        retriable: v.retriable,
        error: new DatagenError(v.retriable ? 'SINK_SEND_FAILED' : 'SINK_FATAL', `kafka sink: ${v.reason}`, {
          cause: err,
          retriable: v.retriable,
        }),
      });
    }
    try {
      // One send in flight per idempotent producer (the pipeline sends batches one after another).
      await this.producer!.send({
        messages: batch.events.map((e) => ({
          topic: batch.destination,
          key: Buffer.from(e.envelope.partition_key),
          value: Buffer.from(e.json),
          headers: {
            event_type: e.envelope.event_type,
            schema_version: e.envelope.schema_version,
            event_id: e.envelope.event_id,
          },
        })),
      });
      return allOutcomes(batch, { ok: true });
    } catch (err) {
      const v = classify(err);
      if (v.resetProducer) {
        await this.producer?.close().catch(() => {});
        this.producer = this.newProducer();
      }
      // A batch with one event over the broker's limit fails alone; in a larger batch the pipeline's retries
      // cannot split it, so a too-large batch is resent one event at a time to find the culprit.
      if (!v.retriable && batch.events.length > 1 && /TOO_LARGE/.test(v.reason)) {
        const out: SendOutcome[] = [];
        for (const e of batch.events)
          out.push(...(await this.send({ destination: batch.destination, events: [e], bytes: e.json.length })));
        return out;
      }
      const error = new DatagenError(v.retriable ? 'SINK_SEND_FAILED' : 'SINK_FATAL', `kafka sink: ${v.reason}`, {
        cause: err,
        retriable: v.retriable,
      });
      return allOutcomes(batch, { ok: false, retriable: v.retriable, error });
    }
  }

  async close(): Promise<void> {
    await this.producer?.close().catch(() => {});
    await this.admin?.close().catch(() => {});
  }

  async check() {
    try {
      await this.admin!.listTopics();
      return { ok: true, detail: `connected to ${this.config.brokers.join(',')}` };
    } catch (err) {
      return { ok: false, detail: classify(err).reason };
    }
  }
}
