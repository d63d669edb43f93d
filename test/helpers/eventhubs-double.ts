// A protocol double of Azure Event Hubs: a local AMQP 1.0 peer (on rhea) that plays the service side for
// @azure/event-hubs. It answers claims-based security on $cbs and READ requests on $management, accepts sender
// links to <hub> and <hub>/Partitions/<id>, decodes batched transfers (format 0x80013700) into their events and
// records them; it can reject tokens, refuse a missing hub, answer server-busy, detach links or drop connections.
// It is not Event Hubs: it keeps no log, has no consumers and enforces only the message size it announces.

import type { AddressInfo, Server, Socket } from 'node:net';
import rhea, { type Connection, type Delivery, type EventContext, type Message, type Sender } from 'rhea';

/** The message format of a batch of events (one AMQP message holding the encoded events as data sections). */
export const BATCH_FORMAT = 0x80013700;

export interface ReceivedEvent {
  /** The event body as text (the sink sends JSON bytes). */
  body: string;
  contentType?: string;
  properties: Record<string, unknown>;
  partitionKey?: string;
  /** Link address it arrived on: the hub, or `<hub>/Partitions/<id>`. */
  address: string;
}

export interface ReceivedBatch {
  address: string;
  /** Size of the encoded transfer. */
  bytes: number;
  partitionKey?: string;
  /** Events in the batch (also when they are not kept). */
  count: number;
  /** The events, decoded (empty unless the double keeps them). */
  events: ReceivedEvent[];
}

export interface DoubleOptions {
  hub?: string;
  partitions?: number;
  /** Announced on every sender link; the SDK fills batches up to it. */
  maxMessageSize?: number;
  /** Decode and keep every event (default); false keeps only each batch's size and count (long benchmarks). */
  keepEvents?: boolean;
}

type Fault = { condition: string; description: string };

function annotationsOf(m: Message): Record<string, unknown> {
  return (m.message_annotations ?? {}) as Record<string, unknown>;
}

function textOf(body: unknown): string {
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  const typed = body as { typecode?: number; content?: unknown };
  if (typed && typeof typed === 'object' && typed.content !== undefined) return textOf(typed.content);
  return typeof body === 'string' ? body : JSON.stringify(body);
}

/**
 * A local stand-in for an Event Hubs namespace, reachable with a `UseDevelopmentEmulator=true` connection string.
 * @example const eh = await EventHubsDouble.start({ hub: 'retail-events' }); process.env.X = eh.connectionString();
 */
export class EventHubsDouble {
  readonly batches: ReceivedBatch[] = [];
  /** Tokens presented on $cbs (audiences), in order. */
  readonly tokens: string[] = [];
  /** Management requests answered (type of each). */
  readonly managementRequests: string[] = [];
  /** Answer put-token with 401 while true. */
  rejectTokens = false;
  /** Refuse sender links to the hub with amqp:not-found while true. */
  hubMissing = false;
  /** Transfers still to reject, in order, before accepting again. */
  private faults: Fault[] = [];
  private readonly connections = new Set<Connection>();
  private readonly senders = new Map<Connection, Sender[]>();
  private readonly hubLinks = new Set<{ close: (e?: unknown) => void; is_open: () => boolean }>();
  private readonly container = rhea.create_container({ id: 'eventhubs-double' });
  private server!: Server;
  private readonly sockets = new Set<Socket>();
  readonly hub: string;
  readonly partitionIds: string[];
  readonly maxMessageSize: number;

  private constructor(opts: DoubleOptions) {
    this.hub = opts.hub ?? 'retail-events';
    this.partitionIds = Array.from({ length: opts.partitions ?? 4 }, (_, i) => String(i));
    this.maxMessageSize = opts.maxMessageSize ?? 1_048_576;
    this.keepEvents = opts.keepEvents ?? true;
  }

  private readonly keepEvents: boolean;

