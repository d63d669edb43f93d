import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../config/schema.js';
import { buildWorld } from './build.js';
import { customerRows } from './customers.js';
import { expectedFormatShares, VOLUME_CLASS_WEIGHTS, VOLUME_CLASSES } from './store-profiles.js';
import type { World } from './types.js';

const small = (over: Record<string, unknown> = {}, seed = 42) =>
  configSchema.parse({ seed, volume: { stores: 40, dcs: 5, total_customers: 3000, total_products: 1500, ...over } });

test('the same seed and config give the same world, another seed a different one', () => {
  const a = buildWorld(small());
  const b = buildWorld(small());
  assert.deepEqual(a, b);
  const c = buildWorld(small({}, 43));
  assert.notDeepEqual(a.stores, c.stores);
  const first = (w: World) => [...customerRows(w.seed, w.customers, w.geographies)][0].slice(0, 50);
  assert.deepEqual(first(a), first(b));
  assert.notDeepEqual(first(a), first(c));
});

test('the world has the configured size', () => {
  const w = buildWorld(small({ refrigerated_trucks: 6, non_refrigerated_trucks: 9 }));
  assert.equal(w.stores.length, 40);
  assert.equal(w.distributionCenters.length, 5);
  assert.equal(w.customers.count, 3000);
  assert.equal(w.products.length, 1500);
  assert.equal(w.geographies.length, 100);
  assert.equal(w.trucks.filter((t) => t.fleet !== 'SUPPLIER').length, 15);
  assert.equal(w.trucks.filter((t) => t.fleet !== 'SUPPLIER' && t.refrigerated).length, 6);
  assert.equal(w.trucks.filter((t) => t.fleet === 'SUPPLIER').length, 30);
});

function assertReferencesResolve(w: World): void {
  const geos = new Set(w.geographies.map((g) => g.id));
  const dcs = new Set(w.distributionCenters.map((d) => d.id));
  const stores = new Set(w.stores.map((s) => s.id));
  for (const d of w.distributionCenters) assert.ok(geos.has(d.geography_id), `dc ${d.id} geography`);
  for (const s of w.stores) {
    assert.ok(geos.has(s.geography_id), `store ${s.id} geography`);
    assert.ok(dcs.has(s.dc_id), `store ${s.id} dc`);
  }
  for (const t of w.trucks) {
    if (t.fleet === 'DC') assert.ok(t.dc_id !== null && dcs.has(t.dc_id), `truck ${t.id} dc`);
    else assert.equal(t.dc_id, null, `truck ${t.id} of fleet ${t.fleet} has no dc`);
  }
  const customers = [...customerRows(w.seed, w.customers, w.geographies)].flat();
  for (const c of customers) {
    assert.ok(geos.has(c.geography_id), `customer ${c.id} geography`);
    assert.ok(stores.has(c.home_store_id), `customer ${c.id} home store`);
  }
  for (const table of [w.geographies, w.distributionCenters, w.stores, w.trucks, customers, w.products]) {
    table.forEach((row, i) => {
      assert.equal(row.id, i + 1, 'ids are 1..n');
    });
  }
}

test('every reference resolves', () => {
  assertReferencesResolve(buildWorld(small()));
});

test('pricing invariants hold for every product of the default catalogue', () => {
  const w = buildWorld(configSchema.parse({ volume: { stores: 3, dcs: 1, total_customers: 10 } }));
  assert.equal(w.products.length, 10_000);
  const names = new Set<string>();
  for (const p of w.products) {
    assert.ok(p.cost < p.sale_price, `${p.sku}: cost ${p.cost} < sale_price ${p.sale_price}`);
    assert.ok(p.sale_price <= p.msrp, `${p.sku}: sale_price <= msrp`);
    assert.ok(
      p.cost >= p.sale_price * 0.5 - 1e-9 && p.cost <= p.sale_price * 0.85 + 1e-9,
      `${p.sku}: cost ratio ${p.cost / p.sale_price}`,
    );
    for (const v of [p.cost, p.sale_price, p.msrp]) assert.equal(Math.round(v * 100) / 100, v, `${p.sku}: whole cents`);
    assert.match(p.launch_date, /^\d{4}-\d{2}-\d{2}$/);
    names.add(p.name);
  }
  assert.equal(names.size, w.products.length, 'product names are unique');
  assert.ok(
    w.products.some((p) => p.launch_date >= '2024-01-01'),
    'some products launch during the history',
  );
  const seasonal = w.products.filter((p) => p.tags.includes('seasonal'));
  assert.ok(seasonal.length > 200, `seasonal products: ${seasonal.length}`);
  assert.ok(
    seasonal.some((p) => p.tags.includes('christmas')) && seasonal.some((p) => p.tags.includes('back_to_school')),
  );
  assert.ok(w.products.some((p) => p.requires_refrigeration) && w.products.some((p) => !p.requires_refrigeration));
  assert.deepEqual(new Set(w.products.map((p) => p.taxability)), new Set(['TAXABLE', 'NON_TAXABLE', 'REDUCED_RATE']));
});

