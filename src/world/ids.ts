// Identifiers derived from numbers (BLE ids, ad ids, loyalty cards): the same in every run and cheap to recompute.

import { hashKey } from '../random.js';

const hex = (n: number, width: number) => (n >>> 0).toString(16).toUpperCase().padStart(width, '0').slice(-width);

/** A customer's Bluetooth id, MAC-address style, e.g. `BLE-3F:A2:09:1C:77:D4`. */
export function bleIdOf(seed: number, customerId: number): string {
  const a = hashKey(seed, 'ble', customerId);
  const b = hashKey(seed, 'ble2', customerId);
  const h = hex(a, 8) + hex(b, 4);
  return `BLE-${h.match(/../g)!.join(':')}`;
}

/** A customer's advertising id, UUID style. */
export function adIdOf(seed: number, customerId: number): string {
  const p = [hashKey(seed, 'ad', customerId, 0), hashKey(seed, 'ad', customerId, 1), hashKey(seed, 'ad', customerId, 2), hashKey(seed, 'ad', customerId, 3)];
  const s = p.map((x) => hex(x, 8)).join('').toLowerCase();
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-a${s.slice(17, 20)}-${s.slice(20, 32)}`;
}
