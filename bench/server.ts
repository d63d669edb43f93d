// Benchmark: does the server slow the stream? Stream throughput (speed max, file sink) run directly, through the
// server with nobody watching, and through the server with the live feed open and /metrics scraped every second.
// Run: node --import tsx bench/server.ts [--events N] [--rounds N]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../src/config/schema.js';
import { runHistory } from '../src/jobs/history.js';
import { generateMaster } from '../src/jobs/master.js';
import { openStream } from '../src/jobs/stream.js';
import { buildServer } from '../src/server/app.js';
import { openDatabase } from '../src/store/database.js';
import { machine, printTable } from './machine.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const events = Number(arg('events', '300000'));
const rounds = Number(arg('rounds', '3'));
const dir = mkdtempSync(join(tmpdir(), 'rdg-bench-server-'));
const config = configSchema.parse({
  volume: { stores: 12, dcs: 2, total_customers: 20_000, total_products: 2000 },
  database: { path: join(dir, 'bench.duckdb') },
  sinks: { file: { dir: join(dir, 'out') } },
});
const db = await openDatabase(config.database.path);
await generateMaster(config, db);
await runHistory(config, db, { days: 1 });
const { app, ctx } = await buildServer({ config, db });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
let run = 0;

interface Result {
  rate: number;
  /** CPU time of the process per event sent (user + system), in microseconds: less sensitive to other load. */
  cpuUs: number;
}

function measure(t: number, cpu: NodeJS.CpuUsage, sent: number): Result {
  const used = process.cpuUsage(cpu);
  return { rate: sent / ((performance.now() - t) / 1000), cpuUs: (used.user + used.system) / sent };
}

async function direct(): Promise<Result> {
  const s = await openStream(config, db, {
    pacing: { mode: 'max' },
    maxEvents: events,
    fresh: true,
    name: `d${run++}`,
  });
  const t = performance.now();
  const cpu = process.cpuUsage();
  await s.pipeline.start();
  await s.pipeline.finished;
  s.dispose();
  return measure(t, cpu, s.pipeline.snapshot().events_sent);
}

async function served(watched: boolean): Promise<Result> {
  const abort = new AbortController();
  const timers: NodeJS.Timeout[] = [];
  let scrapes = 0;
  let messages = 0;
  if (watched) {
    void fetch(`${base}/api/stream/live`, { signal: abort.signal })
      .then(async (res) => {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>)
          messages += Buffer.from(chunk).toString().split('\n\n').length - 1;
      })
      .catch(() => {});
    timers.push(
      setInterval(() => {
        void fetch(`${base}/metrics`).then(async (r) => {
          await r.text();
          scrapes++;
        });
      }, 1000),
    );
  }
  const t = performance.now();
  const cpu = process.cpuUsage();
  await ctx.stream.start({ speed: 'max', max_events: events, fresh: true, name: `s${run++}`, source: 'simulator' });
  await ctx.stream.current!.pipeline.finished;
  const rate = measure(t, cpu, ctx.stream.statistics().events_sent);
  for (const x of timers) clearInterval(x);
  abort.abort();
  if (watched && (scrapes === 0 || messages === 0)) throw new Error('the watchers saw nothing');
  return rate;
}

const results: Record<string, Result[]> = {
  direct: [],
  'server, nobody watching': [],
  'server, SSE + /metrics 1/s': [],
};
for (let r = 0; r < rounds; r++) {
  results.direct.push(await direct());
  results['server, nobody watching'].push(await served(false));
  results['server, SSE + /metrics 1/s'].push(await served(true));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const baseRate = median(results.direct.map((x) => x.rate));
const baseCpu = median(results.direct.map((x) => x.cpuUs));
printTable(
  Object.entries(results).map(([how, xs]) => {
    const rate = median(xs.map((x) => x.rate));
    const cpu = median(xs.map((x) => x.cpuUs));
    return {
      run: how,
      'events/s (median)': Math.round(rate).toLocaleString('en-US'),
      'runs (events/s)': xs.map((x) => Math.round(x.rate)).join(', '),
      'vs direct': `${(((rate - baseRate) / baseRate) * 100).toFixed(1)}%`,
      'CPU µs/event (median)': cpu.toFixed(2),
      'CPU vs direct': `${(((cpu - baseCpu) / baseCpu) * 100).toFixed(1)}%`,
    };
  }),
);
console.log(`\nnode --import tsx bench/server.ts --events ${events} --rounds ${rounds}; ${machine()}`);

await app.close();
db.close();
rmSync(dir, { recursive: true, force: true });
