// The Kafka sink: an idempotent producer (acks=all by default), message key = partition_key (so a store's events
// stay ordered in one partition), headers event_type / schema_version / event_id, topics created on demand; with
// exactly_once, each batch and the stream's position commit in one Kafka transaction.

import { randomUUID } from 'node:crypto';
import {
  Admin,
  type BaseOptions,
  Consumer,
  compatibilityPartitioner,
  FetchIsolationLevels,
  ListOffsetTimestamps,
  MessagesStreamModes,
  type MessageToProduce,
  ProduceAcks,
  Producer,
  stringSerializer,
} from '@platformatic/kafka';
import { redactText, type Secret } from '../../config/secret.js';
import { DatagenError } from '../../errors.js';
import { SCHEMA_VERSION } from '../../events/envelope.js';
import {
  allOutcomes,
  eventBytes,
  eventId,
  eventKey,
  eventType,
  type OutEvent,
  type SendOutcome,
  type Sink,
  type SinkBatch,
  type SinkContext,
  type StreamPosition,
} from '../types.js';
import type { KafkaSinkConfig } from './config.js';
import { type KafkaConnection, resolveConnection } from './connection.js';
import { classify } from './errors.js';
import { consumerLag } from './lag.js';

/** An operation of the client that did not finish in time. */
class DeadlineError extends Error {}

/** Rejects with a DeadlineError when `p` has not settled within `ms`. */
function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

const ACKS = { all: ProduceAcks.ALL, leader: ProduceAcks.LEADER, none: ProduceAcks.NO_RESPONSE } as const;
type Message = MessageToProduce<Buffer, Buffer, string, string>;

export class KafkaSink implements Sink {
  readonly kind = 'kafka';
  private producer?: Producer<Buffer, Buffer, string, string>;
  private admin?: Admin;
  private readonly topics = new Set<string>();
  private readonly connection: KafkaConnection;
  private readonly transactional: boolean;
  private readonly stream: string;
  // The 1.x idempotent producer allows one send in flight: the pipeline and the dead-letter retrier take turns.
  private turn: Promise<unknown> = Promise.resolve();
  /** The last consumer lag read, for statistics. */
  lastLag: { group: string; total: number; byTopic: Record<string, number>; at: string } | null = null;

  constructor(
    private readonly config: KafkaSinkConfig,
    ctx: SinkContext = {},
  ) {
    this.connection = resolveConnection(config, ctx.azureConnectionString);
    this.transactional = config.exactly_once || ctx.exactlyOnce === true;
    this.stream = ctx.stream ?? 'default';
    if (this.transactional) this.committedPosition = () => this.serial(() => this.readPosition());
  }

  committedPosition?: () => Promise<StreamPosition | null>;

  private options(): BaseOptions {
    const c = this.connection;
    return {
      clientId: this.config.client_id,
      bootstrapBrokers: c.bootstrapBrokers,
      timeout: this.config.timeout_ms,
      ...(c.sasl ? { sasl: c.sasl } : {}),
      ...(c.tls ? { tls: c.tls, tlsServerName: c.tlsServerName } : {}),
    };
  }

  private newProducer(): Producer<Buffer, Buffer, string, string> {
    return new Producer<Buffer, Buffer, string, string>({
      ...this.options(),
      idempotent: this.config.idempotent,
      acks: ACKS[this.config.acks],
      compression: this.config.compression,
      // Keys land on the partition Java clients (and Flink, Spark) compute for them.
      partitioner: compatibilityPartitioner,
      autocreateTopics: false,
      retries: this.config.retries,
      retryDelay: 250,
      serializers: { headerKey: stringSerializer, headerValue: stringSerializer },
      // Stable per stream, so that a restarted stream fences the one it replaces and aborts what that left open.
      ...(this.transactional ? { transactionalId: `${this.config.client_id}-${this.stream}` } : {}),
    });
  }

  async open(): Promise<void> {
    this.producer ??= this.newProducer();
    this.admin ??= new Admin(this.options());
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.turn.then(fn, fn);
    this.turn = run.catch(() => undefined);
    return run;
  }

