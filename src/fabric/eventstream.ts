// The routing of the event stream in Fabric: every event carries `Table=<event_type>`; an Eventstream (or an
// Eventhouse's Event Hubs data connection) sends each event to the KQL table it names.

import { EVENT_TYPES, type EventType } from '../events/types.js';
import { MAPPING_NAME } from './kql.js';

/** One routing rule: events whose `Table` property (and `event_type` field) match go to `table`. */
export interface RoutingRule {
  event_type: EventType;
  /** The application property the sink sets on the event. */
  match: { property: 'Table'; equals: string };
  /** The same rule on the event body, for Eventstream filter operators (which see the body). */
  filter: { field: 'event_type'; equals: EventType };
  destination: { kind: 'eventhouse'; table: string; format: 'json'; mapping: string };
}

/**
 * The routing rules, one per event type.
 * @example eventstreamRules()[0].destination.table === 'receipt_created'
 */
export function eventstreamRules(opts: { prefix?: string; types?: readonly EventType[] } = {}): RoutingRule[] {
  return (opts.types ?? EVENT_TYPES).map((type) => ({
    event_type: type,
    match: { property: 'Table', equals: type },
    filter: { field: 'event_type', equals: type },
    destination: { kind: 'eventhouse', table: `${opts.prefix ?? ''}${type}`, format: 'json', mapping: MAPPING_NAME },
  }));
}

/** The rules as steps to follow in the Fabric portal. */
export function eventstreamGuide(rules: readonly RoutingRule[]): string {
  const lines = [
    '# Fabric Eventstream routing for retail-datagen',
    '# Every event carries the application properties event_type, schema_version, event_id and Table=<event_type>.',
    '#',
    '# Option A, one data connection routed by the Table property: an Event Hubs data connection of the KQL',
    '#   database with routing by event properties on ("my data includes routing info" in Azure Data Explorer),',
    `#   format JSON, mapping "${MAPPING_NAME}" (every table created by \`retail-datagen fabric kql\` has it).`,
    '#',
    '# Option B, one Filter operator per event type in the Eventstream editor, each to its Eventhouse table:',
    '#   (event processing before ingestion, input format JSON, the table created by `retail-datagen fabric kql`)',
    '#',
    '# Table property    -> KQL table                      (Filter: event_type equals ...)',
  ];
  for (const r of rules)
    lines.push(
      `Table == "${r.match.equals}"`.padEnd(40) +
        ` -> ${r.destination.table}`.padEnd(34) +
        ` (event_type == "${r.filter.equals}")`,
    );
  return `${lines.join('\n')}\n`;
}
