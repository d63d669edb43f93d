import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../../src/store/database.js';
import { FACT_TABLES, textCompression } from '../../src/store/fact-tables.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rdg-history-'));
const WORLD = [
  '--set',
  'volume.stores=5',
  '--set',
  'volume.dcs=2',
  '--set',
  'volume.total_customers=4000',
  '--set',
  'volume.total_products=900',
  '--set',
  'volume.customers_per_day=120',
  '--set',
  'volume.online_orders_per_day=150',
  '--set',
  'volume.marketing_impressions_per_day=2000',
];

async function makeHistory(name: string, dayRuns: number[], extra: string[] = []): Promise<string> {
  const db = join(dir, `${name}.duckdb`);
  const m = await runCli(['master', '--db', db, ...WORLD]);
  assert.equal(m.code, 0, m.stderr);
  let start = true;
  for (const days of dayRuns) {
    const h = await runCli([
      'history',
      '--db',
      db,
      '--days',
      String(days),
      ...(start ? ['--start', '2024-11-25'] : []),
      ...WORLD,
      ...extra,
    ]);
    assert.equal(h.code, 0, h.stderr);
    start = false;
  }
  return db;
}

function digestTree(d: string): string {
  const h = createHash('sha256');
  const walk = (p: string) => {
    for (const f of readdirSync(p).sort()) {
      const full = join(p, f);
      if (statSync(full).isDirectory()) walk(full);
      else h.update(f).update(readFileSync(full));
    }
  };
  walk(d);
  return h.digest('hex');
}

const main = await makeHistory('main', [4]);

async function scalar(db: string, sql: string): Promise<number> {
  const h = await openDatabase(db, { readOnly: true });
  try {
    const rows = await h.all<{ n: number | bigint | null }>(sql);
    return Number(rows[0].n ?? 0);
  } finally {
    h.close();
  }
}

const INVARIANTS: Record<string, string> = {
  'receipt stores and customers exist':
    'SELECT count(*) AS n FROM fact_receipts r LEFT JOIN dim_stores s ON s.id = r.store_id LEFT JOIN dim_customers c ON c.id = r.customer_id WHERE s.id IS NULL OR c.id IS NULL',
  'receipt lines reference receipts and products':
    'SELECT count(*) AS n FROM fact_receipt_lines l LEFT JOIN fact_receipts r ON r.receipt_id = l.receipt_id LEFT JOIN dim_products p ON p.id = l.product_id WHERE r.receipt_id IS NULL OR p.id IS NULL',
  'subtotal is the sum of the lines':
    'SELECT count(*) AS n FROM fact_receipts r JOIN (SELECT receipt_id, sum(extended_price) AS s, sum(quantity) AS q FROM fact_receipt_lines GROUP BY 1) l USING (receipt_id) WHERE r.subtotal <> l.s OR r.item_count <> l.q',
  'every receipt has lines':
    'SELECT count(*) AS n FROM fact_receipts r WHERE NOT EXISTS (SELECT 1 FROM fact_receipt_lines l WHERE l.receipt_id = r.receipt_id)',
  'total is subtotal plus tax': 'SELECT count(*) AS n FROM fact_receipts WHERE total <> subtotal + tax',
  'extended price is quantity times unit price':
    'SELECT count(*) AS n FROM fact_receipt_lines WHERE extended_price <> quantity * unit_price',
  'unit price is the price less its promotion':
    'SELECT count(*) AS n FROM fact_receipt_lines l JOIN dim_products p ON p.id = l.product_id WHERE (l.promo_code IS NULL AND l.unit_price <> p.sale_price) OR (l.promo_code IS NOT NULL AND l.unit_price >= p.sale_price)',
  'one approved payment per receipt, for its total':
    "SELECT count(*) AS n FROM fact_receipts r LEFT JOIN (SELECT receipt_id, count(*) AS k, sum(amount) AS a FROM fact_payments WHERE status = 'APPROVED' AND receipt_id IS NOT NULL GROUP BY 1) p USING (receipt_id) WHERE p.k IS DISTINCT FROM 1 OR p.a <> r.total",
  'online orders are paid their total':
    "SELECT count(*) AS n FROM fact_online_order_headers o LEFT JOIN fact_payments p ON p.order_id = o.order_id AND p.status = 'APPROVED' WHERE o.event_type = 'online_order_created' AND (p.order_id IS NULL OR p.amount <> o.total)",
  'store stock never goes below zero': 'SELECT count(*) AS n FROM fact_store_inventory_txn WHERE quantity_after < 0',
  'DC stock never goes below zero': 'SELECT count(*) AS n FROM fact_dc_inventory_txn WHERE quantity_after < 0',
  'store stock moves add up':
    'SELECT count(*) AS n FROM (SELECT quantity_after - quantity_delta AS before, lag(quantity_after) OVER (PARTITION BY store_id, product_id ORDER BY event_ts, event_id) AS prev FROM fact_store_inventory_txn) WHERE prev IS NOT NULL AND before <> prev',
  'no sale before the launch date':
    'SELECT count(*) AS n FROM fact_receipt_lines l JOIN dim_products p ON p.id = l.product_id WHERE l.event_ts::DATE < p.launch_date',
  'inventory changes are never zero':
    'SELECT count(*) AS n FROM (SELECT quantity_delta FROM fact_store_inventory_txn UNION ALL SELECT quantity_delta FROM fact_dc_inventory_txn) WHERE quantity_delta = 0',
  'trucks, DCs and stores of moves exist':
    'SELECT count(*) AS n FROM fact_truck_moves m LEFT JOIN dim_trucks t ON t.id = m.truck_id LEFT JOIN dim_distribution_centers d ON d.id = m.dc_id WHERE t.id IS NULL OR (m.dc_id IS NOT NULL AND d.id IS NULL)',
  'refrigerated goods travel on refrigerated trucks':
    "SELECT count(*) AS n FROM fact_truck_inventory i JOIN dim_products p ON p.id = i.product_id JOIN fact_truck_moves m ON m.shipment_id = i.shipment_id AND m.event_type = 'truck_arrived' JOIN dim_trucks t ON t.id = m.truck_id WHERE p.requires_refrigeration AND NOT t.refrigerated",
  'deliveries follow reorders':
    'SELECT count(*) AS n FROM fact_truck_inventory i WHERE i.store_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM fact_reorders r WHERE r.store_id = i.store_id AND r.product_id = i.product_id AND r.event_ts < i.event_ts)',
  'promotions reference receipts and their campaigns were seen first':
    'SELECT count(*) AS n FROM fact_promotions p LEFT JOIN fact_receipts r USING (receipt_id) WHERE r.receipt_id IS NULL',
  'impressions carry the customer ad id':
    'SELECT count(*) AS n FROM fact_marketing m JOIN dim_customers c ON c.id = m.customer_id WHERE m.customer_ad_id <> c.ad_id',
  'store events happen at stores that exist':
    'SELECT count(*) AS n FROM (SELECT store_id FROM fact_foot_traffic UNION ALL SELECT store_id FROM fact_ble_pings UNION ALL SELECT store_id FROM fact_store_ops) x LEFT JOIN dim_stores s ON s.id = x.store_id WHERE s.id IS NULL',
};

