// Using retail-datagen as a library: typed events from a world, and a scoped live stream with hooks.
// Run: node --import tsx examples/library.ts [database-file]
import { openWorld, type Sink, Streamer } from 'retail-datagen';

const config = { seed: 7, volume: { stores: 4, dcs: 2, total_customers: 2000, total_products: 500 } };

// One event of a type at a time, and a mix with chosen weights.
const world = openWorld(config);
const receipt = world.generateEvent('receipt_created', '2024-03-01T15:00:00Z');
console.log(`receipt ${receipt.payload.receipt_id}: ${receipt.payload.total} USD at store ${receipt.payload.store_id}`);
const mix = world.generateMixed(100, '2024-03-01T12:00:00Z', { customer_entered: 2, receipt_created: 1 });
console.log(`${mix.length} mixed events, first ${mix[0].event_type} at ${mix[0].event_ts}`);

// Any object with open/send/close is a sink: here, counting receipts.
let receipts = 0;
const sink: Sink = {
  kind: 'counter',
  open: async () => {},
  send: async (batch) =>
    batch.events.map((e) => {
      if (e.envelope.event_type === 'receipt_created') receipts++;
      return { ok: true };
    }),
  close: async () => {},
};

// The streamer stops, drains and saves its checkpoint when the block ends.
{
  await using streamer = await Streamer.open({
    config,
    db: process.argv[2] ?? 'data/example.duckdb',
    sink,
    pacing: { mode: 'max' },
    maxEvents: 5000,
    hooks: { batchSent: (batch, ms) => void (ms > 1000 && console.log(`slow batch of ${batch.events.length}`)) },
  });
  await streamer.start();
  await streamer.finished;
  const stats = streamer.statistics();
  console.log(
    `streamed ${stats.events_sent} events (${receipts} receipts), checkpoint at ${stats.checkpoint.position}`,
  );
}
