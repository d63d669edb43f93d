import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../../src/store/database.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rdg-cli-'));
const SMALL = [
  '--set',
  'volume.stores=12',
  '--set',
  'volume.dcs=3',
  '--set',
  'volume.total_customers=5000',
  '--set',
  'volume.total_products=800',
];

function digestDir(d: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of readdirSync(d).sort())
    out.set(
      f,
      createHash('sha256')
        .update(readFileSync(join(d, f)))
        .digest('hex'),
    );
  return out;
}

async function counts(db: string): Promise<Record<string, number>> {
  const h = await openDatabase(db, { readOnly: true });
  try {
    const out: Record<string, number> = {};
    for (const t of [
      'dim_geographies',
      'dim_distribution_centers',
      'dim_stores',
      'dim_trucks',
      'dim_customers',
      'dim_products',
    ]) {
      out[t] = Number((await h.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${t}`))[0].n);
    }
    return out;
  } finally {
    h.close();
  }
}

test('--help lists the commands', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0);
  for (const c of ['master', 'export', 'config', 'start']) assert.match(r.stdout, new RegExp(`\\b${c}\\b`));
});

test('master writes every dim table with the configured counts and a generation state', async () => {
  const db = join(dir, 'a.duckdb');
  const r = await runCli(['master', '--db', db, ...SMALL]);
  assert.equal(r.code, 0, r.stderr);
  const c = await counts(db);
  assert.equal(c.dim_stores, 12);
  assert.equal(c.dim_distribution_centers, 3);
  assert.equal(c.dim_customers, 5000);
  assert.equal(c.dim_products, 800);
  const h = await openDatabase(db, { readOnly: true });
  try {
    const [s] = await h.all<{ seed: bigint; config_hash: string }>('SELECT seed, config_hash FROM generation_state');
    assert.equal(Number(s.seed), 42);
    assert.match(s.config_hash, /^[0-9a-f]{16}$/);
    const orphans = await h.all<{ n: bigint }>(
      `SELECT (SELECT count(*) FROM dim_stores s LEFT JOIN dim_geographies g ON g.id = s.geography_id WHERE g.id IS NULL)
            + (SELECT count(*) FROM dim_stores s LEFT JOIN dim_distribution_centers d ON d.id = s.dc_id WHERE d.id IS NULL)
            + (SELECT count(*) FROM dim_customers c LEFT JOIN dim_geographies g ON g.id = c.geography_id WHERE g.id IS NULL)
            + (SELECT count(*) FROM dim_trucks t LEFT JOIN dim_distribution_centers d ON d.id = t.dc_id WHERE t.dc_id IS NOT NULL AND d.id IS NULL)
            + (SELECT count(*) FROM dim_products WHERE NOT (cost < sale_price AND sale_price <= msrp AND cost >= 0.5 * sale_price AND cost <= 0.85 * sale_price)) AS n`,
    );
    assert.equal(Number(orphans[0].n), 0);
  } finally {
    h.close();
  }
  const again = await runCli(['master', '--db', db, ...SMALL]);
  assert.equal(again.code, 0);
  assert.match(again.stdout, /already holds this world/);
});

test('the same seed gives byte-identical Parquet and CSV exports; another seed gives different data', async () => {
  const dbs = ['s1.duckdb', 's2.duckdb', 's3.duckdb'].map((f) => join(dir, f));
  assert.equal((await runCli(['master', '--db', dbs[0], ...SMALL])).code, 0);
  assert.equal((await runCli(['master', '--db', dbs[1], ...SMALL])).code, 0);
  assert.equal((await runCli(['master', '--db', dbs[2], '--seed', '7', ...SMALL])).code, 0);
  for (const format of ['parquet', 'csv']) {
    const outs = dbs.map((_, i) => join(dir, `out-${format}-${i}`));
    for (let i = 0; i < 3; i++) {
      const r = await runCli([
        'export',
        '--db',
        dbs[i],
        '--format',
        format,
        '--out',
        outs[i],
        ...SMALL,
        ...(i === 2 ? ['--seed', '7'] : []),
      ]);
      assert.equal(r.code, 0, r.stderr);
    }
    const [a, b, c] = outs.map(digestDir);
    assert.equal(a.size, 6);
    assert.deepEqual(a, b, `${format} exports of the same seed are byte-identical`);
    assert.notEqual(a.get(`dim_customers.${format}`), c.get(`dim_customers.${format}`));
  }
  const some = join(dir, 'some');
  const r = await runCli([
    'export',
    '--db',
    dbs[0],
    '--format',
    'csv',
    '--out',
    some,
    '--tables',
    'dim_stores',
    'dim_products',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(some).sort(), ['dim_products.csv', 'dim_stores.csv']);
  assert.match(
    readFileSync(join(some, 'dim_products.csv'), 'utf8').split('\n')[0],
    /^id,sku,name,brand,company,department,category,subcategory,cost,sale_price,msrp/,
  );
});

test('each kind of bad input exits 2 with its own message and leaves the database untouched', async () => {
  const db = join(dir, 'keep.duckdb');
  assert.equal((await runCli(['master', '--db', db, ...SMALL])).code, 0);
  const before = createHash('sha256').update(readFileSync(db)).digest('hex');
  const yaml = join(dir, 'broken.yaml');
  writeFileSync(yaml, 'volume:\n  stores: [1, 2\n');
  const unknown = join(dir, 'unknown.json');
  writeFileSync(unknown, JSON.stringify({ volume: { storez: 3 } }));
  const cases: [string[], RegExp][] = [
    [['--set', 'volume.stores=abc'], /volume\.stores: expected number; got "abc" \(from --set\)/],
    [['--set', 'volume.stores=-4'], /volume\.stores: must be > 0; got -4/],
    [['--config', unknown], /volume\.storez: unknown key; did you mean 'stores'\?/],
    [['--config', yaml], /CONFIG_PARSE_FAILED.*not valid YAML/],
    [['--config', join(dir, 'missing.yaml')], /CONFIG_FILE_NOT_FOUND.*missing\.yaml/],
    [['--force', '--seed', 'x'], /seed: expected number/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(['master', '--db', db, ...SMALL, ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  const other = await runCli(['master', '--db', db, ...SMALL, '--seed', '99']);
  assert.equal(other.code, 2);
  assert.match(other.stderr, /WORLD_MISMATCH.*--force/);
  const after = createHash('sha256').update(readFileSync(db)).digest('hex');
  assert.equal(after, before);
  const unknownFlag = await runCli(['master', '--db', db, '--storez', '3']);
  assert.equal(unknownFlag.code, 2);
  assert.match(unknownFlag.stderr, /unknown option '--storez'/);
});

test('config validate reports every problem at once and exits 2; a good file is valid', async () => {
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'seed: -1\nvolume:\n  dcs: 0\n  stors: 2\nrealtime:\n  burst: "lots"\n');
  const r = await runCli(['config', 'validate', bad]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /4 problems/);
  for (const p of ['seed', 'volume.dcs', 'volume.stors', 'realtime.burst'])
    assert.match(r.stderr, new RegExp(`${p.replace('.', '\\.')}:`));
  const good = join(dir, 'good.yaml');
  writeFileSync(good, 'volume:\n  stores: 5\n');
  const ok = await runCli(['config', 'validate', good]);
  assert.equal(ok.code, 0, ok.stderr);
});

test('config show prints the effective config with secrets redacted, and config schema is a JSON Schema', async () => {
  const key = 'c3VwZXJzZWNyZXRrZXl2YWx1ZQ==';
  const conn = `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${key};EntityPath=hub`;
  const r = await runCli(['config', 'show', '--format', 'json', '--set', 'volume.stores=7'], {
    env: { AZURE_EVENTHUB_CONNECTION_STRING: conn, RETAIL_DATAGEN_VOLUME__DCS: '4' },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.includes(key), false);
  const shown = JSON.parse(r.stdout);
  assert.equal(shown.volume.stores, 7);
  assert.equal(shown.volume.dcs, 4);
  assert.equal(shown.realtime.azure_connection_string, '***');
  const s = await runCli(['config', 'schema']);
  const schema = JSON.parse(s.stdout);
  assert.equal(schema.type, 'object');
  assert.equal(schema.additionalProperties, false);
  assert.equal(schema.properties.volume.properties.stores.default, 86);
  assert.ok(schema.properties.volume.properties.stores.description.length > 0);
});
