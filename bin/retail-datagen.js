#!/usr/bin/env node
// Entry point of the retail-datagen command: runs the compiled CLI (built by `npm install`).
//
// `history` on Linux runs in a child process with glibc's malloc limited to 2 arenas (MALLOC_ARENA_MAX, read only
// when a process starts). With the default (8 per core), the memory that DuckDB's threads and the simulation's
// worker thread free stays spread over many arenas, and a long history's RSS creeps up with the database: a year of
// the default world peaked at 1,152 MiB, with 2 arenas at 1,059 MiB at the same speed (with DuckDB's buffers at
// 128 MB as well: 1,002 MiB; this process takes about 43 MiB more). Setting MALLOC_ARENA_MAX yourself (any value)
// runs the command in this process.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  console.error('retail-datagen is not built yet: run `npm install` (or `npm run build`) in the project folder.');
  process.exit(1);
}

const ARENAS = '2';
const LIMITED = new Set(['history']);
/** Set in the child's environment: it was started by the lines below, over a channel. */
const LAUNCHED = 'RETAIL_DATAGEN_LAUNCHED';

if (process.platform === 'linux' && process.env.MALLOC_ARENA_MAX === undefined && LIMITED.has(process.argv[2])) {
  // The child has its own process group, so that a Ctrl-C reaches it once (forwarded from here), not twice (the
  // command treats a second one as "quit at once"); a channel to it tells it when this process is gone.
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, MALLOC_ARENA_MAX: ARENAS, [LAUNCHED]: '1' },
      detached: true,
    },
  );
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const forward = (signal) => child.kill(signal);
  for (const s of signals) process.on(s, forward);
  child.on('error', (err) => {
    console.error(`retail-datagen: could not start the command: ${err.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    for (const s of signals) process.off(s, forward);
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
} else {
  if (process.env[LAUNCHED] === '1' && process.channel) {
    delete process.env[LAUNCHED];
    // Started by the lines above: if that process is killed (kill -9 included), stop as abruptly, as this one would
    // have been; the channel does not keep this process alive.
    process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
    process.channel.unref();
  }
  await import(cli.href);
}
