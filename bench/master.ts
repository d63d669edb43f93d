// Benchmark: build the default world (403,000 customers, 10,000 products) and store it in DuckDB.
// Run: node --import tsx bench/master.ts [--db FILE]

import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../src/config/schema.js';
import { generateMaster } from '../src/jobs/master.js';
import { openDatabase } from '../src/store/database.js';
import { worldRowCount } from '../src/store/world-tables.js';
import { buildWorld } from '../src/world/build.js';
import { machine, peakRssMiB, printTable } from './machine.js';

const path = process.argv.includes('--db')
  ? process.argv[process.argv.indexOf('--db') + 1]
  : join(tmpdir(), `rdg-bench-master-${process.pid}.duckdb`);
rmSync(path, { force: true });
const config = configSchema.parse({});

const t0 = performance.now();
const world = buildWorld(config);
const buildS = (performance.now() - t0) / 1000;
const rows = worldRowCount(world);

const db = await openDatabase(path);
const t1 = performance.now();
const result = await generateMaster(config, db);
const totalS = (performance.now() - t1) / 1000;
db.close();
rmSync(path, { force: true });
rmSync(`${path}.wal`, { force: true });

printTable([
  {
    command: 'node --import tsx bench/master.ts',
    input: `default world, ${rows.toLocaleString('en-US')} rows`,
    step: 'build in memory',
    seconds: buildS.toFixed(2),
    'rows/s': Math.round(rows / buildS).toLocaleString('en-US'),
    machine: machine(),
  },
  {
    command: 'node --import tsx bench/master.ts',
    input: `default world, ${result.rows.toLocaleString('en-US')} rows`,
    step: 'build + store (master job)',
    seconds: totalS.toFixed(2),
    'rows/s': Math.round(result.rows / totalS).toLocaleString('en-US'),
    machine: machine(),
  },
]);
console.log(`peak RSS: ${peakRssMiB()} MiB`);