test('shares of volume classes and formats match their weights', () => {
  const w = buildWorld(small({ stores: 600, total_customers: 1000, total_products: 700 }));
  const n = w.stores.length;
  for (const vc of VOLUME_CLASSES) {
    const share = w.stores.filter((s) => s.volume_class === vc).length / n;
    assert.ok(Math.abs(share - VOLUME_CLASS_WEIGHTS[vc]) <= 0.005, `${vc}: ${share} vs ${VOLUME_CLASS_WEIGHTS[vc]}`);
  }
  for (const [format, expected] of Object.entries(expectedFormatShares())) {
    const share = w.stores.filter((s) => s.format === format).length / n;
    assert.ok(Math.abs(share - expected) <= 0.05, `${format}: ${share} vs ${expected}`);
  }
});

test('urban stores are bigger than rural ones on average', () => {
  const w = buildWorld(small({ stores: 400, total_customers: 1000, total_products: 700 }));
  const geo = new Map(w.geographies.map((g) => [g.id, g]));
  const mean = (u: string) => {
    const xs = w.stores.filter((s) => geo.get(s.geography_id)!.urbanity === u).map((s) => s.daily_traffic_multiplier);
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  assert.ok(mean('URBAN') > mean('RURAL') * 1.3, `urban ${mean('URBAN')} vs rural ${mean('RURAL')}`);
});

test('trucks follow trucks_per_dc or the assignment rate, and supplier trucks have no DC', () => {
  const byRate = buildWorld(
    small({ refrigerated_trucks: 10, non_refrigerated_trucks: 10, truck_dc_assignment_rate: 0.5 }),
  );
  assert.equal(byRate.trucks.filter((t) => t.fleet === 'DC').length, 10);
  assert.equal(byRate.trucks.filter((t) => t.fleet === 'POOL').length, 10);
  const fixed = buildWorld(small({ refrigerated_trucks: 10, non_refrigerated_trucks: 10, trucks_per_dc: 2 }));
  const perDc = new Map<number, number>();
  for (const t of fixed.trucks) if (t.dc_id !== null) perDc.set(t.dc_id, (perDc.get(t.dc_id) ?? 0) + 1);
  assert.deepEqual([...perDc.values()], [2, 2, 2, 2, 2]);
  assert.ok(
    fixed.trucks.filter((t) => t.fleet === 'DC' && t.refrigerated).length >= 4,
    'refrigerated trucks spread over DCs',
  );
});

test('customers live near their home store and most hold a loyalty card', () => {
  const w = buildWorld(small());
  const customers = [...customerRows(w.seed, w.customers, w.geographies)].flat();
  const withCard = customers.filter((c) => c.loyalty_card !== null).length / customers.length;
  assert.ok(withCard > 0.55 && withCard < 0.7, `loyalty share ${withCard}`);
  const ble = new Set(customers.map((c) => c.ble_id));
  const ad = new Set(customers.map((c) => c.ad_id));
  assert.equal(ble.size, customers.length);
  assert.equal(ad.size, customers.length);
  const geo = new Map(w.geographies.map((g) => [g.id, g]));
  const store = new Map(w.stores.map((s) => [s.id, s]));
  const far = customers.filter((c) => {
    const g = geo.get(c.geography_id)!;
    const s = store.get(c.home_store_id)!;
    return Math.abs(g.latitude - s.latitude) + Math.abs(g.longitude - s.longitude) > 25;
  });
  assert.ok(far.length < customers.length * 0.05, 'home stores are near home');
  assert.match(customers[0].ble_id, /^BLE-([0-9A-F]{2}:){5}[0-9A-F]{2}$/);
});