  static async start(opts: DoubleOptions = {}): Promise<EventHubsDouble> {
    const d = new EventHubsDouble(opts);
    await d.listen();
    return d;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** A connection string to this double; the key is made up here and means nothing. */
  connectionString(opts: { entityPath?: string | null; key?: string } = {}): string {
    const entity = opts.entityPath === undefined ? this.hub : opts.entityPath;
    return [
      `Endpoint=sb://127.0.0.1:${this.port}/`,
      'SharedAccessKeyName=RootManageSharedAccessKey',
      `SharedAccessKey=${opts.key ?? 'double-key-not-a-secret'}`,
      ...(entity ? [`EntityPath=${entity}`] : []),
      'UseDevelopmentEmulator=true',
    ].join(';');
  }

  /** Every event received, in arrival order. */
  events(): ReceivedEvent[] {
    return this.batches.flatMap((b) => b.events);
  }

  /** Rejects the next `n` transfers with the given AMQP error condition (e.g. com.microsoft:server-busy). */
  failNextTransfers(n: number, condition: string, description = `injected ${condition}`): void {
    for (let i = 0; i < n; i++) this.faults.push({ condition, description });
  }

  /** Detaches every sender link to the hub (the service moving a partition). */
  detachLinks(condition = 'amqp:link:detach-forced'): void {
    for (const l of this.hubLinks) if (l.is_open()) l.close({ condition, description: 'injected detach' });
    this.hubLinks.clear();
  }

  /** Drops every connection at the socket, as a network failure would. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
    this.connections.clear();
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    for (const socket of this.sockets) socket.destroy();
    this.connections.clear();
    await closed;
  }

  private async listen(): Promise<void> {
    const c = this.container;
    c.sasl_server_mechanisms.enable_anonymous();
    c.sasl_server_mechanisms.enable_plain(() => true);
    c.on('connection_open', (ctx: EventContext) => {
      this.connections.add(ctx.connection);
    });
    c.on('connection_close', (ctx: EventContext) => this.connections.delete(ctx.connection));
    c.on('disconnected', (ctx: EventContext) => this.connections.delete(ctx.connection));
    c.on('sender_open', (ctx: EventContext) => {
      const list = this.senders.get(ctx.connection) ?? [];
      list.push(ctx.sender!);
      this.senders.set(ctx.connection, list);
    });
    c.on('receiver_open', (ctx: EventContext) => this.onReceiverOpen(ctx));
    c.on('message', (ctx: EventContext) => this.onMessage(ctx));
    // No transfer is accepted unless onMessage says so: a dropped one must look unsettled to the client.
    this.server = c.listen({ port: 0, host: '127.0.0.1', autoaccept: false } as never) as unknown as Server;
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      this.server.once('listening', () => resolve());
      this.server.once('error', reject);
    });
  }

  /** The client attached a sender: our receiving end. */
  private onReceiverOpen(ctx: EventContext): void {
    const receiver = ctx.receiver!;
    const address = (receiver.target as { address?: string } | undefined)?.address ?? '';
    const attach = (receiver as unknown as { local: { attach: Record<string, unknown> } }).local.attach;
    if (address === '$cbs' || address === '$management') return;
    const partition = /^(.+)\/Partitions\/(\d+)$/.exec(address);
    const hub = partition ? partition[1] : address;
    const known = !this.hubMissing && hub === this.hub && (!partition || this.partitionIds.includes(partition[2]));
    if (!known) {
      receiver.close({
        condition: 'amqp:not-found',
        description: `The messaging entity 'sb://127.0.0.1/${address}' could not be found. status-code: 404`,
      });
      return;
    }
    // The SDK sizes its batches by the max_message_size of this answer.
    attach.max_message_size = this.maxMessageSize;
    this.hubLinks.add(receiver as unknown as { close: (e?: unknown) => void; is_open: () => boolean });
  }

  private reply(ctx: EventContext, request: Message, status: number, body?: unknown, description?: string): void {
    const to = request.reply_to;
    const sender = (this.senders.get(ctx.connection) ?? []).find(
      (s) => s.is_open() && (s.name === to || (s.target as { address?: string } | undefined)?.address === to),
    );
    sender?.send({
      correlation_id: request.message_id,
      to,
      application_properties: {
        'status-code': status,
        'status-description': description ?? (status < 300 ? 'OK' : 'Unauthorized'),
      },
      body,
    });
  }

  private onMessage(ctx: EventContext): void {
    const receiver = ctx.receiver!;
    const address = (receiver.target as { address?: string } | undefined)?.address ?? '';
    const delivery = ctx.delivery as Delivery;
    if (address === '$cbs') {
      const m = ctx.message as Message;
      const props = (m.application_properties ?? {}) as Record<string, unknown>;
      this.tokens.push(String(props.name));
      delivery.accept();
      this.reply(ctx, m, this.rejectTokens ? 401 : 202);
      return;
    }
    if (address === '$management') {
      const m = ctx.message as Message;
      const props = (m.application_properties ?? {}) as Record<string, unknown>;
      delivery.accept();
      this.managementRequests.push(String(props.type));
      if (this.hubMissing || props.name !== this.hub) {
        this.reply(
          ctx,
          m,
          404,
          undefined,
          `The messaging entity 'sb://127.0.0.1/${String(props.name)}' could not be found.`,
        );
      } else if (props.type === 'com.microsoft:partition') {
        const id = String(props.partition);
        this.reply(ctx, m, 200, {
          name: this.hub,
          partition: id,
          begin_sequence_number: 0,
          last_enqueued_sequence_number: -1,
          last_enqueued_offset: '-1',
          last_enqueued_time_utc: new Date(0),
          is_partition_empty: true,
        });
      } else {
        this.reply(ctx, m, 200, {
          name: this.hub,
          created_at: new Date('2024-01-01T00:00:00Z'),
          partition_count: this.partitionIds.length,
          partition_ids: this.partitionIds,
        });
      }
      return;
    }
    // Transfers that cross our detach are not accepted by the service: the client sends them again.
    if (!receiver.is_open()) return;
    const fault = this.faults.shift();
    if (fault) {
      delivery.reject({ condition: fault.condition, description: fault.description });
      return;
    }
    const raw = ctx.message as unknown;
    const batch = this.decode(address, raw, (ctx as unknown as { format?: number }).format ?? 0);
    this.batches.push(batch);
    delivery.accept();
  }

  private decode(address: string, raw: unknown, format: number): ReceivedBatch {
    const eventOf = (m: Message): ReceivedEvent => ({
      body: textOf(m.body),
      contentType: m.content_type,
      properties: (m.application_properties ?? {}) as Record<string, unknown>,
      partitionKey: annotationsOf(m)['x-opt-partition-key'] as string | undefined,
      address,
    });
    if (format !== BATCH_FORMAT) {
      const m = raw as Message;
      const e = eventOf(m);
      return {
        address,
        bytes: Buffer.byteLength(e.body),
        partitionKey: e.partitionKey,
        count: 1,
        events: this.keepEvents ? [e] : [],
      };
    }
    const buffer = raw as Buffer;
    const envelope = rhea.message.decode(buffer) as unknown as Message;
    const body = envelope.body as { multiple?: boolean; content?: unknown } | Buffer;
    const sections: Buffer[] = Buffer.isBuffer(body)
      ? [body]
      : Array.isArray(body)
        ? (body as Buffer[])
        : Array.isArray(body?.content)
          ? (body.content as Buffer[])
          : [body?.content as Buffer];
    return {
      address,
      bytes: buffer.length,
      partitionKey: annotationsOf(envelope)['x-opt-partition-key'] as string | undefined,
      count: sections.length,
      events: this.keepEvents ? sections.map((s) => eventOf(rhea.message.decode(s) as unknown as Message)) : [],
    };
  }
}
