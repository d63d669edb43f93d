// The Event Hubs sink: an EventHubProducerClient per hub. Events reach partitions by a stable hash of their
// partition_key (default: a partition's batch carries many stores), by the key itself (Event Hubs hashes it; a batch
// holds one key) or to one fixed partition; each batch is packed with createBatch up to the size limit, so no send is
// refused for size. When the pipeline allows it (SinkBatch.holdSince), the partly filled last batch of a partition is
// held back, kept open, and filled further with the next events, so batches leave full at high rates. Every event
// carries event_type, schema_version, event_id and Table=<event_type> (Fabric Eventstream routes on it) and content
// type application/json.

import type { EventData, EventDataBatch, EventHubProducerClient } from '@azure/event-hubs';
import { DatagenError } from '../../errors.js';
import { SCHEMA_VERSION } from '../../events/envelope.js';
import {
  allOutcomes,
  eventBytes,
  eventId,
  eventKey,
  eventType,
  mayHold,
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
  /** The hub's partition ids, once read (hash routing). */
  partitionIds?: Promise<string[]>;
  /** partition_key -> where its events go on this hub (hash routing: partitions differ from hub to hub). */
  routes: Map<string, Route>;
}

interface Route {
  /** The name its batches are kept under (one send at a time each). */
  name: string;
  target: Target;
}

type Target = { partitionKey: string } | { partitionId: string };

/** A batch held back open, with the stream positions of the events already in it. */
interface OpenBatch {
  batch: EventDataBatch;
  seqs: number[];
}

/** FNV-1a (32 bits) of a string's UTF-16 code units: stable across runs and machines. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The partition a key goes to under hash routing. */
export function partitionFor(key: string, partitionIds: readonly string[]): string {
  return partitionIds[fnv1a(key) % partitionIds.length];
}

