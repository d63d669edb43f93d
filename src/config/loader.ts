// Loads the config from its layers, lowest first: defaults, a file (YAML or JSON), the environment, then flags.

import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import YAML from 'yaml';
import { DatagenError } from '../errors.js';
import { type ConfigProblem, configInvalid, problemsFromIssues } from './problems.js';
import { type Config, configSchema } from './schema.js';
import { coerceText } from './schema-walk.js';

export const ENV_PREFIX = 'RETAIL_DATAGEN_';

/** Environment variables read as-is into a config key, for compatibility with the seed and Azure tooling. */
export const ENV_ALIASES: Readonly<Record<string, readonly string[]>> = {
  AZURE_EVENTHUB_CONNECTION_STRING: ['realtime', 'azure_connection_string'],
  AZURE_STORAGE_ACCOUNT_KEY: ['storage', 'account_key'],
};

export interface LoadOptions {
  /** Path of a YAML or JSON config file. */
  file?: string;
  /** The environment (defaults to process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** `--set a.b=value` flags, in order. */
  sets?: readonly string[];
  /** `--seed N` flag. */
  seed?: string | number;
}

export interface LoadedConfig {
  config: Config;
  /** Where each overridden path came from ('file config.yaml', 'env RETAIL_DATAGEN_VOLUME__STORES', '--set'). */
  origins: ReadonlyMap<string, string>;
}

type Raw = Record<string, unknown>;

function setPath(target: Raw, path: readonly string[], value: unknown): void {
  let cur = target;
  for (const key of path.slice(0, -1)) {
    const next = cur[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) cur[key] = {};
    cur = cur[key] as Raw;
  }
  cur[path[path.length - 1]] = value;
}

function recordOrigins(value: unknown, path: string[], origin: string, origins: Map<string, string>): void {
  origins.set(path.join('.'), origin);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) recordOrigins(v, [...path, k], origin, origins);
  }
}

/** Reads and parses a config file; a missing file or bad syntax is a clear CONFIG_* error. */
export function readConfigFile(file: string): unknown {
  let text: string;
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new DatagenError(
        'CONFIG_FILE_NOT_FOUND',
        `config file not found: ${file} (check the path given to --config)`,
      );
    }
    throw new DatagenError('CONFIG_FILE_UNREADABLE', `cannot read config file ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const ext = extname(file).toLowerCase();
  try {
    if (ext === '.json') return JSON.parse(text);
    // YAML is a superset of JSON, so files with any other extension parse as YAML.
    const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length > 0) throw doc.errors[0];
    return doc.toJS() ?? {};
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0];
    throw new DatagenError(
      'CONFIG_PARSE_FAILED',
      `config file ${file} is not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${msg}`,
      {
        cause: err,
      },
    );
  }
}

/** Merges `src` into `dst`, objects recursively, recording where each leaf came from. */
function mergeLayer(dst: Raw, src: unknown, origin: string, origins: Map<string, string>, path: string[] = []): void {
  if (src === null || typeof src !== 'object' || Array.isArray(src)) return;
  for (const [k, v] of Object.entries(src)) {
    const p = [...path, k];
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const cur = dst[k];
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) dst[k] = {};
      mergeLayer(dst[k] as Raw, v, origin, origins, p);
      if (Object.keys(v).length === 0) origins.set(p.join('.'), origin);
    } else {
      dst[k] = v;
      recordOrigins(v, p, origin, origins);
    }
  }
}

/** The raw (unvalidated) merged input of all layers, with the origin of every path. */
export function mergeLayers(opts: LoadOptions): { raw: Raw; origins: Map<string, string>; problems: ConfigProblem[] } {
  const env = opts.env ?? process.env;
  const raw: Raw = {};
  const origins = new Map<string, string>();
  const problems: ConfigProblem[] = [];

  if (opts.file) {
    const fromFile = readConfigFile(opts.file);
    if (fromFile === null || typeof fromFile !== 'object' || Array.isArray(fromFile)) {
      problems.push({
        path: '',
        value: fromFile,
        message: 'the config file must hold a mapping of sections',
        origin: `file ${opts.file}`,
      });
    } else {
      mergeLayer(raw, fromFile, `file ${opts.file}`, origins);
    }
  }

  for (const name of Object.keys(env).sort()) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    let path: string[] | undefined;
    if (ENV_ALIASES[name]) path = [...ENV_ALIASES[name]];
    else if (name === `${ENV_PREFIX}SEED`) path = ['seed'];
    else if (name.startsWith(ENV_PREFIX) && name.includes('__')) {
      path = name
        .slice(ENV_PREFIX.length)
        .split('__')
        .map((p) => p.toLowerCase());
    }
    if (!path) continue;
    setPath(raw, path, coerceText(configSchema, path, text));
    origins.set(path.join('.'), `env ${name}`);
  }

  for (const assignment of opts.sets ?? []) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) {
      problems.push({
        path: '',
        value: assignment,
        message: '--set expects KEY=VALUE, e.g. --set volume.stores=12',
        origin: '--set',
      });
      continue;
    }
    const path = assignment.slice(0, eq).trim().split('.');
    setPath(raw, path, coerceText(configSchema, path, assignment.slice(eq + 1)));
    origins.set(path.join('.'), '--set');
  }

  if (opts.seed !== undefined) {
    const n = typeof opts.seed === 'number' ? opts.seed : Number(opts.seed);
    raw.seed = Number.isFinite(n) && String(opts.seed).trim() !== '' ? n : opts.seed;
    origins.set('seed', '--seed');
  }
  return { raw, origins, problems };
}

/**
 * Loads and validates the config; throws one CONFIG_INVALID error listing every problem.
 * @example const { config } = loadConfig({ file: 'config.json', sets: ['volume.stores=3'] });
 */
export function loadConfig(opts: LoadOptions = {}): LoadedConfig {
  const { raw, origins, problems } = mergeLayers(opts);
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) problems.push(...problemsFromIssues(parsed.error.issues, raw, configSchema, origins));
  if (problems.length > 0 || !parsed.success) throw configInvalid(problems);
  return { config: parsed.data, origins };
}
