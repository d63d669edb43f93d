// bin/retail-datagen.js runs `history` and `stream` in a child process with glibc's malloc limited to 2 arenas (and
// for a stream, a larger young generation): the child gets them, signals reach it once, and it does not outlive the
// command when that is killed.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BIN, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rdg-launcher-'));
const WORLD = ['--set', 'volume.stores=5', '--set', 'volume.dcs=2', '--set', 'volume.total_customers=4000'];
const linux = process.platform === 'linux';

async function masterDb(name: string): Promise<string> {
  const db = join(dir, `${name}.duckdb`);
  const m = await runCli(['master', '--db', db, ...WORLD]);
  assert.equal(m.code, 0, m.stderr);
  return db;
}

function env(extra: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'MALLOC_ARENA_MAX') out[k] = v;
  return { ...out, ...extra };
}

/** Starts `history` on `db` for many days; resolves its exit with what it wrote to stderr. */
function startHistory(db: string, extraEnv: Record<string, string> = {}) {
  return start(['history', '--db', db, '--days', '400', ...WORLD], extraEnv);
}

function start(args: string[], extraEnv: Record<string, string> = {}, nodeArgs: string[] = []) {
  const child = spawn(process.execPath, [...nodeArgs, BIN, ...args], {
    env: env(extraEnv),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, exit, stderr: () => stderr };
}

/** The process ids of `pid`'s children. */
function childrenOf(pid: number): number[] {
  const f = `/proc/${pid}/task/${pid}/children`;
  if (!existsSync(f)) return [];
  return readFileSync(f, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

/** Waits until the history writes to `db` (its write-ahead log exists), past the point where it handles signals. */
async function writing(db: string): Promise<void> {
  await waitFor('the history to write', () => (existsSync(`${db}.wal`) ? true : undefined));
  await sleep(300);
}

/** The command's child once started: its pid, environment and command line. */
async function launched(parent: number) {
  const pid = await waitFor('the child process', () => childrenOf(parent)[0]);
  // Between fork and exec the child still shows the command's environment: wait for the one it was started with.
  const environ = await waitFor('the child to start', () => {
    const vars = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    return vars.includes('RETAIL_DATAGEN_LAUNCHED=1') ? vars : undefined;
  });
  return { pid, environ, argv: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0') };
}

async function waitFor<T>(what: string, get: () => T | undefined, seconds = 60): Promise<T> {
  for (const end = Date.now() + seconds * 1000; Date.now() < end; await sleep(50)) {
    const v = get();
    if (v !== undefined) return v;
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('history runs in a child with MALLOC_ARENA_MAX=2; a signal reaches it once and it stops after the day', {
  skip: !linux,
}, async () => {
  const db = await masterDb('signal');
  const h = startHistory(db);
  const { pid, environ } = await launched(h.child.pid!);
  assert.ok(environ.includes('MALLOC_ARENA_MAX=2'), 'the child has the limit');
  // Let it write, then ask it to stop.
  await writing(db);
  h.child.kill('SIGINT');
  const r = await h.exit;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr.match(/stopping after the current day/g)?.length, 1, r.stderr);
  assert.ok(!existsSync(`/proc/${pid}`), 'the child is gone');
});

test('kill -9 of the command takes its child with it', { skip: !linux }, async () => {
  const db = await masterDb('kill');
  const h = startHistory(db);
  const pid = await waitFor('the child process', () => childrenOf(h.child.pid!)[0]);
  await writing(db);
  h.child.kill('SIGKILL');
  await h.exit;
  await waitFor('the child to end', () => (existsSync(`/proc/${pid}`) ? undefined : true), 10);
});

test('with MALLOC_ARENA_MAX set, history runs in the command itself', { skip: !linux }, async () => {
  const db = await masterDb('set');
  const h = startHistory(db, { MALLOC_ARENA_MAX: '4' });
  await writing(db);
  assert.deepEqual(childrenOf(h.child.pid!), []);
  h.child.kill('SIGTERM');
  const r = await h.exit;
  assert.equal(r.code, 0, r.stderr);
});

test('a stream runs in a child with the limit and a larger young generation, unless given', {
  skip: !linux,
}, async () => {
  const db = await masterDb('stream');
  const out = join(dir, 'out');
  const args = ['stream', '--db', db, '--sink', 'file', '--set', `sinks.file.dir=${out}`, ...WORLD];
  // Streaming once it writes (past the point where it handles signals).
  const streaming = () => waitFor('the stream to write', () => (existsSync(out) ? true : undefined));
  const h = start([...args, '--rate', '100']);
  const { environ, argv } = await launched(h.child.pid!);
  assert.ok(environ.includes('MALLOC_ARENA_MAX=2'));
  assert.ok(argv.includes('--max-semi-space-size=64'), argv.join(' '));
  await streaming();
  h.child.kill('SIGTERM');
  assert.equal((await h.exit).code, 0);
  // Given on node's command line: kept, not added again.
  rmSync(out, { recursive: true });
  const mine = start([...args, '--rate', '100'], {}, ['--max-semi-space-size=32']);
  const child = await launched(mine.child.pid!);
  assert.deepEqual(
    child.argv.filter((a) => a.startsWith('--max-semi-space-size')),
    ['--max-semi-space-size=32'],
  );
  await streaming();
  mine.child.kill('SIGTERM');
  assert.equal((await mine.exit).code, 0);
});
