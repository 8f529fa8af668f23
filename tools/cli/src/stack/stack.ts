import { influxServer } from './influx-server';
import { kafkaServer } from './kafka-server';
import {
  componentDown,
  componentStatus,
  componentUp,
  type ComponentStatus,
  type DownResult,
  type ManagedComponent,
  type Output,
  type UpResult,
} from './managed-component';
import { ownedPid } from './pid-file';
import { errorMessage } from './readiness';
import type { Env, StackSettings } from './stack-settings';

export const DEFAULT_READY_TIMEOUT_MS = 60_000;

/** The servers of the local stack, in start order. */
export function stackComponents(settings: StackSettings, env: Env): ManagedComponent[] {
  return [kafkaServer(settings, env), influxServer(settings, env)];
}

/**
 * Brings components up together. First, for every component that is neither ours and running nor answering, the
 * preflight checks run (Java, Maven, influxd, built apps): if any fails, nothing is started. Then all start in
 * parallel, each waiting for its own readiness probe.
 */
export async function bringUp(
  components: readonly ManagedComponent[],
  timeoutMs: number,
  out: Output,
): Promise<UpResult[]> {
  const toStart = [];
  for (const component of components) {
    if (ownedPid(component.pidFile, component.marker) !== undefined) continue;
    if ((await component.probe()).ok) continue;
    toStart.push(component);
  }
  const preflight = await Promise.all(
    toStart.map(async (component): Promise<UpResult | undefined> => {
      try {
        await component.preflight();
        return undefined;
      } catch (error) {
        return { name: component.name, outcome: 'failed', reason: errorMessage(error), logFile: component.logFile };
      }
    }),
  );
  const failed = preflight.filter((result): result is UpResult => result !== undefined);
  if (failed.length > 0) return failed;
  return Promise.all(components.map((component) => componentUp(component, timeoutMs, out)));
}

export function bringDown(components: readonly ManagedComponent[], graceMs?: number): Promise<DownResult[]> {
  return Promise.all(components.map((component) => componentDown(component, graceMs)));
}

export function statusOf(components: readonly ManagedComponent[]): Promise<ComponentStatus[]> {
  return Promise.all(components.map((component) => componentStatus(component)));
}

/** Keeps the named components (all when `names` is empty); an unknown name is an error listing the known ones. */
export function selectComponents(
  components: readonly ManagedComponent[],
  names: readonly string[],
): ManagedComponent[] {
  if (names.length === 0) return [...components];
  const known = components.map((component) => component.name);
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0)
    throw new Error(`unknown component "${unknown.join('", "')}": choose from ${known.join(', ')}`);
  return components.filter((component) => names.includes(component.name));
}
