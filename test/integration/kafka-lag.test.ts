// Consumer-lag throttling on a real broker: a consumer group that stops reading slows the stream down; when it reads
// again the stream's rate recovers.

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Admin, Consumer, MessagesStreamModes } from '@platformatic/kafka';
import { startBroker } from '../../scripts/kafka/broker.mjs';
import { configSchema } from '../../src/config/schema.js';
import { generateMaster } from '../../src/jobs/master.js';
import { openStream } from '../../src/jobs/stream.js';
import type { KafkaSink } from '../../src/sinks/kafka/sink.js';
import { openDatabase } from '../../src/store/database.js';

const own = process.env.KAFKA_BOOTSTRAP_SERVERS ? null : await startBroker({ record: false });
const bootstrap = process.env.KAFKA_BOOTSTRAP_SERVERS?.split(',')[0] ?? own!.bootstrap;
const dir = mkdtempSync(join(tmpdir(), 'rdg-kafka-lag-'));

test.after(async () => {
  await own?.stop();
});

/** A consumer of the group that reads and commits as it goes, until stopped. */
async function startConsumer(group: string, topic: string) {
  const consumer = new Consumer({ clientId: 'rdg-lag-test', groupId: group, bootstrapBrokers: [bootstrap] });
  const stream = await consumer.consume({
    topics: [topic],
    mode: MessagesStreamModes.COMMITTED,
    fallbackMode: 'earliest',
    autocommit: 200,
  });
  let read = 0;
  stream.on('data', () => {
    read++;
  });
  return {
    get read() {
      return read;
    },
    stop: async () => {
      await stream.close();
      await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
    },
  };
}

test('a consumer group that stops reading slows the stream; when it reads again the rate recovers', {
  timeout: 240_000,
}, async () => {
  const topic = `rdg-lag-${Date.now()}`;
  const group = `${topic}-readers`;
  const config = configSchema.parse({
    volume: { stores: 20, dcs: 3, total_customers: 4000, total_products: 600 },
    stream: { hub: topic, sink: 'kafka' },
    sinks: { kafka: { brokers: [bootstrap], partitions: 3 } },
    realtime: { batch_timeout_ms: 50 },
    pipeline: {
      throttle_consumer_group: group,
      // A live consumer committing every 200 ms trails a 2,000/s stream by up to ~1,000 events.
      throttle_lag_target: 3000,
      throttle_lag_critical: 8000,
      throttle_min_rate: 100,
    },
    database: { path: join(dir, 'lag.duckdb') },
  });
  const db = await openDatabase(config.database.path);
  await generateMaster(config, db);
  const s = await openStream(config, db, { pacing: { mode: 'rate', eventsPerSecond: 2000 } });
  const samples: { at: number; sent: number }[] = [];
  const sampler = setInterval(() => samples.push({ at: Date.now(), sent: s.pipeline.snapshot().events_sent }), 250);
  /** Events/s sent over the last `ms`. */
  const rate = (ms = 3000) => {
    const last = samples.at(-1)!;
    const first = samples.find((x) => x.at >= last.at - ms) ?? samples[0];
    return ((last.sent - first.sent) * 1000) / Math.max(1, last.at - first.at);
  };
  const lagSignal = () => s.throttle.stats().signals.find((x) => x.name === 'consumer_lag');
  // Stopped in `finally` too: a consumer left open keeps the test's process alive after a failure.
  let consumer: Awaited<ReturnType<typeof startConsumer>> | undefined;
  try {
    // The readers are there before the stream starts, as they would be in production.
    const admin = new Admin({ clientId: 'rdg-lag-test', bootstrapBrokers: [bootstrap] });
    await admin.createTopics({ topics: [topic], partitions: 3, replicas: 1 });
    await admin.close();
    consumer = await startConsumer(group, topic);
    await s.pipeline.start();
    // The simulator's threads build the world before the first event (seconds on a loaded machine): the rate is
    // measured from the first event sent.
    const firstBy = Date.now() + 60_000;
    while (s.pipeline.snapshot().events_sent === 0 && Date.now() < firstBy) await sleep(100);
    await sleep(10_000);
    const reading = rate();
    assert.ok(
      reading > 1500,
      `with the consumer reading the stream runs near its 2,000/s (${Math.round(reading)}/s, read ${consumer.read}): ${JSON.stringify(s.throttle.stats())}`,
    );
    assert.equal(lagSignal()!.level, 'ok', `lag ${lagSignal()!.value}`);

    await consumer.stop();
    consumer = undefined;
    await sleep(12_000);
    const stopped = rate();
    assert.ok(s.throttle.active, 'the throttle took over');
    assert.ok(stopped < reading * 0.3, `the rate fell: ${Math.round(stopped)}/s against ${Math.round(reading)}/s`);
    const signal = lagSignal()!;
    // High or critical: how far the lag climbs depends on how fast the throttle cut the rate.
    assert.notEqual(signal.level, 'ok', JSON.stringify(signal));
    assert.ok(signal.value >= 3000);
    const lag = (s.sink as KafkaSink).lastLag!;
    assert.equal(lag.group, group);
    assert.equal(lag.byTopic[topic], lag.total, 'statistics show the lag per topic');
    assert.ok(lag.total >= 3000);

    consumer = await startConsumer(group, topic);
    const until = Date.now() + 60_000;
    // The rate climbs back before the lag is below its target again (the consumer catches up as the pacer
    // recovers), so wait for both; read the level before the consumer stops, as its lag grows again after.
    while ((rate() < reading * 0.8 || lagSignal()!.level !== 'ok') && Date.now() < until) await sleep(500);
    const recovered = rate();
    const level = lagSignal()!;
    await consumer.stop();
    consumer = undefined;
    assert.ok(recovered >= reading * 0.8, `the rate recovered: ${Math.round(recovered)}/s`);
    assert.equal(level.level, 'ok', JSON.stringify(level));
  } finally {
    await consumer?.stop().catch(() => {});
    clearInterval(sampler);
    await s.pipeline.stop();
    s.dispose();
    db.close();
  }
});
