import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SimEvent } from '../simulate/event-buffer.js';
import { ChunkAppender } from './chunk-appender.js';
import { buffersOf, FactChunkBuilder } from './chunk-builder.js';
import { openDatabase } from './database.js';

// Text of every kind the builder lays out: inline (up to 12 bytes), exactly 12, longer (in the heap), non-ASCII
// short and long (UTF-8 longer than its characters), empty.
const TEXTS = ['a', 'exactly12chr', 'thirteen char', 'zoné', 'ünïcödé-lönger-text', 'ÅÅÅÅÅÅÅ', ''];

function ping(i: number): SimEvent {
  return {
    event_type: 'ble_ping_detected',
    ts: Date.UTC(2024, 0, 1) + i,
    partition_key: 'store_1',
    payload: {
      store_id: 1 + (i % 7),
      beacon_id: TEXTS[i % TEXTS.length],
      // ASCII only, short and long: laid out from the column's text encoded at once
      customer_ble_id: i % 2 ? `BLE-${i}` : `BLE-${i}-with-a-longer-tail`,
      rssi: -1 - (i % 119),
      zone: TEXTS[(i * 3) % TEXTS.length],
    },
    trace_id: 't',
    event_id: `e-${String(i).padStart(7, '0')}`,
  };
}

test('chunks stored across several appender flushes in one transaction keep every row and value', async () => {
  const db = await openDatabase(':memory:');
  try {
    const appender = await ChunkAppender.open(db);
    const builder = new FactChunkBuilder();
    const n = 300_000; // more than two of the appender's flushes (a row group each)
    await db.run('BEGIN TRANSACTION');
    const store = (c: Parameters<ChunkAppender['append']>[0]) => {
      appender.append(c);
      builder.pool.put(buffersOf(c)); // reused buffers hold old contents: the builder must overwrite them
    };
    for (let at = 0; at < n; at += 10_000) {
      builder.add(
        Array.from({ length: 10_000 }, (_, k) => ping(at + k)),
        store,
      );
    }
    builder.flush(store);
    appender.flush();
    await db.run('COMMIT');
    appender.close();
    const [count] = await db.all<{ n: number; ids: number }>(
      'SELECT count(*)::INT AS n, count(DISTINCT event_id)::INT AS ids FROM fact_ble_pings',
    );
    assert.deepEqual(count, { n, ids: n });
    const rows = await db.all<Record<string, unknown>>(
      `SELECT event_id, epoch_ms(event_ts) AS ts, store_id, beacon_id, customer_ble_id, rssi, zone FROM fact_ble_pings
       WHERE event_id IN ('e-0000000', 'e-0000001', 'e-0000003', 'e-0122881', 'e-0299999', 'e-0150004', 'e-0150006')
       ORDER BY event_id`,
    );
    const expected = [0, 1, 3, 122_881, 150_004, 150_006, 299_999].map((i) => {
      const e = ping(i);
      const p = e.payload;
      return {
        event_id: e.event_id,
        ts: e.ts,
        store_id: p.store_id,
        beacon_id: p.beacon_id,
        customer_ble_id: p.customer_ble_id,
        rssi: p.rssi,
        zone: p.zone,
      };
    });
    assert.deepEqual(
      rows.map((r) => ({ ...r, ts: Number(r.ts) })),
      expected,
    );
  } finally {
    db.close();
  }
});
