// Benchmark: history generation into DuckDB (simulate + store), and the simulator alone.
// Run: node --import tsx bench/history.ts [--days N] [--stores N] [--workers N] [--sim-only]

import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../src/config/schema.js';
import { runHistory } from '../src/jobs/history.js';
import { generateMaster } from '../src/jobs/master.js';
import { dayOf } from '../src/simulate/calendar.js';
import { buildContext } from '../src/simulate/context.js';
import { Simulator } from '../src/simulate/simulator.js';
import { openDatabase } from '../src/store/database.js';
import { buildWorld } from '../src/world/build.js';
import { machine, peakRssMiB, printTable } from './machine.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const days = Number(arg('days', '3'));
const stores = Number(arg('stores', '86'));
const workers = Number(arg('workers', '1'));
const config = configSchema.parse({ volume: { stores }, performance: { max_workers: workers } });
const rows: Record<string, string | number>[] = [];
const cmd = `node --import tsx bench/history.ts ${process.argv.slice(2).join(' ')}`.trim();

if (!process.argv.includes('--store-only')) {
  const ctx = buildContext(config, buildWorld(config));
  const sim = new Simulator(ctx, dayOf(config.historical.start_date));
  const t = performance.now();
  const cpu = process.cpuUsage();
  let n = 0;
  for (let d = 0; d < days; d++) for (const u of sim.runDay().units) n += u.length;
  const s = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  rows.push({
    command: cmd,
    input: `${stores} stores x ${days} days`,
    step: 'simulate only (1 thread)',
    events: n,
    seconds: s.toFixed(1),
    'events/s': Math.round(n / s),
    'events per CPU s': Math.round(n / ((used.user + used.system) / 1e6)),
    machine: machine(),
  });
}

if (!process.argv.includes('--sim-only')) {
  const path = join(tmpdir(), `rdg-bench-history-${process.pid}.duckdb`);
  rmSync(path, { force: true });
  const db = await openDatabase(path);
  await generateMaster(config, db);
  let maxRss = 0;
  const sampler = setInterval(() => {
    maxRss = Math.max(maxRss, process.memoryUsage().rss);
  }, 100);
  const cpu = process.cpuUsage();
  const r = await runHistory(config, db, { days, workers });
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  db.close();
  rmSync(path, { force: true });
  rmSync(`${path}.wal`, { force: true });
  rows.push({
    command: cmd,
    input: `${stores} stores x ${days} days`,
    step: `history into DuckDB (${workers} worker${workers > 1 ? 's' : ''}), max RSS ${Math.round(maxRss / 2 ** 20)} MiB`,
    events: r.events,
    seconds: r.seconds.toFixed(1),
    'events/s': Math.round(r.events / r.seconds),
    'events per CPU s': Math.round(r.events / ((used.user + used.system) / 1e6)),
    machine: machine(),
  });
}
printTable(rows);
console.log(`peak RSS: ${peakRssMiB()} MiB`);
