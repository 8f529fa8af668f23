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
import { errorMessage, isPortOpen } from './readiness';
import type { Env, StackSettings } from './stack-settings';

export const DEFAULT_READY_TIMEOUT_MS = 60_000;

/** The servers of the local stack, in start order. */
export function stackComponents(settings: StackSettings, env: Env): ManagedComponent[] {
  return [kafkaServer(settings, env), influxServer(settings, env)];
}

/**
 * What stands in the way of starting the components, without starting anything: for every component that is neither
 * ours and running nor answering, its preflight (Java, Maven, influxd or apt-get, built apps) and its ports (a port
 * taken by a process that does not answer as the component would). Each failure says what to do.
 */
export async function checkStack(components: readonly ManagedComponent[]): Promise<UpResult[]> {
  const failures = await Promise.all(
    components.map(async (component): Promise<UpResult | undefined> => {
      const failed = (reason: string): UpResult => ({
        name: component.name,
        outcome: 'failed',
        reason,
        logFile: component.logFile,
      });
      if (ownedPid(component.pidFile, component.marker) !== undefined) return undefined;
      if ((await component.probe()).ok) return undefined;
      try {
        await component.preflight();
      } catch (error) {
        return failed(errorMessage(error));
      }
      for (const { port, env } of component.ports) {
        if (await isPortOpen(port))
          return failed(
            `port ${port} is in use by a process tideline did not start; stop it or choose another port with ${env}`,
          );
      }
      return undefined;
    }),
  );
  return failures.filter((result): result is UpResult => result !== undefined);
}

/**
 * Brings components up together. First {@link checkStack}: if anything stands in the way, nothing is started. Then
 * all start in parallel, each waiting for its own readiness probe.
 */
export async function bringUp(
  components: readonly ManagedComponent[],
  timeoutMs: number,
  out: Output,
): Promise<UpResult[]> {
  const failed = await checkStack(components);
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
