// The one routing authority: decides the destination of each record from the map, content rules, patterns, default.

import { z } from 'zod';
import { DatagenError } from '../errors.js';

/** A regular expression given as text; compiling it is part of validation. */
const regexText = (what: string) =>
  z
    .string()
    .min(1)
    .superRefine((source, ctx) => {
      const problem = regexProblem(source);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .describe(what);

const destination = (what: string) => z.string().min(1).describe(what);

/**
 * One content rule: routes records whose field equals a value or matches a regular expression.
 * @example routingRuleSchema.parse({ field: 'payload.severity', equals: 'critical', destination: 'alerts' })
 */
export const routingRuleSchema = z
  .object({
    name: z.string().min(1).optional().describe('Label shown by explain() and in logs; defaults to the rule index.'),
    field: z.string().min(1).describe("Dotted path into the record's data, e.g. 'payload.severity' or 'lines.0.sku'."),
    equals: z
      .union([z.string(), z.number(), z.boolean()])
      .optional()
      .describe('Matches when the field is strictly equal to this value (no type conversion).'),
    matches: regexText('Matches when the field, as text, matches this regular expression (not anchored).').optional(),
    destination: destination('Where matching records go.'),
  })
  .strict()
  .superRefine((rule, ctx) => {
    if ((rule.equals === undefined) === (rule.matches === undefined)) {
      ctx.addIssue({ code: 'custom', message: "give exactly one of 'equals' or 'matches'" });
    }
  });

/**
 * One name pattern: routes records whose type (or source) matches a regular expression.
 * @example routingPatternSchema.parse({ regex: '^inventory_', destination: 'ops' })
 */
export const routingPatternSchema = z
  .object({
    regex: regexText('Regular expression tested against the event type or source name (not anchored).'),
    on: z.enum(['type', 'source']).default('type').describe('What the regex is tested against.'),
    destination: destination('Where matching records go.'),
  })
  .strict();

/**
 * The routing config. Precedence: sources (explicit source mappings) → map (by type, then by source) → rules in
 * order → patterns in order → default.
 * @example routingRulesSchema.parse({ map: { ad_impression: 'marketing' }, default: 'main' })
 */
export const routingRulesSchema = z
  .object({
    sources: z
      .record(z.string(), z.string().min(1))
      .optional()
      .describe(
        "Configured source name to destination: every record of that source goes there. Checked first; a source's own `destination` adds an entry here.",
      ),
    map: z
      .record(z.string(), z.string().min(1))
      .optional()
      .describe('Exact event type, or else source name, to destination. Checked after the explicit source mappings.'),
    rules: z.array(routingRuleSchema).optional().describe('Content rules, checked in order after the map.'),
    patterns: z.array(routingPatternSchema).optional().describe('Name patterns, checked in order after the rules.'),
    default: destination('Destination of records that nothing else matched.'),
  })
  .strict();

/** Routing config as written. @example const r: RoutingRulesInput = { default: 'main' }; */
export type RoutingRulesInput = z.input<typeof routingRulesSchema>;
/** Routing config once parsed. @example const r: RoutingRules = routingRulesSchema.parse({ default: 'main' }); */
export type RoutingRules = z.output<typeof routingRulesSchema>;

/** What the router looks at. @example { type: 'sale_completed', source: 'pos', data: envelope } */
export interface RoutableRecord {
  type: string;
  source?: string;
  data: unknown;
}

/** Why a record went where it went. @example router.explain(r).matched === 'rule' */
export interface RouteExplanation {
  destination: string;
  matched: 'source' | 'map' | 'rule' | 'pattern' | 'default';
  /** The entry that decided, e.g. `rules[1] 'severe' (payload.severity == "critical")`; absent for the default. */
  rule?: string;
  /** Every check made, in order, with its outcome; the deciding one is last. */
  checked: string[];
}

/**
 * Parses routing config, throwing CONFIG_INVALID with one `path: message` line per problem.
 * @example parseRoutingRules({ rules: [{ field: 'x', matches: '(', destination: 'd' }], default: 'main' })
 * // throws: rules[0].matches: invalid regular expression /(/: Unterminated group
 */
export function parseRoutingRules(input: unknown): RoutingRules {
  const parsed = routingRulesSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
  throw new DatagenError('CONFIG_INVALID', `invalid routing rules:\n  ${lines.join('\n  ')}`, {
    details: parsed.error.issues,
  });
}

/** Formats a zod path as `rules[1].matches`. @example formatPath(['rules', 1, 'matches']) === 'rules[1].matches' */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || '(routing)';
}

interface CompiledRule {
  label: string;
  path: string[];
  field: string;
  equals?: string | number | boolean;
  regex?: RegExp;
  destination: string;
}

interface CompiledPattern {
  label: string;
  regex: RegExp;
  on: 'type' | 'source';
  destination: string;
}

/**
 * Routes records to destinations; every regex is compiled once, here.
 * @example
 * const router = new Router({ map: { store_opened: 'ops' }, patterns: [{ regex: '^ad_', destination: 'ads' }], default: 'main' });
 * router.route({ type: 'ad_click', data: {} }); // 'ads'
 */
export class Router {
  readonly rules: RoutingRules;
  private readonly bySource: ReadonlyMap<string, string>;
  private readonly map: ReadonlyMap<string, string>;
  private readonly contentRules: readonly CompiledRule[];
  private readonly patterns: readonly CompiledPattern[];

  /** Validates the config (CONFIG_INVALID on a bad one) and compiles it. */
  constructor(rules: RoutingRulesInput) {
    this.rules = parseRoutingRules(rules);
    this.bySource = new Map(Object.entries(this.rules.sources ?? {}));
    this.map = new Map(Object.entries(this.rules.map ?? {}));
    this.contentRules = (this.rules.rules ?? []).map((r, i) => ({
      label: `rules[${i}]${r.name ? ` '${r.name}'` : ''} (${r.field} ${r.matches === undefined ? `== ${JSON.stringify(r.equals)}` : `=~ /${r.matches}/`})`,
      path: r.field.split('.'),
      field: r.field,
      equals: r.equals,
      regex: r.matches === undefined ? undefined : new RegExp(r.matches),
      destination: r.destination,
    }));
    this.patterns = (this.rules.patterns ?? []).map((p, i) => ({
      label: `patterns[${i}] /${p.regex}/ on ${p.on}`,
      regex: new RegExp(p.regex),
      on: p.on,
      destination: p.destination,
    }));
  }

  /** Destinations decided by source and type (byName). */
  private readonly named = new Map<string, Map<string, string>>();

  /** True when no content rule applies, so that the destination depends only on the type and the source. */
  get byNameOnly(): boolean {
    return this.contentRules.length === 0;
  }

  /**
   * The destination of a record of `type` from `source` when no content rule applies (it depends on those two
   * alone: decided once per pair, looked up by the two strings), else undefined: route() with the record's data.
   */
  byName(type: string, source: string): string | undefined {
    if (!this.byNameOnly) return undefined;
    let byType = this.named.get(source);
    if (byType === undefined) {
      byType = new Map();
      this.named.set(source, byType);
    }
    let destination = byType.get(type);
    if (destination === undefined) {
      destination = this.route({ type, source, data: undefined });
      byType.set(type, destination);
    }
    return destination;
  }

  /** The destination of a record. */
  route(record: RoutableRecord): string {
    return this.resolve(record).destination;
  }

  /** The destination of a record, which entry decided it and everything that was checked before. */
  explain(record: RoutableRecord): RouteExplanation {
    const checked: string[] = [];
    return { ...this.resolve(record, checked), checked };
  }

  // One walk for both route() and explain(); the trace strings are only built when asked for.
  private resolve(record: RoutableRecord, trace?: string[]): Omit<RouteExplanation, 'checked'> {
    if (record.source !== undefined && this.bySource.size > 0) {
      const explicit = this.bySource.get(record.source);
      trace?.push(`sources['${record.source}']: ${explicit === undefined ? 'no entry' : `-> ${explicit}`}`);
      if (explicit !== undefined) {
        return { destination: explicit, matched: 'source', rule: `sources['${record.source}']` };
      }
    }
    const byType = this.map.get(record.type);
    trace?.push(`map[type '${record.type}']: ${byType === undefined ? 'no entry' : `-> ${byType}`}`);
    if (byType !== undefined) return { destination: byType, matched: 'map', rule: `map[type '${record.type}']` };
    if (record.source !== undefined) {
      const bySource = this.map.get(record.source);
      trace?.push(`map[source '${record.source}']: ${bySource === undefined ? 'no entry' : `-> ${bySource}`}`);
      if (bySource !== undefined) {
        return { destination: bySource, matched: 'map', rule: `map[source '${record.source}']` };
      }
    }
    for (const rule of this.contentRules) {
      const value = valueAt(record.data, rule.path);
      const hit = rule.regex ? isScalar(value) && rule.regex.test(String(value)) : value === rule.equals;
      trace?.push(`${rule.label}: ${hit ? `-> ${rule.destination}` : `no (${rule.field} is ${show(value)})`}`);
      if (hit) return { destination: rule.destination, matched: 'rule', rule: rule.label };
    }
    for (const p of this.patterns) {
      const subject = p.on === 'type' ? record.type : record.source;
      const hit = subject !== undefined && p.regex.test(subject);
      trace?.push(`${p.label}: ${hit ? `-> ${p.destination}` : `no (${p.on} is ${show(subject)})`}`);
      if (hit) return { destination: p.destination, matched: 'pattern', rule: p.label };
    }
    trace?.push(`default: -> ${this.rules.default}`);
    return { destination: this.rules.default, matched: 'default' };
  }
}

function regexProblem(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (err) {
    const reason = (err as Error).message.replace(/^Invalid regular expression: /, '');
    return `invalid regular expression ${reason}`;
  }
}

// Own properties only, so a path like 'constructor.name' cannot reach into prototypes.
function valueAt(data: unknown, path: readonly string[]): unknown {
  let cur = data;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function show(v: unknown): string {
  if (v === undefined) return 'missing';
  const s = isScalar(v) || v === null ? JSON.stringify(v) : typeof v;
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
