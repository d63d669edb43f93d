// Exactly once on a real broker: `stream --exactly-once` killed with -9 mid-run and run again; a read_committed
// consumer then sees every event of the deterministic stream once, with no gap and no duplicate.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Admin, ListOffsetTimestamps } from '@platformatic/kafka';
import { startBroker } from '../../scripts/kafka/broker.mjs';
import { BIN, runCli } from '../helpers/cli.js';
import { readTopic } from '../helpers/kafka.js';

const own = process.env.KAFKA_BOOTSTRAP_SERVERS ? null : await startBroker({ record: false });
const bootstrap = process.env.KAFKA_BOOTSTRAP_SERVERS?.split(',')[0] ?? own!.bootstrap;
const dir = mkdtempSync(join(tmpdir(), 'rdg-kafka-eos-'));

test.after(async () => {
  await own?.stop();
});

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
const UNTIL = '2024-01-02T12:00:00Z';

function readFileEvents(out: string): string[] {
  const ids: string[] = [];
  for (const d of readdirSync(out))
    for (const f of readdirSync(join(out, d)))
      for (const line of readFileSync(join(out, d, f), 'utf8')
        .split('\n')
        .slice(0, -1))
        ids.push((JSON.parse(line) as { event_id: string }).event_id);
  return ids;
}

async function endOffsets(topic: string): Promise<number> {
  const admin = new Admin({ clientId: 'rdg-eos-test', bootstrapBrokers: [bootstrap] });
  try {
    if (!(await admin.listTopics()).includes(topic)) return 0;
    const [t] = await admin.listOffsets({
      topics: [
        {
          name: topic,
          partitions: [0, 1, 2].map((partitionIndex) => ({ partitionIndex, timestamp: ListOffsetTimestamps.LATEST })),
        },
      ],
    });
    return t.partitions.reduce((s, p) => s + Number(p.offset), 0);
  } finally {
    await admin.close();
  }
}

test('kill -9 of an exactly-once stream, then the same command: a read_committed consumer sees every event once', {
  timeout: 600_000,
}, async (t) => {
  const base = join(dir, 'base.duckdb');
  const m = await runCli(['master', '--db', base, ...WORLD]);
  assert.equal(m.code, 0, m.stderr);
  const copy = (name: string) => {
    const p = join(dir, `${name}.duckdb`);
    copyFileSync(base, p);
    if (existsSync(`${base}.wal`)) copyFileSync(`${base}.wal`, `${p}.wal`);
    return p;
  };

  // The deterministic expectation: the same stream, written to files.
  const files = join(dir, 'expected');
  const clean = await runCli([
    'stream',
    '--db',
    copy('expected'),
    '--sink',
    'file',
    '--set',
    `sinks.file.dir=${files}`,
    '--speed',
    'max',
    '--until',
    UNTIL,
    ...WORLD,
  ]);
  assert.equal(clean.code, 0, clean.stderr);
  const expected = readFileEvents(files);
  assert.ok(expected.length > 10_000, `${expected.length} events`);

  const topic = `rdg-eos-${Date.now()}`;
  const args = [
    'stream',
    '--db',
    copy('eos'),
    '--sink',
    'kafka',
    '--exactly-once',
    '--set',
    `sinks.kafka.brokers=["${bootstrap}"]`,
    '--set',
    'sinks.kafka.partitions=3',
    '--set',
    `stream.hub=${topic}`,
    '--name',
    topic,
    '--speed',
    'max',
    '--until',
    UNTIL,
    ...WORLD,
  ];
  const child = spawn(process.execPath, [BIN, ...args], { stdio: 'ignore' });
  const killedAt = await new Promise<number>((resolve, reject) => {
    let polling = false;
    const poll = setInterval(async () => {
      if (polling) return;
      polling = true;
      const n = await endOffsets(topic).catch(() => 0);
      polling = false;
      if (n > expected.length * 0.3) {
        clearInterval(poll);
        child.kill('SIGKILL');
        resolve(n);
      }
    }, 100);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') return;
      clearInterval(poll);
      reject(new Error(`the stream ended (code ${code}) before it could be killed`));
    });
  });
  await new Promise((r) => child.once('close', r));
  assert.ok(killedAt < expected.length, 'killed mid-run');

  const again = await runCli(args);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /exactly once/);
  assert.match(again.stderr, /resuming after event/);

  const got = (await readTopic({ bootstrapBrokers: [bootstrap] }, topic, expected.length)).map(
    (r) => r.headers.get('event_id') ?? '',
  );
  const seen = new Set(got);
  assert.equal(seen.size, got.length, `no duplicates (${got.length - seen.size})`);
  assert.equal(got.length, expected.length, 'as many events as the stream has');
  assert.deepEqual([...seen].sort(), [...expected].sort(), 'the same events');
  // The records of the transaction that the kill cut short are in the log, aborted: only read_uncommitted sees them.
  const uncommitted = await readTopic({ bootstrapBrokers: [bootstrap] }, topic, expected.length, {
    readUncommitted: true,
  });
  assert.ok(uncommitted.length >= got.length);
  t.diagnostic(
    `${expected.length} events; killed at ${killedAt} records; ${again.stderr.match(/resuming after event [\d,]+/)?.[0]}; ${uncommitted.length - got.length} aborted records`,
  );
});
