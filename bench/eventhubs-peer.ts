// The Event Hubs protocol double (test/helpers/eventhubs-double.ts) on a worker thread, for bench/eventhubs.ts: the
// service's side (decoding what arrives) does not share the client's thread, as with a real, remote Event Hubs.
// Messages: 'stats' answers what arrived since the last 'stats'; 'close' stops it.

import { parentPort, workerData } from 'node:worker_threads';
import { EventHubsDouble } from '../test/helpers/eventhubs-double.js';

export interface PeerStats {
  batches: number;
  events: number;
  bytes: number;
  largest: number;
}

const port = parentPort!;
const eh = await EventHubsDouble.start({
  partitions: (workerData as { partitions: number }).partitions,
  keepEvents: false,
});
port.postMessage({ connectionString: eh.connectionString() });
port.on('message', async (m: string) => {
  if (m === 'stats') {
    const b = eh.batches.splice(0);
    const stats: PeerStats = {
      batches: b.length,
      events: b.reduce((s, x) => s + x.count, 0),
      bytes: b.reduce((s, x) => s + x.bytes, 0),
      largest: b.reduce((s, x) => Math.max(s, x.bytes), 0),
    };
    port.postMessage(stats);
  } else if (m === 'close') {
    await eh.close();
    port.close();
  }
});
