// The 18 fact tables of the history: which events (or parts of events) fill each, and their columns, derived
// from the event definitions (payload fields plus event_id and event_ts).

import type { z } from 'zod';
import { type Column, columnsOf, columnsOfShape } from '../events/json-schema.js';
import { onlineOrderLine } from '../events/sales-payloads.js';
import type { EventType } from '../events/types.js';
import type { SimEvent } from '../simulate/event-buffer.js';

/** A cell: event_ts is a number (UTC ms); other times are ISO text. */
export type FactValue = string | number | boolean | null | readonly number[];

export interface FactColumn {
  name: string;
  sqlType: Column['sqlType'];
  nullable: boolean;
  description: string;
}

export interface FactTable {
  name: string;
  description: string;
  /** Event types that feed the table. */
  sources: readonly EventType[];
  columns: readonly FactColumn[];
  /**
   * The rows an event adds (none when it does not belong here). The arrays may be reused by the next call, so
   * take the values out before calling again.
   */
  rows: (e: SimEvent) => FactValue[][];
  /** One row per event with the payload's columns (the replay source rebuilds events from these tables). */
  oneRowPerEvent?: boolean;
  /**
   * Tables of one row per event: the payload fields of the columns after event_id, event_ts (and event_type when
   * the table has several sources), in column order; with `when`, the events of the sources it takes. The chunk
   * builder writes such rows straight from the event (chunk-builder.ts), `rows` does the same as plain values.
   */
  payloadFields?: readonly string[];
  when?: (e: SimEvent) => boolean;
}

const ID: FactColumn = { name: 'event_id', sqlType: 'VARCHAR', nullable: false, description: 'Stable event id.' };
const TS: FactColumn = {
  name: 'event_ts',
  sqlType: 'TIMESTAMP',
  nullable: false,
  description: 'Simulated time of the event (UTC).',
};
const TYPE: FactColumn = { name: 'event_type', sqlType: 'VARCHAR', nullable: false, description: 'Event type.' };

/** Union of the payload columns of several types; a column missing from one type is nullable. */
function unionColumns(types: readonly EventType[], drop: readonly string[] = []): FactColumn[] {
  const out = new Map<string, FactColumn>();
  for (const t of types) {
    for (const c of columnsOf(t)) {
      if (drop.includes(c.name)) continue;
      const prev = out.get(c.name);
      out.set(c.name, prev ? { ...prev, nullable: prev.nullable || c.nullable } : c);
    }
  }
  for (const [name, c] of out) {
    if (!types.every((t) => columnsOf(t).some((x) => x.name === name))) out.set(name, { ...c, nullable: true });
  }
  return [...out.values()];
}

/** A table with one row per event of the given types (filtered), columns from the payload. */
function eventTable(
  name: string,
  description: string,
  types: readonly EventType[],
  opts: { drop?: string[]; when?: (e: SimEvent) => boolean } = {},
): FactTable {
  const payloadCols = unionColumns(types, opts.drop);
  const withType = types.length > 1;
  const columns = [ID, TS, ...(withType ? [TYPE] : []), ...payloadCols];
  const names = payloadCols.map((c) => c.name);
  const set = new Set(types);
  // One row per event, copied out by the caller: a single array is refilled instead of one made per event.
  const row = new Array<FactValue>(columns.length).fill(null);
  const one = [row];
  const none: FactValue[][] = [];
  const first = withType ? 3 : 2;
  return {
    name,
    description,
    sources: types,
    columns,
    oneRowPerEvent: true,
    payloadFields: names,
    when: opts.when,
    rows: (e) => {
      if (!set.has(e.event_type) || (opts.when && !opts.when(e))) return none;
      row[0] = e.event_id;
      row[1] = e.ts;
      if (withType) row[2] = e.event_type;
      const p = e.payload;
      for (let i = 0; i < names.length; i++) row[first + i] = (p[names[i]] as FactValue | undefined) ?? null;
      return one;
    },
  };
}

