// Classifying Kafka client errors: fatal (the dead-letter store), retriable, or retriable after a new producer.

import { AuthenticationError, NetworkError, ProtocolError, TimeoutError, UserError } from '@platformatic/kafka';
import { errorChain } from '../../errors.js';

const FATAL = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'SASL_AUTHENTICATION_FAILED',
  'UNSUPPORTED_COMPRESSION_TYPE',
  'INVALID_TOPIC_EXCEPTION',
  'POLICY_VIOLATION',
]);
// The 1.x idempotent producer does not recover from these on its own: it must be recreated.
const RESET = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
  'PRODUCER_FENCED',
]);

const TLS_TRUST = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

export interface Verdict {
  retriable: boolean;
  resetProducer: boolean;
  reason: string;
}

/** Walks the client's nested errors (MultipleErrors > ResponseError > ProtocolError) for the deciding one. */
export function classify(err: unknown): Verdict {
  let retriable: Verdict | undefined;
  for (const e of errorChain(err)) {
    if (e instanceof ProtocolError) {
      const id = String(e.apiId);
      if (FATAL.has(id)) return { retriable: false, resetProducer: false, reason: id };
      if (RESET.has(id)) return { retriable: true, resetProducer: true, reason: id };
      retriable ??= { retriable: true, resetProducer: false, reason: id };
    } else if (e instanceof AuthenticationError || e instanceof UserError) {
      return { retriable: false, resetProducer: false, reason: e.message };
    } else if (TLS_TRUST.test(String((e as NodeJS.ErrnoException).code ?? ''))) {
      // The broker's certificate is not trusted: no retry changes that, only tls.ca_file (or the broker) can.
      return { retriable: false, resetProducer: false, reason: `TLS: ${e.message} (set sinks.kafka.tls.ca_file)` };
    } else if (e instanceof TimeoutError || e instanceof NetworkError) {
      const cause = e.cause instanceof Error ? `: ${e.cause.message}` : '';
      retriable ??= { retriable: true, resetProducer: false, reason: `${e.message}${cause}` };
    }
  }
  return (
    retriable ?? { retriable: true, resetProducer: false, reason: err instanceof Error ? err.message : String(err) }
  );
}
