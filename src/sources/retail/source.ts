// Builds the retail (simulator) source from its params and the open database.

import { DatagenError } from '../../errors.js';
import type { EventType } from '../../events/types.js';
import { requireWorld } from '../../jobs/history.js';
import { dayOf } from '../../simulate/calendar.js';
import { loadSimState } from '../../store/sim-state.js';
import type { ConfiguredSource, SourceContext } from '../factory.js';
import { pacingOf } from '../simulator/pacing.js';
import { SimulatorSource, simulationOf } from '../simulator/source.js';
import type { RetailParams } from './config.js';

/** The database a source needs, or an INTERNAL error. */
export function needDb(ctx: SourceContext) {
  if (!ctx.db) throw new DatagenError('INTERNAL', `source ${ctx.name}: needs the open database`);
  return ctx.db;
}

/** The simulator continued from where the history ends. @example await createRetailSource({ speed: 'max' }, ctx) */
export async function createRetailSource(params: RetailParams, ctx: SourceContext): Promise<ConfiguredSource> {
  const db = needDb(ctx);
  await requireWorld(db, ctx.config);
  const saved = await loadSimState(db, '1/1');
  return new SimulatorSource({
    simulation: simulationOf(ctx.config),
    startDay: saved?.snapshot.day ?? dayOf(ctx.config.historical.start_date),
    snapshot: saved?.snapshot,
    pacing: pacingOf(params.speed, params.events_per_second),
    until: params.until === undefined ? undefined : Date.parse(params.until),
    typeRates: ctx.config.pipeline.type_rates as Partial<Record<EventType, number>>,
  });
}
