// The stdout sink: each event as a JSON line on standard output (for piping into jq, kcat, files).

import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { allOutcomes, type SendOutcome, type Sink, type SinkBatch } from '../types.js';
import type { StdoutSinkConfig } from './config.js';

export class StdoutSink implements Sink {
  readonly kind = 'stdout';

  constructor(
    private readonly config: StdoutSinkConfig,
    private readonly out: Writable = process.stdout,
  ) {}

  async open(): Promise<void> {}

  async send(batch: SinkBatch): Promise<SendOutcome[]> {
    let text = '';
    for (const e of batch.events) text += `${this.config.pretty ? JSON.stringify(e.envelope, null, 2) : e.json}\n`;
    if (!this.out.write(text)) await once(this.out, 'drain');
    return allOutcomes(batch, { ok: true });
  }

  async close(): Promise<void> {}
}
