import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BIN, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rdg-stream-'));
const WORLD = [
  '--set',
  'volume.stores=8',
  '--set',
  'volume.dcs=2',
  '--set',
  'volume.total_customers=6000',
  '--set',
  'volume.total_products=900',
  '--set',
  'volume.customers_per_day=300',
  '--set',
  'volume.online_orders_per_day=200',
  '--set',
  'volume.marketing_impressions_per_day=2000',
];
const UNTIL = '2024-11-28T18:00:00Z';

const base = join(dir, 'base.duckdb');
assert.equal((await runCli(['master', '--db', base, ...WORLD])).code, 0);
const h = await runCli(['history', '--db', base, '--days', '2', '--start', '2024-11-25', ...WORLD]);
assert.equal(h.code, 0, h.stderr);

function copyDb(name: string): string {
  const p = join(dir, `${name}.duckdb`);
  copyFileSync(base, p);
  if (existsSync(`${base}.wal`)) copyFileSync(`${base}.wal`, `${p}.wal`);
  return p;
}

function readEvents(out: string): Record<string, unknown>[] {
  if (!existsSync(out)) return [];
  const events: Record<string, unknown>[] = [];
  for (const d of readdirSync(out)) {
    for (const f of readdirSync(join(out, d))) {
      const lines = readFileSync(join(out, d, f), 'utf8').split('\n');
      // The last piece is empty, or a line still being written while a running stream is polled.
      for (const line of lines.slice(0, -1)) events.push(JSON.parse(line));
    }
  }
  return events;
}

/** Waits until the stream has written at least `n` events (or fails after a minute). */
async function waitForEvents(out: string, n: number): Promise<number> {
  const until = Date.now() + 60_000;
  for (;;) {
    const got = readEvents(out).length;
    if (got >= n) return got;
    if (Date.now() > until) throw new Error(`only ${got} events written`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

const streamArgs = (db: string, out: string, extra: string[] = []) => [
  'stream',
  '--db',
  db,
  '--sink',
  'file',
  '--set',
  `sinks.file.dir=${out}`,
  ...WORLD,
  ...extra,
];

const cleanOut = join(dir, 'clean');
const clean = await runCli(streamArgs(copyDb('clean'), cleanOut, ['--speed', 'max', '--until', UNTIL]));
assert.equal(clean.code, 0, clean.stderr);
const cleanEvents = readEvents(cleanOut);
const cleanIds = cleanEvents.map((e) => e.event_id as string);

test('a clean stream delivers each event once', () => {
  assert.ok(cleanIds.length > 20_000, `${cleanIds.length} events`);
  assert.equal(new Set(cleanIds).size, cleanIds.length);
});

test('the first live day continues the history with no gap and no repeat', async () => {
  const g = await runCli(['generate', '--days', '4', '--start', '2024-11-25', ...WORLD]);
  assert.equal(g.code, 0, g.stderr);
  const until = Date.parse(UNTIL);
  const expected = g.stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((e) => !/-2024112[56]-/.test(e.event_id) && Date.parse(e.event_ts) < until);
  const key = (e: Record<string, unknown>) => `${e.event_id}|${e.event_ts}|${JSON.stringify(e.payload)}`;
  assert.deepEqual(cleanEvents.map(key).sort(), expected.map(key).sort());
  // Receipts, stock and trucks pick up where the history stopped: the first live receipt number of a store is 1
  // on a new day, and stock moves start from the history's last quantities (checked by the equality above).
  assert.ok(cleanEvents.some((e) => e.event_type === 'truck_arrived'));
});

test('kill -9 in the middle of a stream, then the same command: every event arrives, nothing else', async () => {
  const db = copyDb('killed');
  const out = join(dir, 'killed');
  // Each batch synced to disk: at full speed the stream would otherwise end (~40,000 events in a fraction of a
  // second) between two looks at its files.
  const args = streamArgs(db, out, [
    '--speed',
    'max',
    '--until',
    UNTIL,
    '--set',
    'pipeline.checkpoint_interval_ms=100',
    '--set',
    'sinks.file.fsync=true',
  ]);
  const child = spawn(process.execPath, [BIN, ...args], { stdio: 'ignore' });
  const killedAt = await new Promise<number>((resolve, reject) => {
    const poll = setInterval(() => {
      const n = readEvents(out).length;
      if (n > cleanIds.length * 0.3) {
        clearInterval(poll);
        child.kill('SIGKILL');
        resolve(n);
      }
    }, 30);
    child.on('exit', () => {
      clearInterval(poll);
      reject(new Error('the stream ended before it could be killed'));
    });
  });
  await new Promise((r) => child.once('close', r));
  assert.ok(killedAt < cleanIds.length);
  const again = await runCli(args);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /resuming after event/);
  const ids = readEvents(out).map((e) => e.event_id as string);
  const got = new Set(ids);
  assert.deepEqual([...got].sort(), [...cleanIds].sort(), 'no event missing and none outside the clean run');
  // Duplicates are the events in flight at the kill: delivered after the last saved checkpoint, queued or batched.
  // They form one run of the stream right after the checkpoint, no longer than the queue, a batch and what one
  // checkpoint interval (100 ms here) can deliver.
  const seen = new Map<string, number>();
  for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
  const positions = cleanIds.map((id, i) => (seen.get(id)! > 1 ? i : -1)).filter((i) => i >= 0);
  if (positions.length > 0) {
    assert.equal(
      positions[positions.length - 1] - positions[0] + 1,
      positions.length,
      'duplicates are one contiguous run of the stream',
    );
  }
  assert.ok(
    positions.length <= 10_000 + 2 * 256 + 10_000,
    `duplicates (${positions.length}) are at most what was in flight`,
  );
});

test('SIGTERM drains: everything generated is delivered and the checkpoint matches', async () => {
  const db = copyDb('term');
  const out = join(dir, 'term');
  const child = spawn(process.execPath, [BIN, ...streamArgs(db, out, ['--rate', '20000', '--name', 'term'])], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  await waitForEvents(out, 3000);
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((r) => child.once('close', r));
  assert.equal(code, 0, stderr);
  const m = /([\d,]+) generated, ([\d,]+) sent, 0 dead-lettered, 0 dropped.*checkpoint ([\d,]+)/.exec(stderr);
  assert.ok(m, stderr);
  const [generated, sent, checkpoint] = m.slice(1, 4).map((x) => Number(x.replace(/,/g, '')));
  assert.ok(generated > 1000);
  assert.equal(sent, generated);
  assert.equal(checkpoint, generated);
  const ids = readEvents(out).map((e) => e.event_id as string);
  assert.equal(ids.length, generated);
  assert.deepEqual(
    ids.slice().sort(),
    cleanIds.slice(0, generated).slice().sort(),
    'the delivered events are the first ones of the stream',
  );
});