const RESTOCK_REASONS = new Set(['RESTOCK', 'SUPPLIER_DELIVERY']);
const orderLineCols = columnsOfShape(onlineOrderLine.shape as Record<string, z.ZodType>, 'online_order_line');

/** Every fact table, in a stable order. */
export const FACT_TABLES: readonly FactTable[] = [
  eventTable('fact_receipts', 'Receipts (one row per receipt_created).', ['receipt_created']),
  eventTable('fact_receipt_lines', 'Receipt lines (receipt_line_added).', ['receipt_line_added']),
  eventTable('fact_payments', 'Payments, declined and approved (payment_processed).', ['payment_processed']),
  eventTable(
    'fact_store_inventory_txn',
    'Stock movements at stores (inventory_updated with store_id).',
    ['inventory_updated'],
    {
      drop: ['dc_id'],
      when: (e) => e.payload.store_id !== undefined,
    },
  ),
  eventTable('fact_dc_inventory_txn', 'Stock movements at DCs (inventory_updated with dc_id).', ['inventory_updated'], {
    drop: ['store_id'],
    when: (e) => e.payload.dc_id !== undefined,
  }),
  eventTable('fact_stockouts', 'Stockouts at stores and DCs (stockout_detected).', ['stockout_detected']),
  eventTable('fact_reorders', 'Reorders at stores and DCs (reorder_triggered).', ['reorder_triggered']),
  eventTable('fact_truck_moves', 'Truck arrivals and departures (truck_arrived, truck_departed).', [
    'truck_arrived',
    'truck_departed',
  ]),
  {
    name: 'fact_truck_inventory',
    description:
      'What trucks unloaded: one row per product of a delivery (from inventory_updated RESTOCK / SUPPLIER_DELIVERY).',
    sources: ['inventory_updated'],
    columns: [
      ID,
      TS,
      {
        name: 'shipment_id',
        sqlType: 'VARCHAR',
        nullable: false,
        description: 'Shipment unloaded (EXP-... for expedited deliveries).',
      },
      { name: 'store_id', sqlType: 'INTEGER', nullable: true, description: 'Receiving store.' },
      { name: 'dc_id', sqlType: 'INTEGER', nullable: true, description: 'Receiving DC.' },
      { name: 'product_id', sqlType: 'INTEGER', nullable: false, description: 'Product.' },
      { name: 'quantity', sqlType: 'INTEGER', nullable: false, description: 'Units unloaded.' },
    ],
    rows: (e) => {
      const p = e.payload;
      if (e.event_type !== 'inventory_updated' || !RESTOCK_REASONS.has(p.reason as string)) return [];
      return [
        [
          e.event_id,
          e.ts,
          p.source as string,
          (p.store_id as number) ?? null,
          (p.dc_id as number) ?? null,
          p.product_id as number,
          p.quantity_delta as number,
        ],
      ];
    },
  },
  eventTable('fact_foot_traffic', 'Customers entering stores (customer_entered).', ['customer_entered']),
  eventTable('fact_ble_pings', 'Beacon sightings of shoppers (ble_ping_detected).', ['ble_ping_detected']),
  eventTable('fact_customer_zone_changes', 'Shoppers moving between zones (customer_zone_changed).', [
    'customer_zone_changed',
  ]),
  eventTable('fact_store_ops', 'Store openings and closings (store_opened, store_closed).', [
    'store_opened',
    'store_closed',
  ]),
  eventTable('fact_marketing', 'Ad impressions (ad_impression).', ['ad_impression']),
  eventTable('fact_promotions', 'Promotions applied to receipts (promotion_applied).', ['promotion_applied']),
  {
    name: 'fact_promo_lines',
    description: 'One row per product discounted by a promotion (promotion_applied.product_ids).',
    sources: ['promotion_applied'],
    columns: [
      ID,
      TS,
      { name: 'receipt_id', sqlType: 'VARCHAR', nullable: false, description: 'Receipt discounted.' },
      { name: 'promo_code', sqlType: 'VARCHAR', nullable: false, description: 'Promotion code.' },
      { name: 'line_number', sqlType: 'INTEGER', nullable: false, description: 'Position in product_ids, from 1.' },
      { name: 'product_id', sqlType: 'INTEGER', nullable: false, description: 'Product discounted.' },
      { name: 'store_id', sqlType: 'INTEGER', nullable: false, description: 'Store.' },
      { name: 'customer_id', sqlType: 'INTEGER', nullable: false, description: 'Customer.' },
      { name: 'campaign_id', sqlType: 'VARCHAR', nullable: true, description: 'Campaign of the promotion.' },
    ],
    rows: (e) => {
      if (e.event_type !== 'promotion_applied') return [];
      const p = e.payload;
      return (p.product_ids as number[]).map((id, i) => [
        e.event_id,
        e.ts,
        p.receipt_id as string,
        p.promo_code as string,
        i + 1,
        id,
        p.store_id as number,
        p.customer_id as number,
        (p.campaign_id as string) ?? null,
      ]);
    },
  },
  eventTable('fact_online_order_headers', 'Online order lifecycle: created, picked, shipped (one row per event).', [
    'online_order_created',
    'online_order_picked',
    'online_order_shipped',
  ]),
  {
    name: 'fact_online_order_lines',
    description: 'Lines of online orders (online_order_created.lines).',
    sources: ['online_order_created'],
    columns: [
      ID,
      TS,
      { name: 'order_id', sqlType: 'VARCHAR', nullable: false, description: 'Online order.' },
      { name: 'line_number', sqlType: 'INTEGER', nullable: false, description: 'Position in the order, from 1.' },
      ...orderLineCols,
      { name: 'node_type', sqlType: 'VARCHAR', nullable: false, description: 'STORE or DC fulfilling the order.' },
      { name: 'node_id', sqlType: 'INTEGER', nullable: false, description: 'Id of the fulfilling store or DC.' },
    ],
    rows: (e) => {
      if (e.event_type !== 'online_order_created') return [];
      const p = e.payload;
      const lines = p.lines as Record<string, FactValue>[];
      return lines.map((l, i) => [
        e.event_id,
        e.ts,
        p.order_id as string,
        i + 1,
        ...orderLineCols.map((c) => l[c.name] ?? null),
        p.node_type as string,
        p.node_id as number,
      ]);
    },
  },
];

