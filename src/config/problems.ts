// Config problems: one record per bad value, with its path, the value, what is allowed and where it came from.

import type { z } from 'zod';
import { DatagenError } from '../errors.js';
import { didYouMean, keysAt } from './schema-walk.js';
import { redactText } from './secret.js';

export interface ConfigProblem {
  /** Dotted path, e.g. `volume.stores` (empty for the whole document). */
  path: string;
  /** The bad value as given (secrets redacted), or undefined when the key is missing. */
  value?: unknown;
  /** What is wrong and what is allowed. */
  message: string;
  /** Where the value came from: the file, an environment variable or a flag. */
  origin?: string;
}

const SECRET_KEYS = /connection_string|account_key|password|secret|token|sas|headers|authorization|api_key/i;

function getAt(obj: unknown, path: readonly PropertyKey[]): unknown {
  let cur = obj;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

/** Turns zod issues into problems; `origins` maps dotted paths to where their value came from. */
export function problemsFromIssues(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  root: z.ZodType,
  origins: ReadonlyMap<string, string>,
): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const issue of issues) {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      const known = keysAt(root, base);
      for (const key of issue.keys) {
        const path = [...base, key].join('.');
        const hint = didYouMean(key, known);
        out.push({
          path,
          value: getAt(input, [...issue.path, key]),
          message: `unknown key${hint ? `; did you mean '${hint}'?` : ''} (allowed here: ${known.join(', ')})`,
          origin: origins.get(path),
        });
      }
      continue;
    }
    const path = base.join('.');
    const value = getAt(input, issue.path);
    out.push({
      path,
      value: SECRET_KEYS.test(path) && value !== undefined ? '***' : value,
      message: describeIssue(issue),
      origin: origins.get(path),
    });
  }
  return out;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'too_small':
      return `must be ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}`;
    case 'too_big':
      return `must be ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    default:
      return issue.message.replace(/^Invalid input: /, '');
  }
}

function showValue(v: unknown): string {
  if (v === undefined) return '(missing)';
  const s = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** One line per problem, for the terminal. */
export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems
    .map((p) => {
      const where = p.origin ? ` (from ${p.origin})` : '';
      return redactText(`  ${p.path || '(config)'}: ${p.message}; got ${showValue(p.value)}${where}`);
    })
    .join('\n');
}

/** The error a command raises for a bad config: it lists every problem at once. */
export function configInvalid(problems: readonly ConfigProblem[]): DatagenError {
  const n = problems.length;
  return new DatagenError(
    'CONFIG_INVALID',
    `invalid configuration (${n} problem${n === 1 ? '' : 's'}):\n${formatProblems(problems)}`,
    {
      details: problems,
    },
  );
}
