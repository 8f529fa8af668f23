import type { z } from 'zod';
import { APP_CONFIG_SCHEMAS, type AppConfig } from './apps';
import type { AppName } from './defaults';

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
export function loadConfigWith<S extends z.ZodObject>(_schema: S, _options: LoadConfigOptions = {}): z.infer<S> {
  throw new Error('not implemented');
}

/** {@link loadConfig}, but a bad config prints the error to stderr and exits the process with status 78 (EX_CONFIG). */
export function loadConfigOrExit<A extends AppName>(app: A, options: LoadConfigOptions = {}): AppConfig<A> {
  return loadConfig(app, options);
}
