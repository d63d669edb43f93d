// The Event Hubs sink: an EventHubProducerClient per hub; each pipeline batch is split by partition key (Event
// Hubs routes a whole batch by one key) and packed with createBatch up to the size limit, so no send is refused
// for size. Every event carries event_type, schema_version, event_id and Table=<event_type> (Fabric Eventstream
// routes on it) and content type application/json.

import type { EventData, EventDataBatch, EventHubProducerClient } from '@azure/event-hubs';
import { DatagenError } from '../../errors.js';
import {
  allOutcomes,
  type OutEvent,
  type SendOutcome,
  type Sink,
  type SinkBatch,
  type SinkHealth,
  type SinkSettings,
} from '../types.js';
import type { EventHubsSinkConfig } from './config.js';
import { parseConnectionString } from './connection-string.js';
import { type EventHubsCredentials, resolveCredentials, type SecretReader } from './credentials.js';
import { classify, sinkError } from './errors.js';

interface Producer {
  client: EventHubProducerClient;
  /** Largest batch: the smaller of max_batch_bytes and the link's own limit, once known. */
  limit?: number;
}

/** Counters of what the sink sent, for benchmarks and tests. */
export interface EventHubsSinkStats {
  batches: number;
  events: number;
  /** Encoded bytes of the batches sent. */
  bytes: number;
  /** Sum of the size limits of the batches sent: bytes / capacity is the fill ratio. */
  capacity: number;
  /** Most batches in flight at once. */
  maxInFlight: number;
}

export interface EventHubsSinkOptions {
  config: SinkSettings;
  readSecret?: SecretReader;
}

/**
 * @example const sink = new EventHubsSink(config.sinks.eventhubs, { config }); await sink.open();
 */
export class EventHubsSink implements Sink {
  readonly kind = 'eventhubs';
  readonly stats: EventHubsSinkStats = { batches: 0, events: 0, bytes: 0, capacity: 0, maxInFlight: 0 };
  private credentials?: EventHubsCredentials;
  private entityPath?: string;
  private readonly producers = new Map<string, Promise<Producer>>();
  private inFlight = 0;

  constructor(
    private readonly config: EventHubsSinkConfig,
    private readonly opts: EventHubsSinkOptions,
  ) {}

  /** Resolves the credentials and checks that the hub answers; refused credentials or a missing hub fail here. */
  async open(): Promise<void> {
    const creds = await resolveCredentials(this.opts.config, this.config, this.opts.readSecret);
    this.credentials = creds;
    if (creds.source !== 'entra_id') this.entityPath = parseConnectionString(creds.connectionString, '').entityPath;
    const { client } = await this.producer(creds.hub);
    try {
      await client.getEventHubProperties({ abortSignal: AbortSignal.timeout(this.config.timeout_ms) });
    } catch (err) {
      // A passing failure (network, busy) is left to the pipeline's retries; a refusal stops the stream now.
      if (!classify(err).retriable) {
        await this.close();
        throw sinkError(err, `connect to ${creds.namespace}/${creds.hub}`);
      }
    }
  }

  /** The hub and namespace the sink writes to, and where the credentials came from. */
  get target(): { namespace: string; hub: string; credential_source: string } | undefined {
    const c = this.credentials;
    return c && { namespace: c.namespace, hub: c.hub, credential_source: c.source };
  }

  private async newClient(hub: string): Promise<EventHubProducerClient> {
    const { EventHubProducerClient } = await import('@azure/event-hubs');
    const c = this.credentials!;
    const options = {
      retryOptions: {
        maxRetries: this.config.client_retries,
        retryDelayInMs: 200,
        maxRetryDelayInMs: 2000,
        timeoutInMs: this.config.timeout_ms,
      },
    };
    if (c.source === 'entra_id') {
      const { DefaultAzureCredential } = await import('@azure/identity');
      return new EventHubProducerClient(c.namespace, hub, new DefaultAzureCredential(), options);
    }
    const cs = c.connectionString.reveal();
    return this.entityPath ? new EventHubProducerClient(cs, options) : new EventHubProducerClient(cs, hub, options);
  }

  private producer(hub: string): Promise<Producer> {
    let p = this.producers.get(hub);
    if (!p) {
      p = this.newClient(hub).then((client) => ({ client }));
      this.producers.set(hub, p);
    }
    return p;
  }

  private async newBatch(p: Producer, key: { partitionKey?: string; partitionId?: string }): Promise<EventDataBatch> {
    if (p.limit === undefined) {
      const probe = await p.client.createBatch(key);
      p.limit = Math.min(probe.maxSizeInBytes, this.config.max_batch_bytes);
      if (p.limit === probe.maxSizeInBytes) return probe;
    }
    return p.client.createBatch({ ...key, maxSizeInBytes: p.limit });
  }

