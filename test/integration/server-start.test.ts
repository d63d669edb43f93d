import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../../src/store/database.js';
import { BIN } from '../helpers/cli.js';
import { TINY_VOLUME } from './server-helpers.js';

const cwd = mkdtempSync(join(tmpdir(), 'rdg-start-'));
const WORLD = Object.entries(TINY_VOLUME).flatMap(([k, v]) => ['--set', `volume.${k}=${v}`]);

/** Runs `retail-datagen start` in `cwd`, waits for the dashboard's URL, then calls `whileUp` and sends SIGINT. */
async function runStart(whileUp: (url: string) => Promise<void>) {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('RETAIL_DATAGEN_') && !k.startsWith('AZURE_')) env[k] = v;
  const child = spawn(process.execPath, [BIN, 'start', '--port', '0', '--days', '1', ...WORLD], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no dashboard URL within 90 s:\n${stdout}\n${stderr}`)), 90_000);
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then((code) => reject(new Error(`start exited with ${code}:\n${stdout}\n${stderr}`)));
  });
  try {
    await whileUp(url);
  } finally {
    child.kill('SIGINT');
  }
  const code = await exited;
  return { code, stdout, stderr };
}

test('npm start on an empty folder builds the world and history, serves, streams, and stops cleanly on SIGINT', async () => {
  // One day of history: yesterday (UTC); the live stream starts today and catches up with the clock.
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const first = await runStart(async (url) => {
    const health = await fetch(`${url}health`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, 'ok');
    const status = (await (await fetch(`${url}api/stream/status`)).json()) as Record<string, unknown>;
    assert.equal(status.state, 'running');
    assert.equal(status.sink, 'file');
    assert.deepEqual(status.pacing, { mode: 'live' });
    // Catching up from midnight: events flow at once, whatever the time of day.
    const stats = async () =>
      ((await (await fetch(`${url}api/stream/statistics`)).json()) as { events_sent: number }).events_sent;
    const deadline = Date.now() + 30_000;
    while ((await stats()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.ok((await stats()) > 0, 'no event sent while catching up with the clock');
    const state = (await (await fetch(`${url}api/generators/state`)).json()) as Record<string, unknown>;
    assert.equal(state.has_historical_data, true);
    assert.equal(state.history_end, yesterday);
  });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /world written to data\/retail\.duckdb/);
  assert.match(first.stdout, new RegExp(`history ${yesterday} \\.\\. ${yesterday}`));
  assert.match(first.stdout, /live stream file-\w+ live \(catching up with the clock.*\) -> data\/stream/);
  assert.match(first.stdout, /stopped: .* checkpoint at/);
  assert.match(first.stderr, /stopping: draining the stream/);

  // The checkpoint of the stream was saved in the database.
  const db = await openDatabase(join(cwd, 'data/retail.duckdb'));
  const rows = await db.all<{ stream: string }>('SELECT stream FROM stream_checkpoints');
  db.close();
  assert.equal(rows.length, 1);
  assert.match(rows[0].stream, /^file-/);
  assert.ok(existsSync(join(cwd, 'data/stream')));

  // A second start continues: no new world or history, the same stream resumed.
  const second = await runStart(async (url) => {
    assert.equal((await fetch(`${url}ready`)).status, 200);
  });
  assert.equal(second.code, 0, second.stderr);
  assert.doesNotMatch(second.stdout, /world written/);
  assert.match(second.stdout, new RegExp(`history ${yesterday} \\.\\. ${yesterday} \\(.* events\\): continuing`));
  assert.match(second.stdout, new RegExp(`live stream ${rows[0].stream} `));
});
