// Stock movements at a store or DC, with the events they cause: inventory updates, stockouts and reorders.

import type { EventBuffer } from './event-buffer.js';
import { iso } from './event-buffer.js';
import { available, type NodeState } from './state.js';

export type InventoryReason = 'SALE' | 'ONLINE_PICK' | 'RESTOCK' | 'SHIPMENT_OUT' | 'SUPPLIER_DELIVERY';

/** Where stock sits: a store or a DC, with its reorder policy. */
export interface StockNode {
  kind: 'store' | 'dc';
  id: number;
  state: NodeState;
  buf: EventBuffer;
  reorderPoint: (productIndex: number) => number;
  target: (productIndex: number) => number;
}

/** An inventory_updated payload; built as one literal per kind (object spread is costly on this hot path). */
function inventoryPayload(
  node: StockNode,
  p: number,
  delta: number,
  reason: InventoryReason,
  source: string,
  after: number,
) {
  return node.kind === 'store'
    ? { store_id: node.id, product_id: p + 1, quantity_delta: delta, reason, source, quantity_after: after }
    : { dc_id: node.id, product_id: p + 1, quantity_delta: delta, reason, source, quantity_after: after };
}

function nodeFields(node: StockNode): Record<string, number> {
  return node.kind === 'store' ? { store_id: node.id } : { dc_id: node.id };
}

/**
 * Takes units out of stock (the caller never takes more than is on hand), then reports a stockout at zero and
 * a reorder when what is left to sell falls to the reorder point.
 */
export function takeStock(
  node: StockNode,
  p: number,
  qty: number,
  ts: number,
  reason: InventoryReason,
  source: string,
  trace: string,
): void {
  const s = node.state;
  s.stock[p] -= qty;
  node.buf.add('inventory_updated', ts, inventoryPayload(node, p, -qty, reason, source, s.stock[p]), trace, source);
  if (s.stock[p] === 0) {
    node.buf.add(
      'stockout_detected',
      ts,
      { ...nodeFields(node), product_id: p + 1, last_known_quantity: 0, detection_time: iso(ts) },
      trace,
      source,
    );
  }
  checkReorder(node, p, ts, trace, source);
}

/** Reorders a product whose sellable units are at or below its reorder point, once until it is restocked. */
export function checkReorder(node: StockNode, p: number, ts: number, trace: string, source?: string): void {
  const s = node.state;
  if (s.onOrder[p] === 1) return;
  const left = available(s, p);
  const rp = node.reorderPoint(p);
  if (left > rp) return;
  const qty = Math.max(1, node.target(p) - left);
  s.onOrder[p] = 1;
  s.ordersToday.push({ productIndex: p, quantity: qty });
  const priority = left <= 0 ? 'URGENT' : left <= rp / 2 ? 'HIGH' : 'NORMAL';
  node.buf.add(
    'reorder_triggered',
    ts,
    {
      ...nodeFields(node),
      product_id: p + 1,
      current_quantity: Math.max(0, s.stock[p]),
      reorder_quantity: qty,
      reorder_point: rp,
      priority,
    },
    trace,
    source,
  );
}

/** Puts units into stock (a delivery) and closes the product's open reorder. */
export function addStock(
  node: StockNode,
  p: number,
  qty: number,
  ts: number,
  reason: InventoryReason,
  source: string,
  trace: string,
): void {
  const s = node.state;
  s.stock[p] += qty;
  s.onOrder[p] = 0;
  node.buf.add('inventory_updated', ts, inventoryPayload(node, p, qty, reason, source, s.stock[p]), trace, source);
}
