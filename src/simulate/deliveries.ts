// A truck delivering a shipment: arrival, unloading into stock, departure. The same for a store receiving from
// its DC and a DC receiving from a supplier.

import type { Agenda } from './agenda.js';
import { iso } from './event-buffer.js';
import type { Shipment } from './state.js';
import { addStock, type InventoryReason, type StockNode } from './stock.js';

/**
 * Emits truck_arrived (once, even if unloading ends the next day) and schedules the unloading: stock in, then
 * truck_departed; the shipment leaves the node's inbound list when it is unloaded.
 */
export function receiveShipment(node: StockNode, agenda: Agenda, s: Shipment, reason: InventoryReason): void {
  const trace = `TR_${Math.floor(s.arriveAt / 1000)}_${s.id}`;
  const where = s.storeId > 0 ? { dc_id: s.dcId, store_id: s.storeId } : { dc_id: s.dcId };
  if (!s.arrived) {
    s.arrived = true;
    node.buf.add(
      'truck_arrived',
      s.arriveAt,
      {
        truck_id: s.truckId,
        ...where,
        shipment_id: s.id,
        arrival_time: iso(s.arriveAt),
        estimated_unload_duration: s.estimatedUnloadMin,
      },
      trace,
      s.id,
    );
  }
  const unloaded = s.arriveAt + s.actualUnloadMin * 60_000;
  agenda.push(unloaded, () => {
    for (const l of s.lines) addStock(node, l.productIndex, l.quantity, unloaded, reason, s.id, trace);
    node.buf.add(
      'truck_departed',
      unloaded,
      {
        truck_id: s.truckId,
        ...where,
        shipment_id: s.id,
        departure_time: iso(unloaded),
        estimated_unload_duration: s.estimatedUnloadMin,
        actual_unload_duration: s.actualUnloadMin,
      },
      trace,
      s.id,
    );
    node.state.inbound = node.state.inbound.filter((x) => x !== s);
  });
}
