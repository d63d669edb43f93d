#!/usr/bin/env node
// `npm test`: builds, starts what the tests need (a real Kafka broker unless KAFKA_BOOTSTRAP_SERVERS is set; Chromium
// for the browser tests), runs every test.

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.argv.slice(2);

function testFiles(dir) {
  try {
    return readdirSync(join(root, dir), { recursive: true })
      .filter((f) => String(f).endsWith('.test.ts'))
      .map((f) => join(dir, String(f)))
      .sort();
  } catch {
    return [];
  }
}

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

// CLI tests run the built command, so build first.
if (run('npm', ['run', '--silent', 'build']) !== 0) process.exit(1);

const files = [
  ...testFiles('src'),
  ...testFiles('web/src'),
  ...testFiles('test/integration'),
  ...testFiles('test/e2e'),
].filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}

const env = { ...process.env };
const hooks = [];
// Browser tests drive Debian's Chromium; install it (apt-get, as root) on a machine that lacks it.
if (files.some((f) => f.startsWith(join('test', 'e2e')))) {
  const { ensureChromium } = await import('./browser/ensure-chromium.mjs');
  env.CHROMIUM_PATH = ensureChromium();
}
// The broker test owns its brokers (it kills and restarts them); other Kafka tests share one.
const needsKafka = files.some((f) => /kafka/i.test(f) && !f.endsWith('kafka-broker.test.ts'));
if (needsKafka && !env.KAFKA_BOOTSTRAP_SERVERS) {
  const { startBroker } = await import('./kafka/broker.mjs');
  const broker = await startBroker();
  env.KAFKA_BOOTSTRAP_SERVERS = broker.bootstrap;
  env.RETAIL_DATAGEN_TEST_SHARED_BROKER = '1';
  hooks.push(() => broker.stop());
  console.log(`kafka broker for tests at ${broker.bootstrap}`);
}

let code;
try {
  code = run(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      '--test-concurrency=2',
      '--test-reporter=spec',
      ...files.map((f) => relative(root, join(root, f))),
    ],
    env,
  );
} finally {
  for (const h of hooks.reverse()) await h();
}
process.exit(code);
