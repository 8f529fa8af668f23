import type { ComponentStatus, DownResult, ManagedComponent, Output, UpResult } from './managed-component';
import { upSucceeded } from './report';
import { findRepoRoot } from './repo-root';
import { bringDown, bringUp, DEFAULT_READY_TIMEOUT_MS, selectComponents, stackComponents, statusOf } from './stack';
import { influxUrl, kafkaBrokers, resolveStackSettings, type Env, type StackSettings } from './stack-settings';

/** Which stack: the one the environment names (TIDELINE_HOME, the TIDELINE_*_PORT variables) in this repository. */
export interface DevStackOptions {
  /** Default: `process.env`. */
  readonly env?: Env;
  /** Default: the repository this code runs from. */
  readonly repoRoot?: string;
  /** Where a relative TIDELINE_HOME starts. Default: the current directory. */
  readonly cwd?: string;
}

export interface StartStackOptions extends DevStackOptions {
  /** How long each server may take to answer. Default: {@link DEFAULT_READY_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
  /** Progress lines. Default: none. */
  readonly output?: Output;
}

/** What {@link startStack} did: `started` names what this call started, so a caller stops exactly that. */
export interface StackUp {
  readonly ok: boolean;
  readonly started: string[];
  /** Where clients find the servers. */
  readonly env: { readonly KAFKA_BROKERS: string; readonly INFLUX_URL: string };
  readonly results: UpResult[];
  readonly settings: StackSettings;
  readonly components: ManagedComponent[];
}

const SILENT: Output = { info: () => undefined, error: () => undefined };

function stackOf(options: DevStackOptions): { settings: StackSettings; components: ManagedComponent[] } {
  const env = options.env ?? process.env;
  const settings = resolveStackSettings(env, options.repoRoot ?? findRepoRoot(), options.cwd ?? process.cwd());
  return { settings, components: stackComponents(settings, env) };
}

/**
 * `tideline stack up`: starts Kafka and InfluxDB in the background and waits until both answer. Idempotent: servers
 * already running (ours or not) are used and left alone. Nothing starts when something stands in the way.
 */
export async function startStack(options: StartStackOptions = {}): Promise<StackUp> {
  const { settings, components } = stackOf(options);
  const output = options.output ?? SILENT;
  output.info(`stack home: ${settings.paths.home}`);
  const results = await bringUp(components, options.timeoutMs ?? DEFAULT_READY_TIMEOUT_MS, output);
  return {
    ok: upSucceeded(results),
    started: results.filter((result) => result.outcome === 'started').map((result) => result.name),
    env: { KAFKA_BROKERS: kafkaBrokers(settings), INFLUX_URL: influxUrl(settings) },
    results,
    settings,
    components,
  };
}

/** `tideline stack down [names]`: stops the named servers (all when none) that the stack started; others are left. */
export async function stopStack(names: readonly string[] = [], options: DevStackOptions = {}): Promise<DownResult[]> {
  return bringDown(selectComponents(stackOf(options).components, names));
}

/** `tideline stack status`: each server, healthy or not. */
export async function stackStatus(options: DevStackOptions = {}): Promise<ComponentStatus[]> {
  return statusOf(stackOf(options).components);
}
