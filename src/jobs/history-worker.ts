// A history worker thread: simulates its part of the DCs batch by batch, each batch into its own DuckDB file
// that the main thread merges (a DuckDB instance cannot be shared between threads).

import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { configSchema } from '../config/schema.js';
import { buildContext } from '../simulate/context.js';
import { type Part, type Shard, type SimSnapshot, Simulator } from '../simulate/simulator.js';
import { openDatabase } from '../store/database.js';
import { FactWriter } from '../store/fact-writer.js';
import { buildWorld } from '../world/build.js';

export interface WorkerInit {
  config: unknown;
  startDay: number;
  shard: Shard;
  part: Part;
  snapshot?: SimSnapshot;
  dir: string;
}

export type WorkerRequest = { type: 'batch'; days: number } | { type: 'exit' };
export type WorkerReply =
  | { type: 'done'; file: string; snapshot: SimSnapshot; events: number; rows: number; nextDay: number }
  | { type: 'error'; message: string };

const init = workerData as WorkerInit;
const config = configSchema.parse(init.config);
const ctx = buildContext(config, buildWorld(config));
const sim = new Simulator(ctx, init.startDay, init.shard, init.snapshot, init.part);
const port = parentPort!;

async function batch(days: number): Promise<WorkerReply> {
  const file = join(init.dir, `part${init.part.index}-day${sim.day}.duckdb`);
  const db = await openDatabase(file, { threads: 1, memoryLimit: '128MB' });
  const writer = await FactWriter.open(db);
  try {
    for (let d = 0; d < days; d++) sim.streamDay((events) => writer.write(events));
    writer.flush();
  } finally {
    writer.close();
  }
  await db.run('CHECKPOINT');
  db.close();
  return { type: 'done', file, snapshot: sim.snapshot(), events: writer.events, rows: writer.rows, nextDay: sim.day };
}

port.on('message', (msg: WorkerRequest) => {
  if (msg.type === 'exit') {
    port.close();
    return;
  }
  batch(msg.days).then(
    (reply) => port.postMessage(reply),
    (err: Error) => port.postMessage({ type: 'error', message: err.stack ?? err.message } satisfies WorkerReply),
  );
});