/** The tables fed by each event type. */
export const TABLES_BY_TYPE: ReadonlyMap<EventType, readonly FactTable[]> = (() => {
  const m = new Map<EventType, FactTable[]>();
  for (const t of FACT_TABLES) {
    for (const s of t.sources) m.set(s, [...(m.get(s) ?? []), t]);
  }
  return m;
})();

/** Text columns whose values are (nearly) all different: identifiers of events, receipts, orders, payments, ads. */
const UNIQUE_TEXT = new Set(['event_id', 'receipt_id', 'order_id', 'transaction_id', 'impression_id']);

/**
 * The compression of a text column, chosen here rather than by DuckDB: left to choose, DuckDB tries every method on
 * every segment when it writes, which cost about a third of the history's commit time (bench/history.ts: commit
 * 7.4 s -> 4.9 s for 5M events, file 184 -> 187 MB). Identifiers get FSST (what DuckDB picked for them), the
 * repeated codes and names a dictionary; DuckDB still stores a segment uncompressed where the method does not fit.
 * Numbers stay automatic (bit packing, RLE, constant: cheap to choose).
 */
export function textCompression(c: FactColumn): 'fsst' | 'dictionary' | null {
  if (c.sqlType !== 'VARCHAR') return null;
  return UNIQUE_TEXT.has(c.name) ? 'fsst' : 'dictionary';
}

/** CREATE TABLE for a fact table. */
export function createFactTableSql(t: FactTable): string {
  const cols = t.columns.map((c) => {
    const compression = textCompression(c);
    return `  ${c.name} ${c.sqlType}${compression ? ` USING COMPRESSION ${compression}` : ''}${c.nullable ? '' : ' NOT NULL'}`;
  });
  return `CREATE TABLE IF NOT EXISTS ${t.name} (\n${cols.join(',\n')}\n)`;
}
