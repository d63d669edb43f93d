// Benchmark: the Event Hubs sink against the local protocol double (test/helpers/eventhubs-double.ts), at the
// default config and with larger pipeline batches: events/s, batch fill ratio (bytes sent / batch limit) and
// the most batches in flight. The double is not Event Hubs: the figures measure the client and the sink.
// Run: node --import tsx bench/eventhubs.ts [--events N]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../src/config/schema.js';
import { generateMaster } from '../src/jobs/master.js';
import { openStream } from '../src/jobs/stream.js';
import type { EventHubsSink } from '../src/sinks/eventhubs/sink.js';
import { openDatabase } from '../src/store/database.js';
import { EventHubsDouble } from '../test/helpers/eventhubs-double.js';
import { machine, printTable } from './machine.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const events = Number(arg('events', '100000'));
const dir = mkdtempSync(join(tmpdir(), 'rdg-bench-eh-'));
const eh = await EventHubsDouble.start({ partitions: 4 });
const rows: Record<string, string | number>[] = [];
const cases: [string, Record<string, unknown>][] = [
  ['default (256 events/batch)', {}],
  ['realtime.max_batch_size=4096', { max_batch_size: 4096 }],
];
let n = 0;
for (const [label, realtime] of cases) {
  const config = configSchema.parse({
    stream: { sink: 'eventhubs' },
    realtime: { azure_connection_string: eh.connectionString(), ...realtime },
    database: { path: join(dir, `b${++n}.duckdb`) },
  });
  const db = await openDatabase(config.database.path);
  await generateMaster(config, db);
  eh.batches.length = 0;
  const s = await openStream(config, db, { pacing: { mode: 'max' }, maxEvents: events });
  const started = performance.now();
  await s.pipeline.start();
  await s.pipeline.finished;
  const seconds = (performance.now() - started) / 1000;
  s.dispose();
  db.close();
  const st = (s.sink as EventHubsSink).stats;
  rows.push({
    config: label,
    events: st.events,
    'events/s': Math.round(st.events / seconds),
    batches: st.batches,
    'events/batch': Math.round(st.events / st.batches),
    'fill ratio': `${((100 * st.bytes) / st.capacity).toFixed(1)}%`,
    'max in flight': st.maxInFlight,
  });
}
await eh.close();
rmSync(dir, { recursive: true, force: true });
console.log(`node --import tsx bench/eventhubs.ts --events ${events}; ${machine()}`);
printTable(rows);
