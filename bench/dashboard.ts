// Benchmark: the dashboard's first load on loopback in headless Chromium (a fresh browser context each time, so
// nothing is cached): time to the HTML, to DOMContentLoaded, to the load event and to the live feed's first message.
// Run: node --import tsx bench/dashboard.ts [--loads N]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureChromium } from '../scripts/browser/ensure-chromium.mjs';
import { configSchema } from '../src/config/schema.js';
import { generateMaster } from '../src/jobs/master.js';
import { buildServer } from '../src/server/app.js';
import { openDatabase } from '../src/store/database.js';
import { launchChromium } from '../test/helpers/browser.js';
import { machine, printTable } from './machine.js';

const i = process.argv.indexOf('--loads');
const loads = i >= 0 ? Number(process.argv[i + 1]) : 10;
process.env.CHROMIUM_PATH = ensureChromium();

const dir = mkdtempSync(join(tmpdir(), 'rdg-bench-dashboard-'));
const config = configSchema.parse({
  volume: { stores: 86, total_customers: 20_000, total_products: 2000 },
  database: { path: join(dir, 'bench.duckdb') },
});
const db = await openDatabase(config.database.path);
await generateMaster(config, db);
const { app } = await buildServer({ config, db });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;

const browser = await launchChromium();
const samples: { html: number; dcl: number; load: number; live: number; bytes: number }[] = [];
for (let n = 0; n < loads; n++) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('#conn[data-ok="true"]');
  await page.waitForFunction(() => document.querySelectorAll('#map circle.store').length > 0);
  const live = Date.now() - t0;
  samples.push({
    ...(await page.evaluate(() => {
      const [nav] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
      const res = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      const files = res.filter((r) => !r.name.includes('/api/'));
      return {
        html: nav.responseEnd - nav.startTime,
        dcl: nav.domContentLoadedEventEnd - nav.startTime,
        load: nav.loadEventEnd - nav.startTime,
        bytes: nav.encodedBodySize + files.reduce((a, r) => a + r.encodedBodySize, 0),
      };
    })),
    live,
  });
  await context.close();
}
await browser.close();
await app.close();
db.close();
rmSync(dir, { recursive: true, force: true });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (k: 'html' | 'dcl' | 'load' | 'live') => {
  const xs = samples.map((s) => s[k]);
  return `${Math.round(median(xs))} ms (max ${Math.round(Math.max(...xs))})`;
};
printTable([
  {
    loads,
    'HTML received': ms('html'),
    DOMContentLoaded: ms('dcl'),
    'load event': ms('load'),
    'live and map drawn': ms('live'),
    'bytes (page files)': samples[0].bytes,
    machine: machine(),
  },
]);
