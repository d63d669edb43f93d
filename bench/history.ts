// Benchmark: history generation into DuckDB (simulate + store), and the simulator alone.
// Run: npm run build && node --import tsx bench/history.ts [--days N] [--stores N] [--workers N] [--sim-only|--store-only]
// The history step runs the built command (bin/retail-datagen.js) in a child process.

import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema } from '../src/config/schema.js';
import { dayOf } from '../src/simulate/calendar.js';
import { buildContext } from '../src/simulate/context.js';
import { Simulator } from '../src/simulate/simulator.js';
import { type BuiltChunk, buffersOf, FactChunkBuilder } from '../src/store/chunk-builder.js';
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

  // The fact-table chunks of the same days, built from each day's events once simulated (what a history worker
  // does besides simulating): the row writers and the text columns' layout. Each chunk's buffers go straight back.
  const again = new Simulator(ctx, dayOf(config.historical.start_date));
  const builder = new FactChunkBuilder();
  const giveBack = (c: BuiltChunk) => builder.pool.put(buffersOf(c));
  let buildMs = 0;
  for (let d = 0; d < days; d++) {
    const units = again.runDay().units;
    const from = performance.now();
    for (const u of units) builder.add(u, giveBack);
    builder.flush(giveBack);
    buildMs += performance.now() - from;
  }
  rows.push({
    command: cmd,
    input: `${stores} stores x ${days} days`,
    step: `build the fact-table chunks only (1 thread; ${builder.rows} rows, ${((buildMs * 1e6) / builder.rows).toFixed(0)} ns a row)`,
    events: builder.events,
    seconds: (buildMs / 1000).toFixed(1),
    'events/s': Math.round(builder.events / (buildMs / 1000)),
    'events per CPU s': '',
    machine: machine(),
  });
}

/** The process and its descendants (on Linux, `history` runs in a child of the command: bin/retail-datagen.js). */
function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      const kids = readFileSync(`/proc/${out[i]}/task/${out[i]}/children`, 'utf8').trim();
      if (kids) out.push(...kids.split(' ').map(Number));
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

/**
 * Runs the built command in a child process, as a user would (`npm run build` first), sampling from /proc the peak
 * RSS (VmHWM) of the process that does the work, the peak of the RSS summed over the command's processes, and
 * their CPU time: the figures are those of the history alone, not of this process's world or the master data built
 * before it.
 */
async function runCli(
  args: string[],
): Promise<{ output: string; peakRssMiB: number; peakTreeRssMiB: number; cpuSeconds: number }> {
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL('../bin/retail-datagen.js', import.meta.url)), ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (d) => {
    output += d;
  });
  child.stderr.on('data', (d) => {
    output += d;
  });
  let peakKb = 0;
  let peakTreeKb = 0;
  const ticks = new Map<number, number>();
  const sample = () => {
    let treeKb = 0;
    for (const pid of processTree(child.pid!)) {
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
        treeKb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
        // utime and stime (fields 14 and 15) count all threads; the name in parentheses may hold spaces.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        ticks.set(pid, Number(fields[11]) + Number(fields[12]));
      } catch {
        // The process has just ended.
      }
    }
    peakTreeKb = Math.max(peakTreeKb, treeKb);
  };
  const sampler = setInterval(sample, 50);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`retail-datagen ${args.join(' ')} failed (exit ${code}):\n${output}`);
  const cpuTicks = [...ticks.values()].reduce((a, b) => a + b, 0);
  return {
    output,
    peakRssMiB: Math.round(peakKb / 1024),
    peakTreeRssMiB: Math.round(peakTreeKb / 1024),
    cpuSeconds: cpuTicks / 100,
  };
}

if (!process.argv.includes('--sim-only')) {
  const path = join(tmpdir(), `rdg-bench-history-${process.pid}.duckdb`);
  rmSync(path, { force: true });
  const common = ['--db', path, '--set', `volume.stores=${stores}`];
  await runCli(['master', ...common]);
  const r = await runCli(['history', ...common, '--days', String(days), '--workers', String(workers)]);
  rmSync(path, { force: true });
  rmSync(`${path}.wal`, { force: true });
  // "history <from> .. <to> (N days): E events, R rows in S s (...)"
  const m = /: ([\d,]+) events, [\d,]+ rows in ([\d.,]+) s/.exec(r.output);
  if (!m) throw new Error(`unexpected history output:\n${r.output}`);
  const events = Number(m[1].replaceAll(',', ''));
  const seconds = Number(m[2].replaceAll(',', ''));
  rows.push({
    command: `${cmd} (runs: retail-datagen history --days ${days} --workers ${workers})`,
    input: `${stores} stores x ${days} days`,
    step: `history into DuckDB (${workers} worker${workers > 1 ? 's' : ''}), max RSS ${r.peakRssMiB} MiB (with the command's launcher, sampled: ${r.peakTreeRssMiB} MiB)`,
    events,
    seconds: seconds.toFixed(1),
    'events/s': Math.round(events / seconds),
    'events per CPU s': Math.round(events / r.cpuSeconds),
    machine: machine(),
  });
}
printTable(rows);
console.log(`peak RSS: ${peakRssMiB()} MiB`);
