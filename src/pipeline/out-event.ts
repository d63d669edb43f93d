// The pipeline's event object: one class, so that every event the queue, batcher and sinks see has one shape, and
// an envelope that is parsed from the JSON only when something reads it (a source that serialised its events on
// another thread hands over only the JSON and the fields the pipeline routes, counts and keys on).

import type { StreamEnvelope } from '../events/record-envelope.js';
import type { OutEvent } from '../sinks/types.js';

/** @example new QueuedEvent(undefined, json, 'retail', 1, 'receipt_created', 'store_1', 'st1-20250101-000001', Date.now(), false) */
export class QueuedEvent implements OutEvent {
  batchedAt: number | undefined = undefined;

  constructor(
    private parsed: StreamEnvelope | undefined,
    public json: string,
    public destination: string,
    public seq: number,
    public type: string,
    public key: string,
    public id: string,
    public at: number | undefined,
    public urgent: boolean,
  ) {}

  get envelope(): StreamEnvelope {
    if (this.parsed === undefined) this.parsed = JSON.parse(this.json) as StreamEnvelope;
    return this.parsed;
  }
}
