// Builds the replay source from its params and the open database.

import { DatagenError } from '../../errors.js';
import type { ConfiguredSource, SourceContext } from '../factory.js';
import { pacingOf } from '../simulator/pacing.js';
import type { ReplayParams } from './config.js';
import { ReplaySource } from './source.js';

/** Stored history replayed. @example await createReplaySource({ from, to, restamp: false, speed: 'max' }, ctx) */
export async function createReplaySource(params: ReplayParams, ctx: SourceContext): Promise<ConfiguredSource> {
  return new ReplaySource({
    db: ctx.db ?? missingDb(ctx.name),
    from: Date.parse(params.from),
    to: Date.parse(params.to),
    restamp: params.restamp,
    pacing: pacingOf(params.speed),
  });
}

function missingDb(name: string): never {
  throw new DatagenError('INTERNAL', `source ${name}: needs the open database`);
}
