// The dashboard in a real browser (headless Chromium through playwright-core) against the real server on a tiny
// world: generate the world and its history from the page, stream, pause and resume, filter the tail, drive it from
// the keyboard, and work the dead-letter panel. Screenshots go to TEST_ARTIFACTS_DIR (default: a temporary folder).

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { configSchema } from '../../src/config/schema.js';
import { generateMaster } from '../../src/jobs/master.js';
import { openStream } from '../../src/jobs/stream.js';
import { openDatabase } from '../../src/store/database.js';
import { launchChromium } from '../helpers/browser.js';
import { FaultSink } from '../helpers/fault-sink.js';
import { type ServerProcess, startServer } from '../helpers/server.js';

const dir = mkdtempSync(join(tmpdir(), 'rdg-e2e-'));
const artifacts = process.env.TEST_ARTIFACTS_DIR ?? mkdtempSync(join(tmpdir(), 'rdg-e2e-screenshots-'));
mkdirSync(artifacts, { recursive: true });

const VOLUME = { stores: 8, dcs: 2, total_customers: 6000, total_products: 900, customers_per_day: 300 };
const WORLD = Object.entries(VOLUME).flatMap(([k, v]) => ['--set', `volume.${k}=${v}`]);

// A configured secret that the page must never show.
const SECRET = 'c2VjcmV0LWtleS1mb3ItdGVzdHM=';
const CONNECTION_STRING = `Endpoint=sb://example.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${SECRET}`;

let browser: Browser;
let server: ServerProcess;
let page: Page;
const pageErrors: string[] = [];
const requests: string[] = [];

before(async () => {
  [browser, server] = await Promise.all([
    launchChromium(),
    startServer([
      '--db',
      join(dir, 'ui.duckdb'),
      ...WORLD,
      '--set',
      `sinks.file.dir=${join(dir, 'out')}`,
      '--set',
      'historical.start_date=2024-11-25',
      '--set',
      `realtime.azure_connection_string=${CONNECTION_STRING}`,
    ]),
  ]);
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  page.on('request', (r) => requests.push(r.url()));
});

after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const text = async (p: Page, sel: string) => ((await p.textContent(sel)) ?? '').trim();
const num = (s: string) => Number(s.replace(/[^\d.]/g, ''));

/** Polls the number shown by `sel` until `pred` holds. */
async function waitForNumber(p: Page, sel: string, pred: (n: number) => boolean, timeout = 30_000): Promise<number> {
  const until = Date.now() + timeout;
  for (;;) {
    const n = num(await text(p, sel));
    if (Number.isFinite(n) && pred(n)) return n;
    if (Date.now() > until) throw new Error(`${sel} shows ${n}; waited ${timeout} ms`);
    await p.waitForTimeout(100);
  }
}

