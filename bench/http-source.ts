// Benchmark: records/s through an http source (paged JSON from a local server on 127.0.0.1) and the added latency
// from the poll to the sink's acknowledgement, through the whole pipeline to the file sink.
// Run: node --import tsx bench/http-source.ts [--records N] [--page N] [--mode continuous_streaming|real_time]

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../src/config/schema.js';
import { Pipeline } from '../src/pipeline/pipeline.js';
import { Router } from '../src/pipeline/router.js';
import { fileSinkConfig } from '../src/sinks/file/config.js';
import { FileSink } from '../src/sinks/file/sink.js';
import { httpParamsSchema } from '../src/sources/http/config.js';
import { HttpSource } from '../src/sources/http/source.js';
import { MergedSource } from '../src/sources/merge.js';
import { machine, peakRssMiB, printTable } from './machine.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const total = Number(arg('records', '200000'));
const pageSize = Number(arg('page', '500'));
const mode = arg('mode', 'continuous_streaming');

const pages = Math.ceil(total / pageSize);
const pageBodies = Array.from({ length: pages }, (_, p) =>
  JSON.stringify({
    items: Array.from({ length: Math.min(pageSize, total - p * pageSize) }, (_, i) => {
      const id = p * pageSize + i + 1;
      return {
        id,
        sensor: `s-${id % 97}`,
        value: (id * 7919) % 1000,
        at: new Date(1_700_000_000_000 + id).toISOString(),
      };
    }),
    next: p + 1 < pages ? `/feed?page=${p + 1}` : null,
  }),
);
const server = createServer((req, res) => {
  const page = Number(new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('page') ?? 0);
  res.writeHead(200, { 'content-type': 'application/json' }).end(pageBodies[page]);
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed`;

const config = configSchema.parse({});
const dir = mkdtempSync(join(tmpdir(), 'rdg-bench-http-'));
const source = new HttpSource(
  httpParamsSchema.parse({ url, records: '$.items', cursor: { type: 'next_link' }, key: 'id', event_type: 'reading' }),
  {
    name: 'bench',
    settings: {
      ingestion:
        mode === 'real_time'
          ? { mode: 'real_time', polling_interval_seconds: 1 }
          : { mode: 'continuous_streaming', polling_interval_seconds: 0.1, buffer_size: 5000 },
      rate_limit_per_minute: 600_000,
      timeout_seconds: 30,
      cache_ttl_seconds: 0,
    },
    config,
  },
);
const pipeline = new Pipeline({
  stream: 'bench-http',
  source: new MergedSource([{ name: 'bench', source }]),
  sink: new FileSink(fileSinkConfig.parse({ dir })),
  router: new Router({ default: 'bench' }),
  queue: { capacity: config.realtime.max_buffer_size, overflow: 'block' },
  batch: { maxEvents: config.realtime.max_batch_size, maxBytes: config.pipeline.max_batch_bytes, lingerMs: 20 },
  retry: { attempts: 3, baseMs: 100, maxMs: 1000, multiplier: 2 },
  circuit: { enabled: true, failureThreshold: 5, openMs: 1000 },
  maxEvents: total,
});
const started = performance.now();
await pipeline.start();
await pipeline.finished;
const seconds = (performance.now() - started) / 1000;
const s = pipeline.snapshot();
server.close();
rmSync(dir, { recursive: true, force: true });
console.log(`# ${machine()}`);
console.log(`# node --import tsx bench/http-source.ts ${process.argv.slice(2).join(' ')}`.trimEnd());
printTable([
  {
    mode,
    records: s.events_sent,
    pages,
    'records/s': Math.round(s.events_sent / seconds),
    'poll->ack p50 ms': s.end_to_end_latency_ms.p50,
    'poll->ack p95 ms': s.end_to_end_latency_ms.p95,
    requests: source.client.metrics().requests,
    'peak RSS MiB': peakRssMiB(),
  },
]);
