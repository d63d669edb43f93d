// Identifiers derived from numbers (BLE ids, ad ids): the same in every run and cheap to recompute anywhere.

import { hashKey, mix32 } from '../random.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const HEX_UPPER = HEX.map((h) => h.toUpperCase());

/** The per-seed bases of the id hashes (hashing the seed and a label once, not per customer). */
const bases = new Map<number, readonly number[]>();
function basesOf(seed: number): readonly number[] {
  let b = bases.get(seed);
  if (!b) {
    b = [
      hashKey(seed, 'ble'),
      hashKey(seed, 'ble2'),
      hashKey(seed, 'ad', 0),
      hashKey(seed, 'ad', 1),
      hashKey(seed, 'ad', 2),
      hashKey(seed, 'ad', 3),
    ];
    bases.set(seed, b);
  }
  return b;
}

/** A customer's Bluetooth id, MAC-address style, e.g. `BLE-3F:A2:09:1C:77:D4`. */
export function bleIdOf(seed: number, customerId: number): string {
  const [b0, b1] = basesOf(seed);
  const a = mix32(b0, customerId);
  const b = mix32(b1, customerId);
  return `BLE-${HEX_UPPER[a >>> 24]}:${HEX_UPPER[(a >>> 16) & 255]}:${HEX_UPPER[(a >>> 8) & 255]}:${HEX_UPPER[a & 255]}:${HEX_UPPER[(b >>> 8) & 255]}:${HEX_UPPER[b & 255]}`;
}

const hex8 = (x: number) => HEX[x >>> 24] + HEX[(x >>> 16) & 255] + HEX[(x >>> 8) & 255] + HEX[x & 255];

/** A customer's advertising id, UUID (version 4) style. */
export function adIdOf(seed: number, customerId: number): string {
  const b = basesOf(seed);
  const s =
    hex8(mix32(b[2], customerId)) +
    hex8(mix32(b[3], customerId)) +
    hex8(mix32(b[4], customerId)) +
    hex8(mix32(b[5], customerId));
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-a${s.slice(17, 20)}-${s.slice(20, 32)}`;
}
