// Store zones and where each department's products sit.

import type { ZONES } from '../events/types.js';

export type Zone = (typeof ZONES)[number];

const BY_DEPARTMENT: Readonly<Record<string, Zone>> = {
  Produce: 'PRODUCE',
  Dairy: 'DAIRY',
  'Meat & Seafood': 'DAIRY',
  Frozen: 'DAIRY',
  Electronics: 'ELECTRONICS',
  Apparel: 'APPAREL',
  'Health & Beauty': 'HEALTH_BEAUTY',
  Baby: 'HEALTH_BEAUTY',
  Pharmacy: 'PHARMACY',
  'Home & Kitchen': 'HOME',
  Household: 'HOME',
  'Garden & Outdoor': 'HOME',
  Automotive: 'HOME',
  Toys: 'HOME',
  'Sporting Goods': 'HOME',
  Seasonal: 'HOME',
  'Office & School': 'HOME',
};

/** The zone a department's products are shelved in (groceries by default). */
export function zoneOfDepartment(department: string): Zone {
  return BY_DEPARTMENT[department] ?? 'GROCERY';
}
