// Priorities across sources: a critical record from one source overtakes a full queue of normal records from another.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { Router } from '../../src/pipeline/router.js';
import { MergedSource } from '../../src/sources/merge.js';
import { toRecordEnvelope } from '../../src/sources/records.js';
import type { Source, SourceEvent } from '../../src/sources/types.js';
import { FaultSink } from '../helpers/fault-sink.js';

function records(name: string, count: number, opts: { delayMs?: number; severity: string; batch?: number }): Source {
  const size = opts.batch ?? 100;
  return {
    name,
    describe: () => ({ name }),
    async *batches(after: number, signal: AbortSignal): AsyncGenerator<SourceEvent[]> {
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      for (let seq = after + 1; seq <= count && !signal.aborted; seq += size) {
        const batch: SourceEvent[] = [];
        for (let i = seq; i < seq + size && i <= count; i++) {
          batch.push({
            seq: i,
            envelope: toRecordEnvelope(
              name,
              { n: i, severity: opts.severity },
              String(i),
              { event_type: 'reading' },
              Date.now(),
            ),
          });
        }
        yield batch;
      }
    },
  };
}

for (const floodBatch of [100, 500])
  test(`a critical record overtakes a full queue of normal ones (flood batches of ${floodBatch})`, async () => {
    const sink = new FaultSink();
    sink.stallSends();
    const pipeline = new Pipeline({
      stream: 'priority',
      source: new MergedSource([
        { name: 'flood', source: records('flood', 5000, { severity: 'info', batch: floodBatch }), priority: 'normal' },
        { name: 'alarm', source: records('alarm', 1, { severity: 'critical', delayMs: 300 }), priority: 'critical' },
      ]),
      sink,
      router: new Router({
        rules: [{ field: 'payload.severity', equals: 'critical', destination: 'alerts' }],
        default: 'main',
      }),
      queue: { capacity: 1000, overflow: 'block' },
      batch: { maxEvents: 100, maxBytes: 1_000_000, lingerMs: 5 },
      retry: { attempts: 1, baseMs: 1, maxMs: 10, multiplier: 2 },
      circuit: { enabled: false },
    });
    await pipeline.start();
    await new Promise((r) => setTimeout(r, 500));
    const s = pipeline.snapshot();
    assert.ok(s.queue_by_lane.normal >= 900, `${s.queue_by_lane.normal} normal records queued`);
    sink.release();
    await pipeline.finished;
    const order = sink.delivered.map((e) => e.envelope.source);
    assert.equal(order.length, 5001);
    const at = order.indexOf('alarm');
    // Ahead of it: the batch already in the stalled sink, and what the sender took before the pipeline could queue it
    // (measured: 300, two more batches of 100, for both flood batch sizes: a larger flood batch is interrupted for it,
    // not pushed to the end first); not the thousand normal records queued before it, nor the four thousand behind.
    // Its own batch does not linger: it goes out at once.
    assert.ok(at <= 350, `the critical record was delivered at position ${at} of 5001`);
    assert.equal(sink.delivered[at].destination, 'alerts');
  });