/** The stream's sent count once nothing is queued or batched and it held for a second. */
async function settledSent(base: string): Promise<number> {
  let last = -1;
  for (let i = 0; i < 60; i++) {
    const st = (await (await fetch(`${base}api/stream/statistics`)).json()) as Record<string, number>;
    if (st.events_sent === last && st.queue_depth === 0 && st.batched === 0) return last;
    last = st.events_sent;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error('the sent count did not settle within a minute');
}

test('the page loads from the server alone (no CDN) with an empty world and a live connection', async (t) => {
  await page.goto(server.url, { waitUntil: 'load' });
  const loadMs = await page.evaluate(() => {
    const [nav] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
    return Math.round(nav.loadEventEnd - nav.startTime);
  });
  t.diagnostic(`first load: ${loadMs} ms`);
  await page.waitForSelector('#conn[data-ok="true"]');
  assert.equal(await text(page, '#count-stores'), '–');
  assert.equal(await text(page, '#stream-state-text'), 'idle');
  const origin = new URL(server.url).origin;
  assert.deepEqual(
    requests.filter((u) => !u.startsWith(origin)),
    [],
    'every request goes to the server that served the page',
  );
  assert.deepEqual(pageErrors, []);
});

test('generating master data from the page shows its progress to the end and the world at a glance', async () => {
  await page.click('#master-start');
  await page.waitForSelector('#master-text[data-status="succeeded"]', { timeout: 60_000 });
  assert.equal(await page.$eval('#master-progress', (e) => (e as HTMLProgressElement).value), 1);
  await page.waitForFunction(() => document.querySelector('#count-stores')?.textContent === '8');
  assert.equal(await text(page, '#count-dcs'), '2');
  assert.equal(await text(page, '#count-products'), '900');
  assert.equal(await text(page, '#count-customers'), '6,000');
  await page.waitForFunction(() => document.querySelectorAll('#map circle.store').length === 8);
  const regionStores = await page.$$eval('#regions-body td.num', (tds) =>
    tds.reduce((a, td) => a + Number(td.textContent), 0),
  );
  assert.equal(regionStores, 8);
  assert.match(await text(page, '#status'), /Master data succeeded/);
});

test('generating a day of history (Enter in the days field) shows its progress and the history range', async () => {
  await page.fill('#history-days', '1');
  // Enter in the field starts it, as the button does.
  await page.press('#history-days', 'Enter');
  await page.waitForSelector('#history-text[data-status="succeeded"]', { timeout: 120_000 });
  assert.equal(await page.$eval('#history-progress', (e) => (e as HTMLProgressElement).value), 1);
  await page.waitForFunction(() => !/none yet/.test(document.querySelector('#history-range')?.textContent ?? ''));
  assert.match(await text(page, '#history-range'), /2024-11-25 00:00:00Z to 2024-11-26 00:00:00Z/);
});

test('a running history job can be cancelled from the page; the days already written are kept', async () => {
  await page.fill('#history-days', '60');
  await page.click('#history-start');
  await page.waitForSelector('#history-text[data-status="running"]');
  await page.waitForFunction(
    () => (document.querySelector('#history-progress') as HTMLProgressElement).value > 0,
    null,
    {
      timeout: 60_000,
    },
  );
  await page.click('#job-cancel');
  await page.waitForSelector('#history-text[data-status="cancelled"]', { timeout: 60_000 });
  assert.match(await text(page, '#status'), /History cancelled/);
  const value = await page.$eval('#history-progress', (e) => (e as HTMLProgressElement).value);
  assert.ok(value > 0 && value < 1, `progress stopped part-way (${value})`);
  await page.waitForFunction(
    () => !/to 2024-11-26 00/.test(document.querySelector('#history-range')?.textContent ?? ''),
  );
  assert.match(await text(page, '#history-range'), /^2024-11-25 00:00:00Z to 2024-1[12]-\d\d/);
});

test('starting the stream from the page moves the counters, the events/s chart and the tail', async (t) => {
  await page.selectOption('#stream-sink', 'file');
  await page.selectOption('#stream-pacing', 'rate');
  await page.fill('#stream-rate', '200');
  await page.click('#stream-start');
  await page.waitForSelector('#stream-state[data-state="running"]');
  assert.equal(await text(page, '#st-pacing'), '200 events/s');
  const first = await waitForNumber(page, '#st-sent', (n) => n > 0);
  await waitForNumber(page, '#st-sent', (n) => n > first);
  await page.waitForFunction(() =>
    /total [1-9]/.test(document.querySelector('#chart-rate')?.getAttribute('aria-label') ?? ''),
  );
  await page.waitForFunction(() => document.querySelectorAll('#tail-body tr[data-type]').length >= 5);
  const legend = await text(page, '#legend-rate');
  assert.match(legend, /total/);
  await page.screenshot({ path: join(artifacts, 'dashboard-streaming.png') });
  await page.screenshot({ path: join(artifacts, 'dashboard-streaming-full.png'), fullPage: true });
  t.diagnostic(`screenshots in ${artifacts}`);
});

test('the tail filters by event type and by store', async () => {
  const type = await page.$eval('#tail-body tr[data-type]', (tr) => tr.getAttribute('data-type') ?? '');
  await page.selectOption('#tail-type', type);
  const types = await page.$$eval('#tail-body tr[data-type]', (trs) => trs.map((tr) => tr.getAttribute('data-type')));
  assert.ok(types.length > 0);
  assert.ok(
    types.every((t) => t === type),
    `only ${type} rows: ${types.join(', ')}`,
  );
  await page.selectOption('#tail-type', '');
  await page.waitForFunction(() => document.querySelectorAll('#tail-store option').length > 1);
  const key = await page.$eval('#tail-store option:nth-child(2)', (o) => (o as HTMLOptionElement).value);
  await page.selectOption('#tail-store', key);
  const keys = await page.$$eval('#tail-body tr[data-key]', (trs) => trs.map((tr) => tr.getAttribute('data-key')));
  assert.ok(
    keys.every((k) => k === key),
    `only ${key} rows: ${keys.join(', ')}`,
  );
  await page.selectOption('#tail-store', '');
});

test('keyboard: Tab reaches the controls with a visible focus, and Enter pauses and resumes the stream', async () => {
  const unnamed = await page.$$eval('input, select, button', (els) =>
    els
      .filter((e) => !(e as HTMLInputElement).labels?.length && !e.getAttribute('aria-label') && !e.textContent?.trim())
      .map((e) => e.id || e.outerHTML),
  );
  assert.deepEqual(unnamed, [], 'every control has a label or a text');
  await page.focus('body');
  const order: string[] = [];
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName || ''));
  }
  for (const id of ['master-start', 'history-days', 'history-start', 'stream-sink', 'stream-start', 'stream-pause']) {
    assert.ok(order.includes(id), `Tab reaches #${id}; order: ${order.join(' ')}`);
  }
  assert.ok(order.indexOf('master-start') < order.indexOf('stream-start'), 'Tab follows the reading order');
  await page.focus('#stream-pause');
  const outline = await page.$eval('#stream-pause', (e) => getComputedStyle(e).outlineStyle);
  assert.notEqual(outline, 'none', 'the focused button shows a focus ring');

  await page.keyboard.press('Enter');
  await page.waitForSelector('#stream-state[data-state="paused"]');
  assert.match(await text(page, '#status'), /paused/i);
  // Events already batched are still delivered: wait until the server's count settles and the page shows it.
  const paused = await settledSent(server.url);
  await waitForNumber(page, '#st-sent', (n) => n === paused);
  await page.waitForTimeout(2500);
  assert.equal(num(await text(page, '#st-sent')), paused, 'no event is sent while paused');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'stream-pause', 'focus stays on the button');

  await page.focus('#stream-resume');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#stream-state[data-state="running"]');
  await waitForNumber(page, '#st-sent', (n) => n > paused);
});