  /**
   * Replaces the producer (a transactional one fences the old: the broker aborts what it left open). A stuck
   * producer may never finish closing: it is left behind after a few seconds.
   */
  private async resetProducer(): Promise<void> {
    const old = this.producer;
    this.producer = this.newProducer();
    if (old) await withDeadline(old.close(), 5000, 'closing the replaced producer').catch(() => {});
  }

  /**
   * The longest a send (with the client's own retries) may take: requests time out on their own, but an operation
   * of the client that loses its answer would otherwise wait forever and stall the stream.
   */
  private get operationDeadlineMs(): number {
    return this.config.timeout_ms * (this.config.retries + 2);
  }

  private async ensureTopic(topic: string, configs?: { name: string; value: string }[]): Promise<void> {
    if (this.topics.has(topic)) return;
    const existing = await this.admin!.listTopics();
    if (!existing.includes(topic)) {
      if (!this.config.auto_create_topics && !configs) {
        throw new DatagenError(
          'SINK_FATAL',
          `kafka sink: topic ${topic} does not exist and sinks.kafka.auto_create_topics is false; create it or allow auto-creation`,
        );
      }
      try {
        await this.admin!.createTopics({
          topics: [topic],
          partitions: configs ? 1 : this.config.partitions,
          replicas: this.config.replication_factor,
          ...(configs ? { configs } : {}),
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

  private failure(err: unknown): DatagenError {
    if (err instanceof DatagenError) return err;
    if (err instanceof DeadlineError)
      return new DatagenError('SINK_SEND_FAILED', `kafka sink: ${err.message}`, { cause: err });
    const v = classify(err);
    return new DatagenError(
      v.retriable ? 'SINK_SEND_FAILED' : 'SINK_FATAL',
      `kafka sink: ${redactText(v.reason, this.connection.secrets as Secret[])}`,
      { cause: err, retriable: v.retriable },
    );
  }

  private records(topic: string, events: readonly OutEvent[]): Message[] {
    return events.map((e) => ({
      topic,
      key: Buffer.from(eventKey(e)),
      value: eventBytes(e),
      headers: {
        event_type: eventType(e),
        // Retail and record envelopes have one schema version.
        schema_version: SCHEMA_VERSION,
        event_id: eventId(e),
      },
    }));
  }

  send(batch: SinkBatch): Promise<SendOutcome[]> {
    return this.serial(() => this.sendNow(batch));
  }

  private async sendNow(batch: SinkBatch): Promise<SendOutcome[]> {
    // A connection string scoped to one hub sends everything there.
    const topic = this.connection.topic ?? batch.destination;
    try {
      await withDeadline(this.ensureTopic(topic), this.operationDeadlineMs, `creating topic ${topic}`);
    } catch (err) {
      const error = this.failure(err);
      return allOutcomes(batch, { ok: false, retriable: error.retriable, error });
    }
    const committed: number[] = [];
    const attempt = async (events: readonly OutEvent[]): Promise<SendOutcome[]> => {
      try {
        const sent: Promise<unknown> = this.transactional
          ? this.commitBatch(topic, events, batch, committed)
          : this.producer!.send({ messages: this.records(topic, events) });
        await withDeadline(
          sent,
          this.operationDeadlineMs,
          `sending ${events.length} events to ${topic} (the producer is replaced)`,
        );
        return events.map(() => ({ ok: true }));
      } catch (err) {
        const v = err instanceof DeadlineError ? { retriable: true, resetProducer: true, reason: '' } : classify(err);
        if (v.resetProducer || this.transactional) await this.resetProducer();
        // A batch with one event over the broker's limit fails alone; in a larger batch the pipeline's retries
        // cannot split it, so a too-large batch is resent one event at a time to find the culprit.
        if (!v.retriable && events.length > 1 && /TOO_LARGE/.test(v.reason)) {
          const out: SendOutcome[] = [];
          for (const e of events) out.push(...(await attempt([e])));
          return out;
        }
        const error = this.failure(err);
        return events.map(() => ({ ok: false, retriable: error.retriable, error }));
      }
    };
    return attempt(batch.events);
  }

  /** One transaction: the events, and the stream's position after them in the checkpoint topic. */
  private async commitBatch(
    topic: string,
    events: readonly OutEvent[],
    batch: SinkBatch,
    committed: number[],
  ): Promise<void> {
    const messages = this.records(topic, events);
    if (batch.positionAfter) {
      await this.ensureCheckpointTopic();
      const seqs = [...committed, ...events.map((e) => e.seq)];
      const at = batch.positionAfter(seqs);
      messages.push({
        topic: this.config.checkpoint_topic,
        key: Buffer.from(this.stream),
        value: Buffer.from(JSON.stringify({ stream: this.stream, ...at, at: new Date().toISOString() })),
      });
    }
    const tx = await this.producer!.beginTransaction();
    await tx.send({ messages });
    await tx.commit();
    for (const e of events) committed.push(e.seq);
  }

  private ensureCheckpointTopic(): Promise<void> {
    return this.ensureTopic(this.config.checkpoint_topic, [
      { name: 'cleanup.policy', value: 'compact' },
      { name: 'min.compaction.lag.ms', value: '60000' },
    ]);
  }

  /**
   * Fences any earlier producer of this stream (which makes the broker abort the transaction it left open), then
   * reads the stream's last committed position from the checkpoint topic with read_committed.
   */
  private async readPosition(): Promise<StreamPosition | null> {
    await this.open();
    try {
      await this.ensureCheckpointTopic();
      const tx = await this.producer!.beginTransaction();
      await tx.cancel();
      const [end] = await this.admin!.listOffsets({
        topics: [
          {
            name: this.config.checkpoint_topic,
            partitions: [{ partitionIndex: 0, timestamp: ListOffsetTimestamps.LATEST }],
          },
        ],
        isolationLevel: FetchIsolationLevels.READ_COMMITTED,
      });
      const stable = end?.partitions[0]?.offset ?? 0n;
      if (stable === 0n) return null;
      return await this.readCheckpointTopic(stable);
    } catch (err) {
      throw new DatagenError(
        'SINK_NOT_CONNECTED',
        `kafka sink: cannot read the exactly-once position of ${this.stream} from ${this.config.checkpoint_topic}: ${this.failure(err).message}`,
        { cause: err },
      );
    }
  }

  private async readCheckpointTopic(stable: bigint): Promise<StreamPosition | null> {
    const consumer = new Consumer({
      ...this.options(),
      groupId: `${this.config.client_id}-position-${randomUUID()}`,
      isolationLevel: FetchIsolationLevels.READ_COMMITTED,
    });
    let found: StreamPosition | null = null;
    try {
      const stream = await consumer.consume({
        topics: [this.config.checkpoint_topic],
        mode: MessagesStreamModes.EARLIEST,
        autocommit: false,
      });
      await new Promise<void>((resolve, reject) => {
        // Transaction markers take offsets too, so the last record may sit below the stable offset: after a quiet
        // spell with nothing more to read, what was read is all there is.
        let idle = setTimeout(resolve, 3000);
        stream.on('error', reject);
        stream.on('data', (m) => {
          if (m.key?.toString() === this.stream) {
            const v = JSON.parse(m.value.toString()) as StreamPosition;
            found = { position: v.position, ahead: v.ahead ?? [] };
          }
          clearTimeout(idle);
          idle = setTimeout(resolve, m.offset >= stable - 1n ? 0 : 1000);
        });
      });
      await stream.close();
    } finally {
      await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
    }
    return found;
  }

  async consumerLag(group: string): Promise<number> {
    await this.open();
    const lag = await consumerLag(
      this.admin!,
      group,
      [...this.topics].filter((t) => t !== this.config.checkpoint_topic),
    );
    this.lastLag = { group, ...lag, at: new Date().toISOString() };
    return lag.total;
  }

  async close(): Promise<void> {
    await this.turn;
    await this.producer?.close().catch(() => {});
    await this.admin?.close().catch(() => {});
    this.producer = undefined;
    this.admin = undefined;
  }

  async check() {
    try {
      await this.open();
      await this.admin!.listTopics();
      return { ok: true, detail: `connected to ${this.connection.describe}` };
    } catch (err) {
      return { ok: false, detail: this.failure(err).message, errorType: 'SINK_NOT_CONNECTED' };
    }
  }
}