for (const [name, sql] of Object.entries(INVARIANTS)) {
  test(`invariant: ${name}`, async () => {
    assert.equal(await scalar(main, sql), 0, sql);
  });
}

test('the history has every fact table filled', async () => {
  for (const t of [
    'fact_receipts',
    'fact_receipt_lines',
    'fact_payments',
    'fact_store_inventory_txn',
    'fact_dc_inventory_txn',
    'fact_stockouts',
    'fact_reorders',
    'fact_truck_moves',
    'fact_truck_inventory',
    'fact_foot_traffic',
    'fact_ble_pings',
    'fact_customer_zone_changes',
    'fact_store_ops',
    'fact_marketing',
    'fact_promotions',
    'fact_promo_lines',
    'fact_online_order_headers',
    'fact_online_order_lines',
  ]) {
    assert.ok((await scalar(main, `SELECT count(*) AS n FROM ${t}`)) > 0, `${t} is empty`);
  }
  assert.equal(
    await scalar(
      main,
      "SELECT count(*) AS n FROM fact_receipts WHERE event_ts::DATE NOT BETWEEN DATE '2024-11-25' AND DATE '2024-11-29'",
    ),
    0,
  );
});

test('text columns are stored with the compression the fact tables choose, not left to DuckDB', async () => {
  const h = await openDatabase(main, { readOnly: true });
  const seen = new Set<string>();
  try {
    for (const t of FACT_TABLES) {
      const rows = await h.all<{ column_name: string; compression: string }>(
        `SELECT DISTINCT column_name, compression FROM pragma_storage_info('${t.name}') WHERE segment_type = 'VARCHAR'`,
      );
      for (const r of rows) {
        const chosen = textCompression(t.columns.find((c) => c.name === r.column_name)!);
        // DuckDB stores a segment uncompressed where the chosen method does not pay (small segments).
        assert.ok(
          r.compression === 'Uncompressed' || r.compression.toLowerCase() === chosen,
          `${t.name}.${r.column_name}: ${r.compression}, chosen ${chosen}`,
        );
        seen.add(r.compression);
      }
    }
  } finally {
    h.close();
  }
  assert.ok(seen.has('FSST') && seen.has('Dictionary'), [...seen].join());
});

test('the same seed gives byte-identical exports; a continued history equals one run', async () => {
  const twin = await makeHistory('twin', [4]);
  const continued = await makeHistory('continued', [1, 3]);
  const parallel = await makeHistory('parallel', [4], ['--workers', '2']);
  const digests: string[] = [];
  for (const db of [main, twin, continued, parallel]) {
    const out = join(dir, `export-${digests.length}`);
    const r = await runCli([
      'export',
      '--db',
      db,
      '--format',
      'parquet',
      '--out',
      out,
      '--partition-by',
      'date',
      ...WORLD,
    ]);
    assert.equal(r.code, 0, r.stderr);
    digests.push(digestTree(out));
  }
  assert.equal(digests[1], digests[0], 'same seed, same bytes');
  assert.equal(digests[2], digests[0], 'continued history equals a single run');
  assert.equal(digests[3], digests[0], 'two worker threads write the same history as one');
  assert.ok(readdirSync(join(dir, 'export-0', 'fact_receipts')).some((f) => f.startsWith('date=2024-11-29')));
});

test('history refuses a database without a world, a wrong --start and a config of another world', async () => {
  const empty = await runCli(['history', '--db', join(dir, 'none.duckdb'), '--days', '1', ...WORLD]);
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /DB_NOT_INITIALISED.*master/);
  const start = await runCli(['history', '--db', main, '--days', '1', '--start', '2024-01-01', ...WORLD]);
  assert.equal(start.code, 2);
  assert.match(start.stderr, /run without --start to continue from 2024-11-29/);
  const other = await runCli(['history', '--db', main, '--days', '1', ...WORLD, '--seed', '5']);
  assert.equal(other.code, 2);
  assert.match(other.stderr, /WORLD_MISMATCH/);
  const days = await runCli(['history', '--db', main, '--days', 'many', ...WORLD]);
  assert.equal(days.code, 2);
  assert.match(days.stderr, /--days: expected a whole number/);
});
