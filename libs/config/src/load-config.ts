import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { APP_CONFIG_SCHEMAS, type AppConfig } from './apps';
import { ConfigError, type ConfigSource } from './config-error';
import { DEFAULTS, type AppName } from './defaults';
import { ENV_MAPPING, genericEnvKeyPath, genericEnvVariable } from './env-mapping';
import { REMOVED_KEYS } from './removed-keys';
import { maskUrlCredentials, SECRET_KEY } from './secrets';
import { allowedValues, arrayElement, baseType, objectKeys, schemaAt, unionOptions } from './schema-introspection';

export interface LoadConfigOptions {
  /** Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Command-line arguments searched for `--config <path>` / `--config=<path>`; default `process.argv`. */
  readonly argv?: readonly string[];
  /** An explicit config file; wins over `--config` and `TIDELINE_CONFIG`. */
  readonly configPath?: string;
}

/**
 * Loads and validates one app's config: defaults < YAML file (`--config` or `TIDELINE_CONFIG`) < environment.
 * Throws {@link ConfigError} naming the first bad key and what it allows.
 */
export function loadConfig<A extends AppName>(app: A, options: LoadConfigOptions = {}): AppConfig<A> {
  return loadConfigWith(APP_CONFIG_SCHEMAS[app], options) as AppConfig<A>;
}

/** {@link loadConfig} for any schema built with `defineAppConfig` (tests, tools). */
export function loadConfigWith<S extends z.ZodObject>(schema: S, options: LoadConfigOptions = {}): z.infer<S> {
  const env = options.env ?? process.env;
  const sources = new Map<string, ConfigSource>();
  const raw = withoutOtherAppsSections(
    schema,
    readConfigFile(options.configPath, options.argv ?? process.argv, env, sources),
  );
  applyEnv(schema, raw, env, sources);
  const result = schema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  throw toConfigError(schema, result.error, sources, raw);
}

/** Every section some Tideline app reads. */
const KNOWN_SECTIONS: ReadonlySet<string> = new Set(
  Object.values(APP_CONFIG_SCHEMAS).flatMap((appSchema) => objectKeys(appSchema)),
);

/**
 * One config file serves every app (as one environment does): a section that another app reads (`anomaly` in the
 * baseline service's view) is that app's to validate, not an error here. A section no app reads still is.
 */
function withoutOtherAppsSections(schema: z.ZodObject, raw: Raw): Raw {
  const mine = new Set(objectKeys(schema));
  return Object.fromEntries(Object.entries(raw).filter(([key]) => mine.has(key) || !KNOWN_SECTIONS.has(key)));
}

/** Exit status for a bad config: EX_CONFIG from sysexits.h. */
export const CONFIG_ERROR_EXIT_CODE = 78;

/**
 * {@link loadConfig}, but a bad config prints the error (naming the key and what it allows) to stderr and exits the
 * process with status {@link CONFIG_ERROR_EXIT_CODE}. For app entry points.
 */
export function loadConfigOrExit<A extends AppName>(app: A, options: LoadConfigOptions = {}): AppConfig<A> {
  try {
    return loadConfig(app, options);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`tideline ${app}: invalid configuration: ${error.message}\n`);
    process.exit(CONFIG_ERROR_EXIT_CODE);
  }
}

/** The config file named by `--config` or `TIDELINE_CONFIG`, if any. */
export function configFilePath(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): { path: string; via: string } | undefined {
  const flag = DEFAULTS.configFlag;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === flag && argv[i + 1] !== undefined) return { path: argv[i + 1] as string, via: flag };
    if (arg.startsWith(`${flag}=`)) return { path: arg.slice(flag.length + 1), via: flag };
  }
  const fromEnv = env[DEFAULTS.configEnvVar];
  return fromEnv ? { path: fromEnv, via: `env ${DEFAULTS.configEnvVar}` } : undefined;
}

type Raw = Record<string, unknown>;

function readConfigFile(
  explicit: string | undefined,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  sources: Map<string, ConfigSource>,
): Raw {
  const located = explicit !== undefined ? { path: explicit, via: 'configPath' } : configFilePath(argv, env);
  if (!located) return {};
  const what = `config file ${located.path} (from ${located.via})`;
  let text: string;
  try {
    text = readFileSync(located.path, 'utf8');
  } catch (error) {
    const detail = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigError(`${what} cannot be read: ${detail}`, 'config', undefined, 'a readable YAML file');
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ConfigError(`${what} is not valid YAML: ${detail}`, 'config', undefined, 'a YAML mapping');
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`${what} must be a YAML mapping of sections`, 'config', undefined, 'a YAML mapping');
  }
  recordSources(parsed as Raw, [], { kind: 'file', path: located.path }, sources);
  return parsed as Raw;
}

function recordSources(value: unknown, path: string[], source: ConfigSource, sources: Map<string, ConfigSource>): void {
  sources.set(path.join('.'), source);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) recordSources(child, [...path, key], source, sources);
  }
}

