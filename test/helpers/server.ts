// Runs the built `retail-datagen serve` in a child process on a free loopback port, as a user would, and stops it.

import { spawn } from 'node:child_process';
import { BIN } from './cli.js';

export interface ServerProcess {
  /** Base URL, e.g. http://127.0.0.1:40123/ */
  url: string;
  output: () => string;
  /** Sends SIGTERM (the server drains) and waits for the exit; SIGKILL after 30 s. */
  stop: () => Promise<number | null>;
}

/**
 * Starts `retail-datagen serve --host 127.0.0.1 --port 0 ...args` and resolves once it prints its URL; the
 * environment is cleaned of RETAIL_DATAGEN_* and Azure variables unless given in `opts.env`.
 * @example const server = await startServer(['--db', dbPath]); t.after(() => server.stop());
 */
export function startServer(
  args: readonly string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): Promise<ServerProcess> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('RETAIL_DATAGEN_') && !k.startsWith('AZURE_')) env[k] = v;
  }
  Object.assign(env, opts.env);
  const child = spawn(process.execPath, [BIN, 'serve', '--host', '127.0.0.1', '--port', '0', ...args], {
    cwd: opts.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`serve did not print its URL within 60 s:\n${out}`));
    }, 60_000);
    const onData = (d: Buffer) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m && Number(m[1]) > 0) {
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${m[1]}/`, output: () => out, stop });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before printing its URL:\n${out}`));
    });
  });
}