const MEMO_LIMIT = 100_000;

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
  /** Most batches in flight at once to one partition (or key). */
  maxInFlightPerPartition: number;
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
  readonly stats: EventHubsSinkStats = {
    batches: 0,
    events: 0,
    bytes: 0,
    capacity: 0,
    maxInFlight: 0,
    maxInFlightPerPartition: 0,
  };
  private credentials?: EventHubsCredentials;
  private entityPath?: string;
  private readonly producers = new Map<string, Promise<Producer>>();
  private inFlight = 0;
  private readonly inFlightByTarget = new Map<string, number>();
  /** Batches held back open, by hub and partition. */
  private readonly held = new Map<string, OpenBatch>();

  constructor(
    private readonly config: EventHubsSinkConfig,
    private readonly opts: EventHubsSinkOptions,
  ) {}

  /** Resolves the credentials and checks that the hub answers; refused credentials or a missing hub fail here. */
  async open(): Promise<void> {
    const creds = await resolveCredentials(this.opts.config, this.config, this.opts.readSecret);
    this.credentials = creds;
    if (creds.source !== 'entra_id') this.entityPath = parseConnectionString(creds.connectionString, '').entityPath;
    const p = await this.producer(creds.hub);
    try {
      const props = await p.client.getEventHubProperties({ abortSignal: AbortSignal.timeout(this.config.timeout_ms) });
      p.partitionIds = Promise.resolve(props.partitionIds);
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
      p = this.newClient(hub).then((client) => ({ client, routes: new Map() }));
      this.producers.set(hub, p);
    }
    return p;
  }

  private async newBatch(p: Producer, key: Target): Promise<EventDataBatch> {
    if (p.limit === undefined) {
      const probe = await p.client.createBatch(key);
      p.limit = Math.min(probe.maxSizeInBytes, this.config.max_batch_bytes);
      if (p.limit === probe.maxSizeInBytes) return probe;
    }
    return p.client.createBatch({ ...key, maxSizeInBytes: p.limit });
  }

  private eventData(e: OutEvent): EventData {
    const id = eventId(e);
    const type = eventType(e);
    return {
      body: eventBytes(e),
      contentType: 'application/json',
      messageId: id,
      properties: {
        event_type: type,
        // Retail and record envelopes have one schema version.
        schema_version: SCHEMA_VERSION,
        event_id: id,
        Table: type,
      },
    };
  }

  private async flush(p: Producer, target: string, batch: EventDataBatch): Promise<void> {
    this.inFlight++;
    const onTarget = (this.inFlightByTarget.get(target) ?? 0) + 1;
    this.inFlightByTarget.set(target, onTarget);
    this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.inFlight);
    this.stats.maxInFlightPerPartition = Math.max(this.stats.maxInFlightPerPartition, onTarget);
    try {
      await p.client.sendBatch(batch);
      this.stats.batches++;
      this.stats.events += batch.count;
      this.stats.bytes += batch.sizeInBytes;
      this.stats.capacity += batch.maxSizeInBytes;
    } finally {
      this.inFlight--;
      const left = (this.inFlightByTarget.get(target) ?? 1) - 1;
      if (left > 0) this.inFlightByTarget.set(target, left);
      else this.inFlightByTarget.delete(target);
    }
  }

  /** Where an event of this key goes on the producer's hub. */
  private route(p: Producer, key: string, partitionIds: readonly string[] | null): Route {
    let r = p.routes.get(key);
    if (r === undefined) {
      if (p.routes.size >= MEMO_LIMIT) p.routes.clear();
      const id = this.config.partition_id ?? (partitionIds ? partitionFor(key, partitionIds) : null);
      r =
        id === null
          ? { name: `k${key}`, target: { partitionKey: key } }
          : { name: `p${id}`, target: { partitionId: id } };
      p.routes.set(key, r);
    }
    return r;
  }

  /**
   * Sends the events of one partition (or key) in order, into the batch held back for it when the events it holds
   * come first again; after a failure the rest fails too (order). The partly filled last batch is held back open
   * instead of sent when the pipeline allows it for all its events (young enough, none urgent).
   */
  private async sendGroup(
    p: Producer,
    hub: string,
    group: Route & { at: number[] },
    batch: SinkBatch,
    out: SendOutcome[],
  ): Promise<void> {
    const events = batch.events;
    const { name, target, at } = group;
    const heldKey = `${hub}\u0000${name}`;
    const open = this.held.get(heldKey);
    this.held.delete(heldKey);
    try {
      let unit: EventDataBatch;
      let inBatch: number[] = [];
      let from = 0;
      if (open && open.seqs.length <= at.length && open.seqs.every((seq, i) => events[at[i]].seq === seq)) {
        unit = open.batch;
        inBatch = at.slice(0, open.seqs.length);
        from = open.seqs.length;
      } else {
        unit = await this.newBatch(p, target);
      }
      for (let i = from; i < at.length; i++) {
        const idx = at[i];
        const e = events[idx];
        const data = this.eventData(e);
        if (unit.tryAdd(data)) {
          inBatch.push(idx);
          continue;
        }
        if (inBatch.length > 0) {
          await this.flush(p, name, unit);
          for (const h of inBatch) out[h] = { ok: true };
          inBatch = [];
          unit = await this.newBatch(p, target);
          if (unit.tryAdd(data)) {
            inBatch.push(idx);
            continue;
          }
        }
        out[idx] = {
          ok: false,
          retriable: false,
          error: new DatagenError(
            'SINK_FATAL',
            `eventhubs sink: event ${eventId(e)} (${eventType(e)}, ${eventBytes(e).byteLength} bytes of JSON) does not fit in a batch of ${unit.maxSizeInBytes} bytes, the most the hub accepts`,
          ),
        };
      }
      if (inBatch.length === 0) return;
      if (inBatch.every((h) => mayHold(batch, events[h]))) {
        this.held.set(heldKey, { batch: unit, seqs: inBatch.map((h) => events[h].seq) });
        for (const h of inBatch) out[h] = { ok: false, held: true };
        return;
      }
      await this.flush(p, name, unit);
      for (const h of inBatch) out[h] = { ok: true };
    } catch (err) {
      const error = sinkError(err);
      for (const idx of at) if (out[idx] === undefined) out[idx] = { ok: false, retriable: error.retriable, error };
    }
  }

  async send(batch: SinkBatch): Promise<SendOutcome[]> {
    const hub = this.entityPath ?? batch.destination;
    let p: Producer;
    let partitionIds: string[] | null = null;
    try {
      p = await this.producer(hub);
    } catch (err) {
      return allOutcomes(batch, { ok: false, retriable: false, error: sinkError(err, 'create client') });
    }
    if (this.config.partition_id === null && this.config.partition_routing === 'hash') {
      try {
        p.partitionIds ??= p.client
          .getEventHubProperties({ abortSignal: AbortSignal.timeout(this.config.timeout_ms) })
          .then((props) => props.partitionIds);
        partitionIds = await p.partitionIds;
      } catch (err) {
        p.partitionIds = undefined;
        const error = sinkError(err, `read the partitions of ${hub}`);
        return allOutcomes(batch, { ok: false, retriable: error.retriable, error });
      }
    }
    const groups = new Map<string, Route & { at: number[] }>();
    batch.events.forEach((e, i) => {
      const { name, target } = this.route(p, eventKey(e), partitionIds);
      const g = groups.get(name);
      if (g) g.at.push(i);
      else groups.set(name, { name, target, at: [i] });
    });
    const out: SendOutcome[] = new Array(batch.events.length);
    const queue = [...groups.values()];
    const worker = async () => {
      for (let g = queue.shift(); g; g = queue.shift()) await this.sendGroup(p, hub, g, batch, out);
    };
    await Promise.all(Array.from({ length: Math.min(this.config.max_concurrent_sends, queue.length) }, worker));
    return out;
  }

  async close(): Promise<void> {
    // Held batches are not acknowledged: the pipeline sends their events again (it drains with batches sent whole).
    this.held.clear();
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
