// Classifying Event Hubs client errors: fatal (the dead-letter store), or retriable with the pipeline's backoff.

import { redactText } from '../../config/secret.js';
import { DatagenError, errorChain } from '../../errors.js';

// Retrying cannot fix these: a refused key, a hub or namespace that does not exist, an event too large, bad input.
// The client marks UnauthorizedError retryable (keys may be rotated); here it is fatal, and the dead-letter store
// replays the events once the key is fixed.
const FATAL = new Map<string, string>([
  ['UnauthorizedError', 'the credentials were refused: check the key (or signed-in identity) and that it may Send'],
  ['MessagingEntityNotFoundError', 'the event hub does not exist: check EntityPath or stream.hub'],
  ['ServiceCommunicationError', 'the namespace or event hub was not found: check the Endpoint host'],
  ['MessagingEntityDisabledError', 'the event hub is disabled'],
  ['PublisherRevokedError', 'the publisher was revoked'],
  ['MessageTooLargeError', 'the batch is larger than the hub accepts: lower sinks.eventhubs.max_batch_bytes'],
  ['ArgumentError', 'the service refused an argument'],
  ['ArgumentOutOfRangeError', 'the service refused an argument'],
  ['InvalidOperationError', 'the service refused the operation'],
  ['CredentialUnavailableError', 'no Azure identity is available: sign in (az login) or set up a managed identity'],
  ['AuthenticationError', 'the Azure identity could not get a token'],
]);

export interface Verdict {
  retriable: boolean;
  /** The client's error code (UnauthorizedError, ServerBusyError, ...) or the error's name. */
  type: string;
  reason: string;
}

function typeOf(e: Error): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && /^[A-Z][A-Za-z]+$/.test(code) ? code : e.name;
}

/**
 * Decides whether retrying can help, looking through the client's AggregateError for the deciding error.
 * @example classify(err).retriable // false for UnauthorizedError, true for ServerBusyError
 */
export function classify(err: unknown): Verdict {
  let first: Verdict | undefined;
  for (const e of errorChain(err)) {
    if (e instanceof AggregateError) continue;
    const type = typeOf(e);
    const hint = FATAL.get(type);
    const message = redactText(e.message.split('\n')[0]);
    if (hint) return { retriable: false, type, reason: `${type}: ${hint} (${message})` };
    // The client's own argument checks (TypeError, RangeError) are bugs or bad settings, not passing trouble.
    if (e instanceof TypeError || e instanceof RangeError) return { retriable: false, type, reason: message };
    first ??= { retriable: true, type, reason: `${type}: ${message}` };
  }
  return first ?? { retriable: true, type: 'Error', reason: redactText(String(err)) };
}

/** The DatagenError for a failed Event Hubs operation. */
export function sinkError(err: unknown, what = 'send'): DatagenError {
  if (err instanceof DatagenError) return err;
  const v = classify(err);
  return new DatagenError(v.retriable ? 'SINK_SEND_FAILED' : 'SINK_FATAL', `eventhubs sink: ${what}: ${v.reason}`, {
    cause: err,
    retriable: v.retriable,
    details: { exception_type: v.type },
  });
}
