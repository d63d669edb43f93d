import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Secret } from '../../config/secret.js';
import { isDatagenError } from '../../errors.js';
import { Rng } from '../../random.js';
import { parseConnectionString } from './connection-string.js';

// Made-up keys, from the seeded generator: nothing secret, and the same on every run.
const keys = Rng.of('connection-string.test');
const key = () => `${keys.u32().toString(36)}${keys.u32().toString(36)}${keys.u32().toString(36)}=`;

test('a full connection string gives its namespace, key name, hub and keeps the key secret', () => {
  const k = key();
  const p = parseConnectionString(
    new Secret(
      `Endpoint=sb://my-ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${k};EntityPath=retail-events`,
    ),
    'test',
  );
  assert.equal(p.namespace, 'my-ns.servicebus.windows.net');
  assert.equal(p.keyName, 'send');
  assert.equal(p.entityPath, 'retail-events');
  assert.equal(p.key?.reveal(), k);
  assert.equal(`${p.key}`, '***');
  assert.equal(p.useDevelopmentEmulator, false);
});

test('each missing part is named, and the key never appears in the message', () => {
  const k = key();
  const cases: [string, RegExp][] = [
    [`SharedAccessKeyName=send;SharedAccessKey=${k}`, /has no Endpoint;/],
    [`Endpoint=sb://x.servicebus.windows.net/;SharedAccessKey=${k}`, /has no SharedAccessKeyName;/],
    ['Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=send', /has no SharedAccessKey;/],
    [`SharedAccessKey=${k}`, /has no Endpoint and SharedAccessKeyName;/],
    ['just some text', /is not a connection string/],
    [`Endpoint=https://x/;SharedAccessKeyName=a;SharedAccessKey=${k}`, /Endpoint that is not sb:\/\//],
  ];
  for (const [text, expected] of cases) {
    assert.throws(
      () => parseConnectionString(new Secret(text), 'AZURE_EVENTHUB_CONNECTION_STRING'),
      (err) => {
        assert.ok(isDatagenError(err, 'CONNECTION_STRING_INVALID'));
        assert.equal(err.exitCode, 2);
        assert.match(err.message, expected);
        assert.match(err.message, /^AZURE_EVENTHUB_CONNECTION_STRING: /);
        assert.ok(!err.message.includes(k.slice(0, -1)), 'the key is echoed');
        return true;
      },
    );
  }
});

test('a shared access signature stands in for the key name and key', () => {
  const p = parseConnectionString(
    new Secret('Endpoint=sb://x.servicebus.windows.net/;SharedAccessSignature=SharedAccessSignature sr=x&sig=y'),
    't',
  );
  assert.equal(p.keyName, undefined);
  assert.ok(p.signature);
});
