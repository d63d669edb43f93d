// Integration: the local broker from scripts/kafka/broker.mjs is a real Kafka that speaks the wire protocol and survives a restart.
//
// Uses KAFKA_BOOTSTRAP_SERVERS when set (then the restart test is skipped: we do not own that
// broker); otherwise starts its own broker, without touching broker.json, and stops it afterwards.
// The ApiVersions request is encoded here by hand rather than through broker.mjs, so the test does
// not trust the code it is checking.

import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { type BrokerHandle, killBroker, restartBroker, startBroker } from '../../scripts/kafka/broker.mjs';

const API_PRODUCE = 0;
const API_FETCH = 1;
const API_VERSIONS = 18;

interface ApiVersionsResponse {
  correlationId: number;
  errorCode: number;
  apis: Map<number, { min: number; max: number }>;
}

/**
 * ApiVersions v0 over a raw socket. Request: int32 size, then header v1 (int16 api_key, int16
 * api_version, int32 correlation_id, nullable string client_id) and an empty v0 body. Response:
 * int32 size, int32 correlation_id, int16 error_code, array of (int16 api_key, int16 min, int16 max).
 */
function requestApiVersions(bootstrap: string, correlationId: number, timeoutMs = 5000): Promise<ApiVersionsResponse> {
  const hostPort = bootstrap.replace(/^[a-z]+:\/\//i, '');
  const sep = hostPort.lastIndexOf(':');
  const clientId = Buffer.from('kafka-broker-test');
  const request = Buffer.alloc(4 + 10 + clientId.length);
  request.writeInt32BE(request.length - 4, 0);
  request.writeInt16BE(API_VERSIONS, 4);
  request.writeInt16BE(0, 6);
  request.writeInt32BE(correlationId, 8);
  request.writeInt16BE(clientId.length, 12);
  clientId.copy(request, 14);

  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostPort.slice(0, sep), port: Number(hostPort.slice(sep + 1)) });
    let data = Buffer.alloc(0);
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no ApiVersions response from ${bootstrap}`)));
    socket.on('error', reject);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      if (data.length < 4 || data.length < 4 + data.readInt32BE(0)) return;
      socket.end();
      let pos = 4;
      const response: ApiVersionsResponse = {
        correlationId: data.readInt32BE(pos),
        errorCode: data.readInt16BE(pos + 4),
        apis: new Map(),
      };
      pos += 6;
      const count = data.readInt32BE(pos);
      pos += 4;
      for (let i = 0; i < count; i++, pos += 6) {
        response.apis.set(data.readInt16BE(pos), { min: data.readInt16BE(pos + 2), max: data.readInt16BE(pos + 4) });
      }
      resolve(response);
    });
  });
}

function assertIsKafka(response: ApiVersionsResponse, correlationId: number): void {
  assert.equal(response.correlationId, correlationId);
  assert.equal(response.errorCode, 0);
  assert.ok(response.apis.has(API_PRODUCE), 'Produce (api key 0) is listed');
  assert.ok(response.apis.has(API_FETCH), 'Fetch (api key 1) is listed');
  assert.ok(response.apis.has(API_VERSIONS), 'ApiVersions (api key 18) is listed');
}

test('the local Kafka broker', { timeout: 240_000 }, async (t) => {
  // The broker `npm test` shares with the other Kafka tests is not ours to kill: this test then starts its own.
  const shared = process.env.RETAIL_DATAGEN_TEST_SHARED_BROKER === '1';
  const external = shared ? undefined : process.env.KAFKA_BOOTSTRAP_SERVERS?.split(',')[0]?.trim();
  // The handle changes on restart (new pid), so cleanup reads whichever is current.
  let broker: BrokerHandle | undefined;
  t.after(async () => {
    await broker?.stop();
  });
  if (!external) broker = await startBroker({ record: false, log: (msg) => t.diagnostic(msg) });
  const bootstrap = external ?? broker!.bootstrap;

  await t.test('answers ApiVersions without error and lists Produce and Fetch', async () => {
    assertIsKafka(await requestApiVersions(bootstrap, 4242), 4242);
  });

  await t.test(
    'comes back on the same port and answers ApiVersions after being killed and restarted',
    { skip: external ? 'KAFKA_BOOTSTRAP_SERVERS points at a broker this test does not own' : false },
    async () => {
      const before = broker!;
      await killBroker('SIGKILL', before);
      await assert.rejects(requestApiVersions(bootstrap, 1), 'nothing listens while the broker is down');

      broker = await restartBroker(before, { record: false, log: (msg) => t.diagnostic(msg) });
      assert.equal(broker.bootstrap, before.bootstrap);
      assert.equal(broker.dataDir, before.dataDir);
      assert.notEqual(broker.pid, before.pid);
      assertIsKafka(await requestApiVersions(bootstrap, 7), 7);
    },
  );
});
