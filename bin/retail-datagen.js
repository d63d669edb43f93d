#!/usr/bin/env node
// Entry point of the retail-datagen command: runs the compiled CLI (built by `npm install`).
//
// On Linux, the commands that run a history or a stream run in a child process started with what can only be set
// when a process starts:
// - glibc's malloc limited to 2 arenas (MALLOC_ARENA_MAX). With the default (8 per core), the memory that DuckDB's
//   threads and the simulation's worker thread free stays spread over many arenas, and a long history's RSS creeps
//   up with the database: a year of the default world peaked at 1,152 MiB, with 2 arenas at 1,059 MiB at the same
//   speed (with DuckDB's buffers at 96 MB as well: 968 MiB; this process takes about 43 MiB more). Setting
//   MALLOC_ARENA_MAX yourself (any value) keeps yours.
// - for a stream, a young generation of 64 MB semi-spaces on the main thread (V8's default is 16): the queue and the
//   batches of events in flight survive fewer collections (bench/pipeline.ts --cases max, 3 alternating runs:
//   111,292 / 101,523 / 118,218 events/s with the default, 119,258 / 119,414 / 121,965 with 64). Given on node's
//   command line or in NODE_OPTIONS, yours is kept.
// When nothing is left to set, the command runs in this process.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  console.error('retail-datagen is not built yet: run `npm install` (or `npm run build`) in the project folder.');
  process.exit(1);
}

const ARENAS = '2';
const SEMI_SPACE = '--max-semi-space-size';
/** What each command needs set at the start of its process. */
const NEEDS = {
  history: { arenas: true, flags: [] },
  stream: { arenas: true, flags: [`${SEMI_SPACE}=64`] },
  start: { arenas: true, flags: [`${SEMI_SPACE}=64`] },
  serve: { arenas: true, flags: [`${SEMI_SPACE}=64`] },
};
/** Set in the child's environment: it was started by the lines below, over a channel. */
const LAUNCHED = 'RETAIL_DATAGEN_LAUNCHED';

/** The env and node flags the command still needs, or null when this process has them. */
function missing(command) {
  const need = Object.hasOwn(NEEDS, command) ? NEEDS[command] : undefined;
  if (process.platform !== 'linux' || need === undefined || process.env[LAUNCHED] !== undefined) return null;
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  const flags = need.flags.filter((f) => !given.some((g) => g.startsWith(f.split('=')[0])));
  const env = need.arenas && process.env.MALLOC_ARENA_MAX === undefined ? { MALLOC_ARENA_MAX: ARENAS } : {};
  return flags.length > 0 || Object.keys(env).length > 0 ? { env, flags } : null;
}

const launch = missing(process.argv[2]);
if (launch !== null) {
  // The child has its own process group, so that a Ctrl-C reaches it once (forwarded from here), not twice (the
  // command treats a second one as "quit at once"); a channel to it tells it when this process is gone.
  const child = spawn(
    process.execPath,
    [...process.execArgv, ...launch.flags, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...launch.env, [LAUNCHED]: '1' },
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
