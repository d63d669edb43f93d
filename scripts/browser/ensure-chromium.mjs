#!/usr/bin/env node
// Finds the Chromium the browser tests drive (CHROMIUM_PATH, else Debian's /usr/bin/chromium), installing Debian's
// `chromium` package with apt-get when it is missing and we run as root. Prints the path when run as a script.

import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
}

/**
 * Returns the path of an installed Chromium, installing it first when needed.
 * @example const path = ensureChromium(); // '/usr/bin/chromium'
 */
export function ensureChromium() {
  const wanted = process.env.CHROMIUM_PATH;
  if (wanted) {
    if (!executable(wanted)) throw new Error(`CHROMIUM_PATH=${wanted} is not an executable file`);
    return wanted;
  }
  if (executable(DEFAULT_CHROMIUM)) return DEFAULT_CHROMIUM;
  const canApt = process.platform === 'linux' && process.getuid?.() === 0 && executable('/usr/bin/apt-get');
  if (!canApt) {
    throw new Error(
      `no Chromium at ${DEFAULT_CHROMIUM}: install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
  console.log('installing chromium for the browser tests (apt-get)');
  run('apt-get', ['update']);
  run('apt-get', ['install', '-y', 'chromium']);
  if (!executable(DEFAULT_CHROMIUM)) throw new Error(`apt-get installed chromium but ${DEFAULT_CHROMIUM} is missing`);
  return DEFAULT_CHROMIUM;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    console.log(ensureChromium());
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