test('stopping the stream from the page drains it, and the page never showed the configured secret', async () => {
  await page.click('#stream-stop');
  await page.waitForSelector('#stream-state[data-state="stopped"]', { timeout: 30_000 });
  assert.match(await text(page, '#status'), /stopped/i);
  assert.deepEqual(pageErrors, []);
  const html = await page.content();
  assert.ok(!html.includes(SECRET), 'the secret is not in the page');
  assert.ok(!html.includes('SharedAccessKey='), 'no connection string is in the page');
});

test('a stream started as fast as possible with an until time ends on its own there', async () => {
  const state = (await (await fetch(`${server.url}api/generators/state`)).json()) as { history_end: string };
  const until = new Date(Date.parse(`${state.history_end}T00:00:00Z`) + 2 * 86_400_000).toISOString().slice(0, 19);
  await page.selectOption('#stream-pacing', 'max');
  assert.equal(await page.isDisabled('#stream-speed'), true);
  assert.equal(await page.isDisabled('#stream-rate'), true);
  await page.fill('#stream-until', until);
  await page.click('#stream-start');
  await page.waitForFunction(() => /Stream started/.test(document.querySelector('#status')?.textContent ?? ''));
  assert.equal(await text(page, '#st-pacing'), 'as fast as the sink takes');
  await page.waitForSelector('#stream-state[data-state="stopped"]', { timeout: 120_000 });
  const status = (await (await fetch(`${server.url}api/stream/status`)).json()) as {
    failure: string | null;
    events_sent: number;
  };
  assert.equal(status.failure, null);
  assert.ok(status.events_sent > 0);
  await waitForNumber(page, '#st-sent', (n) => n === status.events_sent);
  assert.notEqual(await page.getAttribute('#status', 'data-kind'), 'error');
});

