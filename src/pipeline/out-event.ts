// The pipeline's event object: one class, so that every event the queue, batcher and sinks see has one shape, and
// an envelope that is parsed from the JSON only when something reads it (a source that serialised its events on
// another thread hands over only the JSON, or its UTF-8 bytes, and the fields the pipeline routes, counts and keys
// on). What the source made lazily stays so: its text, id and partition key are read from it only when asked for.

import type { StreamEnvelope } from '../events/record-envelope.js';
import type { OutEvent } from '../sinks/types.js';
import { type SourceEvent, utf8Text } from '../sources/types.js';

/** @example new QueuedEvent(sourceEvent, undefined, json, undefined, 'retail', 1, 'receipt_created', Date.now(), false) */
export class QueuedEvent implements OutEvent {
  batchedAt: number | undefined = undefined;

  /**
   * `text` or `bytes` holds the JSON (both may); the id and partition key are the source event's, or else the
   * envelope's.
   */
  constructor(
    private readonly from: SourceEvent,
    private parsed: StreamEnvelope | undefined,
    private text: string | undefined,
    readonly bytes: Uint8Array | undefined,
    public destination: string,
    public seq: number,
    public type: string,
    public at: number | undefined,
    public urgent: boolean,
  ) {}

  get json(): string {
    if (this.text === undefined) this.text = utf8Text(this.bytes!);
    return this.text;
  }

  get envelope(): StreamEnvelope {
    if (this.parsed === undefined) this.parsed = JSON.parse(this.json) as StreamEnvelope;
    return this.parsed;
  }

  get key(): string {
    return this.from.key ?? this.envelope.partition_key;
  }

  get id(): string {
    return this.from.id ?? this.envelope.event_id;
  }
}
