import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classify, sinkError } from './errors.js';

const messagingError = (code: string, message = code) =>
  Object.assign(new Error(message), { name: 'MessagingError', code });

test('refused credentials, a missing hub and oversize are fatal, even inside an AggregateError', () => {
  for (const code of ['UnauthorizedError', 'MessagingEntityNotFoundError', 'MessageTooLargeError']) {
    assert.equal(classify(messagingError(code)).retriable, false, code);
    const agg = new AggregateError([messagingError(code), messagingError(code)], 'all attempts failed');
    const v = classify(agg);
    assert.equal(v.retriable, false);
    assert.equal(v.type, code);
  }
});

test('throttling, timeouts and dropped links are retriable', () => {
  for (const code of [
    'ServerBusyError',
    'QuotaExceededError',
    'OperationTimeoutError',
    'DetachForcedError',
    'ConnectionForcedError',
  ])
    assert.equal(classify(messagingError(code)).retriable, true, code);
  const e = sinkError(messagingError('ServerBusyError', 'busy'));
  assert.equal(e.code, 'SINK_SEND_FAILED');
  assert.equal(e.retriable, true);
});

test('a key inside an error message is redacted', () => {
  const v = classify(messagingError('UnauthorizedError', 'bad Endpoint=sb://x/;SharedAccessKey=abc123secret;'));
  assert.doesNotMatch(v.reason, /abc123secret/);
  assert.equal(sinkError(messagingError('UnauthorizedError')).code, 'SINK_FATAL');
});
