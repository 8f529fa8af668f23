import { appComponents } from './app-services';
import {
  type ManagedComponent,
  type Output,
  type UpResult,
  upSucceeded,
  bringUp,
  stackComponents,
  type Env,
  type StackSettings,
} from '@tideline/devstack';

/** Everything `tideline up` runs: the stack's servers, then the four apps. */
export function systemComponents(
  settings: StackSettings,
  env: Env,
): { stack: ManagedComponent[]; apps: ManagedComponent[] } {
  return { stack: stackComponents(settings, env), apps: appComponents(settings, env) };
}

/** The stack first (the apps need it to become healthy), then the apps in parallel. Stops at the first failing group. */
export async function systemUp(
  settings: StackSettings,
  env: Env,
  timeoutMs: number,
  out: Output,
): Promise<{ stack: UpResult[]; apps: UpResult[] }> {
  const { stack, apps } = systemComponents(settings, env);
  const stackResults = await bringUp(stack, timeoutMs, out);
  if (!upSucceeded(stackResults)) return { stack: stackResults, apps: [] };
  return { stack: stackResults, apps: await bringUp(apps, timeoutMs, out) };
}
