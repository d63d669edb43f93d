// Trucks: DC-to-store trucks (assigned to a DC or in a pool) and supplier-to-DC trucks, refrigerated or not.

import type { VolumeConfig } from '../config/volume.js';
import { Rng } from '../random.js';
import type { DistributionCenter, Truck } from './types.js';

const PLATE_LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';

function licensePlate(rng: Rng): string {
  let s = '';
  for (let i = 0; i < 3; i++) s += PLATE_LETTERS[rng.int(0, PLATE_LETTERS.length - 1)];
  return `${s}-${rng.int(1000, 9999)}`;
}

/**
 * Builds the fleet. DC trucks are dealt round-robin to DCs (refrigerated and dry alternately, so every DC
 * gets both kinds when there are enough); `trucks_per_dc` fixes the count per DC, otherwise
 * `truck_dc_assignment_rate` decides how many are assigned; the rest are pool trucks (dc_id null).
 */
export function buildTrucks(seed: number, volume: VolumeConfig, dcs: readonly DistributionCenter[]): Truck[] {
  const rng = Rng.of(seed, 'trucks');
  const kinds: boolean[] = [];
  const refrig = volume.refrigerated_trucks;
  const dry = volume.non_refrigerated_trucks;
  // Interleave so that assignment spreads both kinds evenly.
  for (let r = 0, d = 0; r < refrig || d < dry; ) {
    if (r < refrig && (r * dry <= d * refrig || d >= dry)) {
      kinds.push(true);
      r++;
    } else {
      kinds.push(false);
      d++;
    }
  }
  const total = kinds.length;
  const assigned =
    volume.trucks_per_dc !== null
      ? Math.min(total, volume.trucks_per_dc * dcs.length)
      : Math.round(total * volume.truck_dc_assignment_rate);
  const trucks: Truck[] = kinds.map((refrigerated, i) => ({
    id: i + 1,
    license_plate: licensePlate(rng),
    refrigerated,
    fleet: i < assigned ? 'DC' : 'POOL',
    dc_id: i < assigned ? dcs[i % dcs.length].id : null,
    capacity: refrigerated ? Math.round(volume.truck_capacity * 0.8) : volume.truck_capacity,
  }));
  const supplier = [
    ...Array.from({ length: volume.supplier_refrigerated_trucks }, () => true),
    ...Array.from({ length: volume.supplier_non_refrigerated_trucks }, () => false),
  ];
  for (const refrigerated of supplier) {
    trucks.push({
      id: trucks.length + 1,
      license_plate: licensePlate(rng),
      refrigerated,
      fleet: 'SUPPLIER',
      dc_id: null,
      capacity: Math.round(volume.truck_capacity * (refrigerated ? 1.6 : 2)),
    });
  }
  return trucks;
}