  private eventData(e: OutEvent): EventData {
    const env = e.envelope;
    return {
      body: Buffer.from(e.json),
      contentType: 'application/json',
      messageId: env.event_id,
      properties: {
        event_type: env.event_type,
        schema_version: env.schema_version,
        event_id: env.event_id,
        Table: env.event_type,
      },
    };
  }

  private async flush(p: Producer, batch: EventDataBatch): Promise<void> {
    this.inFlight++;
    this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.inFlight);
    try {
      await p.client.sendBatch(batch);
      this.stats.batches++;
      this.stats.events += batch.count;
      this.stats.bytes += batch.sizeInBytes;
      this.stats.capacity += batch.maxSizeInBytes;
    } finally {
      this.inFlight--;
    }
  }

  /** Sends the events of one partition key in order; after a failure the rest of the key fails too (order). */
  private async sendKey(p: Producer, events: readonly OutEvent[], at: number[], out: SendOutcome[]): Promise<void> {
    const key =
      this.config.partition_id === null
        ? { partitionKey: events[at[0]].envelope.partition_key }
        : { partitionId: this.config.partition_id };
    try {
      let batch = await this.newBatch(p, key);
      let held: number[] = [];
      for (const idx of at) {
        const e = events[idx];
        const data = this.eventData(e);
        if (batch.tryAdd(data)) {
          held.push(idx);
          continue;
        }
        if (held.length > 0) {
          await this.flush(p, batch);
          for (const h of held) out[h] = { ok: true };
          held = [];
          batch = await this.newBatch(p, key);
          if (batch.tryAdd(data)) {
            held.push(idx);
            continue;
          }
        }
        out[idx] = {
          ok: false,
          retriable: false,
          error: new DatagenError(
            'SINK_FATAL',
            `eventhubs sink: event ${e.envelope.event_id} (${e.envelope.event_type}, ${Buffer.byteLength(e.json)} bytes of JSON) does not fit in a batch of ${batch.maxSizeInBytes} bytes, the most the hub accepts`,
          ),
        };
      }
      if (held.length > 0) {
        await this.flush(p, batch);
        for (const h of held) out[h] = { ok: true };
      }
    } catch (err) {
      const error = sinkError(err);
      for (const idx of at) if (out[idx] === undefined) out[idx] = { ok: false, retriable: error.retriable, error };
    }
  }

  async send(batch: SinkBatch): Promise<SendOutcome[]> {
    let p: Producer;
    try {
      p = await this.producer(this.entityPath ?? batch.destination);
    } catch (err) {
      return allOutcomes(batch, { ok: false, retriable: false, error: sinkError(err, 'create client') });
    }
    const groups = new Map<string, number[]>();
    batch.events.forEach((e, i) => {
      const k = this.config.partition_id ?? e.envelope.partition_key;
      const g = groups.get(k);
      if (g) g.push(i);
      else groups.set(k, [i]);
    });
    const out: SendOutcome[] = new Array(batch.events.length);
    const queue = [...groups.values()];
    const worker = async () => {
      for (let g = queue.shift(); g; g = queue.shift()) await this.sendKey(p, batch.events, g, out);
    };
    await Promise.all(Array.from({ length: Math.min(this.config.max_concurrent_sends, queue.length) }, worker));
    return out;
  }

  async close(): Promise<void> {
    const all = [...this.producers.values()];
    this.producers.clear();
    await Promise.all(
      all.map(async (p) => {
        const client = (await p.catch(() => null))?.client;
        await client?.close().catch(() => {});
        // @azure/event-hubs 6.0.4 keeps a sender's token-renewal timer when its link was lost before close (a
        // detach or a dropped connection), which holds the process open for 45 minutes; stop what is reachable.
        const senders = (client as unknown as { _sendersMap?: Map<string, { authLoop?: { stop(): void } }> })
          ?._sendersMap;
        for (const sender of senders?.values() ?? []) sender.authLoop?.stop();
      }),
    );
  }

  /** Reads the hub's properties (partition count) within the operation timeout. */
  async check(): Promise<SinkHealth> {
    const c = this.credentials;
    if (!c) return { ok: false, detail: 'eventhubs sink: not open' };
    try {
      const { client } = await this.producer(c.hub);
      const props = await client.getEventHubProperties({ abortSignal: AbortSignal.timeout(this.config.timeout_ms) });
      return {
        ok: true,
        detail: `event hub ${props.name} on ${c.namespace}: ${props.partitionIds.length} partitions`,
        info: { ...this.target, partition_count: props.partitionIds.length, partition_ids: props.partitionIds },
      };
    } catch (err) {
      const e = sinkError(err, `read properties of ${c.namespace}/${c.hub}`);
      return { ok: false, detail: e.message, errorType: classify(err).type };
    }
  }
}
