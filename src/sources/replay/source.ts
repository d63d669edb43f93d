// The replay source: stored history read back from DuckDB in event-time order between two instants, optionally
// re-stamped to now so that dashboards look live, and paced like the simulator source.

import type { EventEnvelope } from '../../events/envelope.js';
import type { EventType } from '../../events/types.js';
import { iso } from '../../simulate/event-buffer.js';
import type { Database } from '../../store/database.js';
import { FACT_TABLES } from '../../store/fact-tables.js';
import { abortableSleep, dueAt, type Pacing, waitOrAbort } from '../simulator/pacing.js';
import type { Source, SourceEvent } from '../types.js';
import { pageSql } from './query.js';

export interface ReplaySourceOptions {
  db: Database;
  /** Inclusive start, exclusive end (UTC ms). */
  from: number;
  to: number;
  pacing: Pacing;
  /** Shift event times (and the payload's times) so that the first event is at the start of the replay. */
  restamp?: boolean;
  pageSize?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const TIME_FIELDS = new Set(
  FACT_TABLES.flatMap((t) =>
    t.columns.filter((c) => c.sqlType === 'TIMESTAMP' && c.name !== 'event_ts').map((c) => c.name),
  ),
);

/** The partition key of a stored event (the same rule the simulator follows). */
export function partitionKeyOf(type: string, p: Record<string, unknown>): string {
  if (type.startsWith('online_order_')) return p.node_type === 'DC' ? `dc_${p.node_id}` : `store_${p.node_id}`;
  if (type === 'payment_processed' && p.store_id === undefined && typeof p.order_id === 'string') {
    const m = /^OD(\d+)-/.exec(p.order_id);
    if (m) return `dc_${m[1]}`;
  }
  if (type === 'truck_arrived' || type === 'truck_departed')
    return p.store_id !== undefined ? `store_${p.store_id}` : `dc_${p.dc_id}`;
  if (p.store_id !== undefined) return `store_${p.store_id}`;
  if (p.dc_id !== undefined) return `dc_${p.dc_id}`;
  return 'online';
}

function correlationOf(p: Record<string, unknown>): string | undefined {
  const c = p.receipt_id ?? p.order_id ?? p.shipment_id ?? p.source ?? p.campaign_id;
  return typeof c === 'string' ? c : undefined;
}

interface StoredEvent {
  event_id: string;
  event_ts: string;
  event_type: string;
  payload: string;
}

export class ReplaySource implements Source {
  readonly name = 'replay';
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(private readonly opts: ReplaySourceOptions) {
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? abortableSleep;
  }

  describe(): Record<string, unknown> {
    return {
      source: this.name,
      from: iso(this.opts.from),
      to: iso(this.opts.to),
      restamp: this.opts.restamp ?? false,
      pacing: this.opts.pacing,
    };
  }

  async *batches(after: number, signal: AbortSignal): AsyncGenerator<SourceEvent[]> {
    const { db, pacing } = this.opts;
    let seq = 0;
    let cursor: { ts: string; id: string } | null = null;
    let startWall = 0;
    let startSim = 0;
    for (;;) {
      const rows: StoredEvent[] = await db.all<StoredEvent>(
        pageSql({ from: iso(this.opts.from), to: iso(this.opts.to), after: cursor, limit: this.opts.pageSize ?? 5000 }),
      );
      if (rows.length === 0) return;
      const out: SourceEvent[] = [];
      for (const r of rows) {
        if (signal.aborted) return;
        cursor = { ts: r.event_ts, id: r.event_id };
        seq++;
        if (seq <= after) continue;
        const ts = Date.parse(r.event_ts);
        if (startWall === 0) {
          startWall = this.now();
          startSim = ts;
        }
        const wait = dueAt(pacing, startWall, startSim, ts, seq - after - 1) - this.now();
        if (wait > 0) {
          if (out.length > 0) yield out.splice(0);
          await waitOrAbort(this.sleep, wait, signal);
          if (signal.aborted) return;
        }
        out.push({ envelope: this.envelope(r, ts, startWall - startSim), seq });
      }
      if (out.length > 0) yield out;
    }
  }

  private envelope(
    r: { event_id: string; event_type: string; payload: string },
    ts: number,
    shift: number,
  ): EventEnvelope {
    const raw = JSON.parse(r.payload) as Record<string, unknown>;
    const payload: Record<string, unknown> = {};
    // Stored NULLs are optional fields that were absent.
    for (const [k, v] of Object.entries(raw)) {
      if (v === null) continue;
      payload[k] = this.opts.restamp && TIME_FIELDS.has(k) && typeof v === 'string' ? iso(Date.parse(v) + shift) : v;
    }
    const eventTs = this.opts.restamp ? ts + shift : ts;
    const correlation = correlationOf(payload);
    return {
      event_type: r.event_type as EventType,
      event_id: r.event_id,
      event_ts: iso(eventTs),
      payload,
      trace_id: `TR_${Math.floor(ts / 1000)}_${correlation ?? r.event_id}`,
      ingest_timestamp: iso(this.now()),
      schema_version: '1.0',
      source: 'retail-datagen',
      ...(correlation ? { correlation_id: correlation } : {}),
      partition_key: partitionKeyOf(r.event_type, payload),
    } as EventEnvelope;
  }
}