function applyEnv(
  schema: z.ZodObject,
  raw: Raw,
  env: Readonly<Record<string, string | undefined>>,
  sources: Map<string, ConfigSource>,
): void {
  const sections = new Set(objectKeys(schema));
  const assignments: [string, string[]][] = [];
  // generic variables first, so that the well-known names win when both are set
  for (const variable of Object.keys(env).sort()) {
    const path = genericEnvKeyPath(variable);
    if (path) assignments.push([variable, path]);
  }
  for (const [variable, key] of Object.entries(ENV_MAPPING)) assignments.push([variable, key.split('.')]);
  for (const [variable, path] of assignments) {
    const value = env[variable];
    // an empty variable counts as unset (compose files often declare `VAR=` to mean "no value")
    if (value === undefined || value.trim() === '') continue;
    // one environment serves every app: a section this app does not have is not an error
    if (!sections.has(path[0] as string)) continue;
    setPath(raw, path, coerce(schemaAt(schema, path), value));
    sources.set(path.join('.'), { kind: 'env', variable });
  }
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Env values are strings: turn them into what the schema expects when they look right; otherwise leave the string for the schema to reject. */
function coerce(node: z.core.$ZodType | undefined, value: string): unknown {
  if (!node) return value;
  switch (baseType(node)) {
    case 'number':
      return NUMERIC.test(value.trim()) ? Number(value) : value;
    // e.g. a sensitivity: `high` stays a string, `0.7` becomes a number
    case 'union':
      return NUMERIC.test(value.trim()) && unionOptions(node).some((option) => baseType(option) === 'number')
        ? Number(value)
        : value;
    case 'boolean': {
      const lower = value.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(lower)) return true;
      if (['false', '0', 'no', 'off'].includes(lower)) return false;
      return value;
    }
    case 'array': {
      const element = arrayElement(node);
      return value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0)
        .map((item) => coerce(element, item));
    }
    default:
      return value;
  }
}

function setPath(target: Raw, path: readonly string[], value: unknown): void {
  let current = target;
  for (const segment of path.slice(0, -1)) {
    const next = current[segment];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) current[segment] = {};
    current = current[segment] as Raw;
  }
  current[path[path.length - 1] as string] = value;
}

function envVariableFor(path: readonly string[]): string {
  const key = path.join('.');
  // a mapping (http.auth) is set key by key: name the well-known variable of one of its keys (HTTP_AUTH_TOKEN)
  const known =
    Object.entries(ENV_MAPPING).find(([, mapped]) => mapped === key) ??
    Object.entries(ENV_MAPPING).find(([, mapped]) => mapped.startsWith(`${key}.`));
  return known ? known[0] : genericEnvVariable(path);
}

/**
 * The bad value as an error message shows it: JSON, cut at 80 characters; a secret's value is not repeated, and the
 * credentials of a URL (`http://user:pass@host`) are masked, since config errors end up in logs.
 */
function describeValue(value: unknown, path: readonly PropertyKey[] = []): string {
  if (value === undefined) return 'nothing';
  if (path.some((segment) => typeof segment === 'string' && SECRET_KEY.test(segment))) return '(a secret, not shown)';
  const text = maskUrlCredentials(JSON.stringify(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function toConfigError(
  schema: z.ZodObject,
  error: z.ZodError,
  sources: Map<string, ConfigSource>,
  raw: Raw,
): ConfigError {
  const issue = error.issues[0] as z.core.$ZodIssue;
  let path = issue.path.map(String);
  let problem: string;
  let allowed: string | undefined;
  if (issue.code === 'unrecognized_keys') {
    const parentKeys = objectKeys(schemaAt(schema, path) ?? schema);
    path = [...path, issue.keys[0] as string];
    const removed = REMOVED_KEYS[path.join('.')];
    problem = removed === undefined ? 'is not a known key' : `was removed: ${removed}`;
    allowed = parentKeys.length > 0 ? `keys ${parentKeys.join(', ')}` : undefined;
  } else {
    const input = (issue as { input?: unknown }).input;
    const node = schemaAt(schema, issue.path as (string | number)[]);
    // an array element's path ends in its index: describe the list, not the element
    const described = node ?? schemaAt(schema, issue.path.slice(0, -1) as (string | number)[]);
    allowed = described ? allowedValues(described) : undefined;
    problem =
      input === undefined || input === null
        ? issue.code === 'custom'
          ? `is required (${issue.message})`
          : 'is required'
        : `is invalid: got ${describeValue(input, issue.path)} (${issue.message})`;
  }
  const key = path.filter((segment) => !isListIndex(segment)).join('.');
  const source = findSource(path, sources);
  const where =
    source?.kind === 'env'
      ? `env ${source.variable}`
      : source?.kind === 'file'
        ? `in ${source.path}`
        : path.some(isListIndex)
          ? 'set it in the config file'
          : `set it in the config file, or env ${envVariableFor(key.split('.'))}`;
  const context = [...namedListEntries(raw, path), where].join('; ');
  const message = `${displayPath(path)} (${context}) ${problem}${allowed ? `; allowed: ${allowed}` : ''}`;
  return new ConfigError(message, key, source, allowed);
}

function isListIndex(segment: string): boolean {
  return /^\d+$/.test(segment);
}

/** `['alerting', 'rules', '2', 'sensitivity']` → `alerting.rules[2].sensitivity`: the path as the user wrote it. */
function displayPath(path: readonly string[]): string {
  return path.map((segment, i) => (isListIndex(segment) ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join('');
}

/** For each list entry on the path that has a `name` (a rule, a webhook): `rules[2] is "disks"`. */
function namedListEntries(raw: Raw, path: readonly string[]): string[] {
  const named: string[] = [];
  let current: unknown = raw;
  for (let i = 0; i < path.length; i++) {
    if (current === null || typeof current !== 'object') break;
    current = (current as Record<string, unknown>)[path[i] as string];
    const name = (current as { name?: unknown } | null | undefined)?.name;
    if (isListIndex(path[i] as string) && typeof name === 'string') {
      named.push(`${path[i - 1] ?? ''}[${path[i]}] is ${JSON.stringify(name)}`);
    }
  }
  return named;
}

function findSource(path: readonly string[], sources: Map<string, ConfigSource>): ConfigSource | undefined {
  for (let length = path.length; length > 0; length--) {
    const source = sources.get(path.slice(0, length).join('.'));
    if (source) return source;
  }
  return undefined;
}
