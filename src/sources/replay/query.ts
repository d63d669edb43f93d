// The SQL that rebuilds events from the fact tables, in event-time order, a page at a time.

import { sqlIdent, sqlString } from '../../store/database.js';
import { FACT_TABLES, type FactTable } from '../../store/fact-tables.js';

const ISO = "'%Y-%m-%dT%H:%M:%S.%gZ'";

function payloadExpr(t: FactTable, extra: string[] = []): string {
  const fields = t.columns
    .filter((c) => c.name !== 'event_id' && c.name !== 'event_ts' && c.name !== 'event_type')
    .map((c) => {
      const col = sqlIdent(c.name);
      return `${col} := ${c.sqlType === 'TIMESTAMP' ? `strftime(${col}, ${ISO})` : col}`;
    });
  return `to_json(struct_pack(${[...fields, ...extra].join(', ')}))`;
}

function branch(t: FactTable, where: string): string {
  const type = t.columns.some((c) => c.name === 'event_type') ? 'event_type' : sqlString(t.sources[0]);
  if (t.name === 'fact_online_order_headers') {
    // Order lines live in their own table: put them back into online_order_created.
    return `SELECT h.event_id, h.event_ts, h.event_type, ${payloadExpr(t, ['lines := l.lines'])} AS payload
      FROM fact_online_order_headers h LEFT JOIN (
        SELECT event_id, list(struct_pack(product_id := product_id, quantity := quantity, unit_price := unit_price, extended_price := extended_price) ORDER BY line_number) AS lines
        FROM fact_online_order_lines GROUP BY event_id) l ON l.event_id = h.event_id
      WHERE ${where.replace(/event_ts/g, 'h.event_ts').replace(/event_id/g, 'h.event_id')}`;
  }
  return `SELECT event_id, event_ts, ${type} AS event_type, ${payloadExpr(t)} AS payload FROM ${t.name} WHERE ${where}`;
}

/**
 * One page of events after (ts, id), within [from, to), ordered by event time then id.
 * @example pageSql({ from, to, after: null, limit: 5000 })
 */
export function pageSql(opts: {
  from: string;
  to: string;
  after: { ts: string; id: string } | null;
  limit: number;
  tables?: readonly string[];
}): string {
  let where = `event_ts >= ${sqlString(opts.from)}::TIMESTAMP AND event_ts < ${sqlString(opts.to)}::TIMESTAMP`;
  if (opts.after) {
    const ts = `${sqlString(opts.after.ts)}::TIMESTAMP`;
    where += ` AND (event_ts > ${ts} OR (event_ts = ${ts} AND event_id > ${sqlString(opts.after.id)}))`;
  }
  const tables = FACT_TABLES.filter((t) => t.oneRowPerEvent && (!opts.tables || opts.tables.includes(t.name)));
  return `SELECT event_id, strftime(event_ts, ${ISO}) AS event_ts, event_type, payload FROM (
    ${tables.map((t) => branch(t, where)).join('\n    UNION ALL\n    ')}
  ) ORDER BY event_ts, event_id LIMIT ${Math.floor(opts.limit)}`;
}
