// State that crosses days: stock, reservations and open work of each store and DC, and its snapshot format.

import type { SimContext } from './context.js';

export interface ShipmentLine {
  productIndex: number;
  quantity: number;
}

/** Goods on their way from a DC to a store, or from a supplier to a DC. */
export interface Shipment {
  id: string;
  truckId: number;
  dcId: number;
  /** Destination store; 0 for supplier deliveries to the DC. */
  storeId: number;
  refrigerated: boolean;
  departAt: number;
  arriveAt: number;
  estimatedUnloadMin: number;
  actualUnloadMin: number;
  lines: ShipmentLine[];
  /** Set once truck_arrived is out (unloading may end the next day). */
  arrived?: boolean;
}

export interface OrderLine {
  productIndex: number;
  quantity: number;
  unitCents: number;
}

/** An online order that is placed but not yet shipped. */
export interface OpenOrder {
  id: string;
  customerId: number;
  mode: 'SHIP_FROM_STORE' | 'SHIP_FROM_DC' | 'BOPIS' | 'CURBSIDE';
  itemCount: number;
  lines: OrderLine[];
  pickAt: number;
  shipAt: number;
  trace: string;
  picked: boolean;
}

export interface NodeState {
  /** Units on hand per product (index = product id - 1). */
  stock: Int32Array;
  /** Units promised to open online orders (never more than on hand). */
  reserved: Int32Array;
  /** 1 while a reorder of the product is open. */
  onOrder: Uint8Array;
  /** Reorders made today, shipped together after the day ends. */
  ordersToday: ShipmentLine[];
  /** Inbound shipments not yet unloaded. */
  inbound: Shipment[];
  openOrders: OpenOrder[];
}

function emptyState(n: number): NodeState {
  return {
    stock: new Int32Array(n),
    reserved: new Int32Array(n),
    onOrder: new Uint8Array(n),
    ordersToday: [],
    inbound: [],
    openOrders: [],
  };
}

/** A store's state at the start of the history: every product at its shelf target. */
export function initialStoreState(ctx: SimContext, storeId: number): NodeState {
  const s = emptyState(ctx.productCount);
  for (let p = 0; p < ctx.productCount; p++) s.stock[p] = ctx.storeTarget(storeId, p);
  return s;
}

export function initialDcState(ctx: SimContext, dcId: number): NodeState {
  const s = emptyState(ctx.productCount);
  for (let p = 0; p < ctx.productCount; p++) s.stock[p] = ctx.dcTarget(dcId, p);
  return s;
}

/** Units that can still be sold or promised. */
export function available(s: NodeState, p: number): number {
  return s.stock[p] - s.reserved[p];
}

/** A JSON-safe snapshot (typed arrays as base64). */
export function snapshotOf(s: NodeState): string {
  const b64 = (a: Int32Array | Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
  return JSON.stringify({ ...s, stock: b64(s.stock), reserved: b64(s.reserved), onOrder: b64(s.onOrder) });
}

export function stateFromSnapshot(text: string): NodeState {
  const o = JSON.parse(text) as Omit<NodeState, 'stock' | 'reserved' | 'onOrder'> & {
    stock: string;
    reserved: string;
    onOrder: string;
  };
  const i32 = (b: string) => {
    const buf = Buffer.from(b, 'base64');
    return new Int32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  };
  return {
    ...o,
    stock: i32(o.stock),
    reserved: i32(o.reserved),
    onOrder: new Uint8Array(Buffer.from(o.onOrder, 'base64')),
  };
}
