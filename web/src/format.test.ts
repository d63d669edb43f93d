import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fmtCount, fmtDuration, fmtMs, fmtShort, fmtTime, redact } from './format.js';

test('redact masks key=value secrets in connection strings, URLs and messages', () => {
  assert.equal(
    redact('Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=abc+/=;EntityPath=h'),
    'Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=***;EntityPath=h',
  );
  assert.equal(
    redact('https://a.blob.core.windows.net/c?sv=1&sig=XYZ%3D&se=2'),
    'https://a.blob.core.windows.net/c?sv=1&sig=***&se=2',
  );
  assert.equal(redact('login failed: password: hunter2, user bob'), 'login failed: password: ***, user bob');
  assert.equal(redact('AccountKey="q1w2e3"'), 'AccountKey="***"');
  assert.equal(redact('store 12 sold 3 items'), 'store 12 sold 3 items');
});

test('numbers, durations and times read at a glance', () => {
  assert.equal(fmtCount(1234567), '1,234,567');
  assert.equal(fmtCount(null), '–');
  assert.equal(fmtShort(12_500), '12.5k');
  assert.equal(fmtShort(3_200_000), '3.2M');
  assert.equal(fmtMs(1500), '1.5 s');
  assert.equal(fmtMs(12.34), '12.3 ms');
  assert.equal(fmtDuration(65), '1m 05s');
  assert.equal(fmtDuration(3723), '1h 02m 03s');
  assert.equal(fmtTime('2024-11-28T18:00:00.000Z'), '2024-11-28 18:00:00Z');
  assert.equal(fmtTime(null), '–');
});