test('the dead-letter panel lists the failed events, retries and replays them, and purges them after a confirmation', async () => {
  // A second database whose stream failed for good on two event types, served on its own.
  const dbPath = join(dir, 'dlq.duckdb');
  const config = configSchema.parse({ volume: VOLUME, database: { path: dbPath } });
  const db = await openDatabase(dbPath);
  await generateMaster(config, db);
  const sink = new FaultSink();
  sink.fatalWhen = (e) => e.envelope.event_type === 'store_opened' || e.envelope.event_type === 'store_closed';
  const s = await openStream(config, db, {
    pacing: { mode: 'max' },
    until: Date.parse('2024-01-03T00:00:00Z'),
    sinkInstance: sink,
  });
  await s.pipeline.start();
  await s.pipeline.finished;
  s.dispose();
  db.close();

  const dlqServer = await startServer(['--db', dbPath, ...WORLD, '--set', `sinks.file.dir=${join(dir, 'dlq-out')}`]);
  const p = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  try {
    await p.goto(dlqServer.url);
    await p.waitForFunction(() => Number(document.querySelector('#dlq-total')?.textContent) > 0);
    const total = num(await text(p, '#dlq-total'));
    assert.equal(num(await text(p, '#dlq-pending')), total);
    const rows = await p.$$eval('#dlq-body tr', (trs) => trs.map((tr) => tr.textContent ?? ''));
    assert.ok(rows.length > 0 && rows.every((r) => /store_opened|store_closed/.test(r)), rows.join('\n'));
    await p.locator('#dlq').scrollIntoViewIfNeeded();
    await p.screenshot({ path: join(artifacts, 'dashboard-dead-letters.png') });

    await p.click('#dlq-retry');
    await p.waitForFunction(() => /queued for retry/.test(document.querySelector('#status')?.textContent ?? ''));

    await p.click('#dlq-replay');
    await p.waitForFunction(() => /^Replayed through/.test(document.querySelector('#status')?.textContent ?? ''));
    assert.match(
      await text(p, '#status'),
      new RegExp(`^Replayed through file: ${total.toLocaleString('en-US')} delivered, 0 failed`),
    );
    await p.waitForFunction(() => document.querySelector('#dlq-pending')?.textContent === '0');
    assert.equal(num(await text(p, '#dlq-delivered')), total);

    await p.focus('#dlq-purge');
    await p.keyboard.press('Enter');
    await p.waitForSelector('#dlq-confirm:not([hidden])');
    assert.equal(await p.evaluate(() => document.activeElement?.id), 'dlq-purge-no', 'focus moves to the safe choice');
    assert.equal(num(await text(p, '#dlq-total')), total, 'nothing is purged before the confirmation');
    await p.click('#dlq-purge-yes');
    await p.waitForFunction(() => document.querySelector('#dlq-total')?.textContent === '0');
    assert.match(await text(p, '#status'), new RegExp(`${total.toLocaleString('en-US')} dead letters purged`));
    assert.match(await text(p, '#dlq-body'), /no dead letters/);
  } finally {
    await p.close();
    await dlqServer.stop();
  }
});

test('with an API token the page asks for it, never shows it, and works once it is given', async () => {
  const token = 'e2e-token-0123456789abcdef';
  const secured = await startServer(['--db', join(dir, 'token.duckdb'), ...WORLD], {
    env: { RETAIL_DATAGEN_API_TOKEN: token },
  });
  const p = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  try {
    await p.goto(secured.url);
    await p.waitForSelector('#token-form:not([hidden])');
    assert.equal(await p.evaluate(() => document.activeElement?.id), 'token', 'focus goes to the token field');
    assert.equal(await p.getAttribute('#token', 'type'), 'password');
    assert.match(await text(p, '#status'), /UNAUTHORIZED/);
    assert.equal(await p.getAttribute('#conn', 'data-ok'), 'false');

    await p.fill('#token', 'not-the-token-at-all');
    await p.press('#token', 'Enter');
    await p.waitForSelector('#token-form:not([hidden])');
    assert.match(await text(p, '#status'), /does not match/);

    await p.fill('#token', token);
    await p.press('#token', 'Enter');
    await p.waitForSelector('#conn[data-ok="true"]', { timeout: 30_000 });
    await p.waitForFunction(() => document.querySelector('#stream-state-text')?.textContent === 'idle');
    assert.equal(await p.$eval('#token-form', (f) => (f as HTMLFormElement).hidden), true);
    assert.ok(!(await p.content()).includes(token), 'the token is not in the page');
  } finally {
    await p.close();
    await secured.stop();
  }
});
