import * as path from 'node:path';
import { DEFAULTS, loadConfig, reporterSectionSchema, type CliConfig } from '@tideline/config';
import {
  findRepoRoot,
  influxUrl,
  kafkaBrokers,
  resolveStackSettings,
  type Env,
  type StackSettings,
} from '@tideline/devstack';

export interface CommandConfigOptions {
  /** Searched for `--config <path>`; default `process.argv`. */
  readonly argv?: readonly string[];
  /** Resolves a relative `TIDELINE_HOME`; default the working directory. */
  readonly cwd?: string;
  /** Default: the repository this CLI runs from. */
  readonly repoRoot?: string;
}

export interface CommandConfig {
  /** The command's config, Kafka and InfluxDB where the local stack is unless set otherwise. */
  readonly config: CliConfig;
  readonly stack: StackSettings;
}

/**
 * The config of every command that talks to Kafka or InfluxDB (`replay`, `alerts`, `report`), resolved as
 * `tideline up` and `status` resolve the stack: the built-in default addresses (`127.0.0.1:19092`,
 * `http://127.0.0.1:18086`) stand for the local stack, so they follow `TIDELINE_KAFKA_PORT` and `TIDELINE_INFLUX_PORT`;
 * an address set on purpose (`KAFKA_BROKERS`, `INFLUX_URL`, `TIDELINE__…`, the config file from `--config` or
 * `TIDELINE_CONFIG`) wins, as for every app. Throws `ConfigError` (a bad key) or `StackSettingsError` (a bad port).
 */
export function resolveCommandConfig(env: Env, options: CommandConfigOptions = {}): CommandConfig {
  const stack = resolveStackSettings(env, options.repoRoot ?? findRepoRoot(), options.cwd ?? process.cwd());
  const loaded = loadConfig('cli', { env, argv: options.argv ?? process.argv });
  const brokers = sameList(loaded.kafka.brokers, DEFAULTS.kafka.brokers) ? [kafkaBrokers(stack)] : loaded.kafka.brokers;
  const url = loaded.influx.url === DEFAULTS.influx.url ? influxUrl(stack) : loaded.influx.url;
  return {
    stack,
    config: { ...loaded, kafka: { ...loaded.kafka, brokers }, influx: { ...loaded.influx, url } },
  };
}

/**
 * The environment of a reporter the CLI starts (`tideline up`, `tideline report`), so that both use the same folder:
 * left at its default, `reporter.dataDir` is `<TIDELINE_HOME>/reporter` (the default home is `<repo>/.tideline`, where
 * the default `.tideline/reporter` pointed already). A folder set in the config file or the environment is kept, as
 * is everything else when the reporter's config is invalid (the reporter names the bad key itself).
 */
export function reporterEnvironment(stack: StackSettings, env: Env, argv: readonly string[] = []): Env {
  let dataDir: string;
  try {
    dataDir = loadConfig('reporter', { env, argv }).reporter.dataDir;
  } catch {
    return {};
  }
  if (dataDir !== reporterSectionSchema.parse({}).dataDir) return {};
  return { TIDELINE__REPORTER__DATA_DIR: path.join(stack.paths.home, 'reporter') };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}
