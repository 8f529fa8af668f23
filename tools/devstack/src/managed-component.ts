import { isOurProcess, ownedPid, removePidFile, writePidFile } from './pid-file';
import { spawnDetached, stopProcess, type SpawnSpec } from './process-supervisor';
import { errorMessage, isPortOpen, waitUntilReady, type ProbeResult } from './readiness';

/** Where progress lines go (stdout for people; stderr when a command prints JSON). */
export interface Output {
  info(line: string): void;
  error(line: string): void;
}

/** A port a component listens on, and the environment variable that moves it. */
export interface ComponentPort {
  readonly port: number;
  readonly env: string;
}

/** One background process `tideline` manages: a server of the stack or one of the apps. */
export interface ManagedComponent {
  readonly name: string;
  /** Where it answers, for people: `127.0.0.1:19092`, `http://127.0.0.1:8710/health`. */
  readonly address: string;
  readonly pidFile: string;
  readonly logFile: string;
  /** A string only this component's command line contains (e.g. its config file's absolute path). */
  readonly marker: string;
  readonly ports: readonly ComponentPort[];
  /** Fast checks before anything starts (tools installed, app built); throws with a message saying what to do. */
  preflight(): Promise<void>;
  /** Writes config, resolves dependencies, formats storage; throws with a message saying what to do. */
  prepare(out: Output): Promise<void>;
  spawnSpec(): SpawnSpec;
  probe(): Promise<ProbeResult>;
}

export type UpResult =
  | {
      readonly name: string;
      readonly outcome: 'started';
      readonly pid: number;
      readonly ms: number;
      readonly detail: string;
    }
  | { readonly name: string; readonly outcome: 'already-running'; readonly pid: number; readonly detail: string }
  | { readonly name: string; readonly outcome: 'external'; readonly detail: string }
  | { readonly name: string; readonly outcome: 'failed'; readonly reason: string; readonly logFile: string };

export interface DownResult {
  readonly name: string;
  readonly outcome: 'stopped' | 'killed' | 'not-running' | 'external';
  readonly pid?: number;
  readonly ms?: number;
}

export interface ComponentStatus {
  readonly name: string;
  readonly address: string;
  readonly healthy: boolean;
  /** The pid when `tideline` started it and it still runs. */
  readonly pid?: number;
  readonly detail: string;
  readonly logFile: string;
}

/**
 * Brings one component up, idempotently: already ours and answering → "already running"; answering but not started
 * by us → "external" (left alone, never stopped by `down`); a port taken by something that does not answer → failed;
 * otherwise prepare, start detached, record the pid, and wait until the probe answers or the timeout passes. A start
 * that fails is stopped again, so a failed `up` leaves no half-started process behind.
 */
export async function componentUp(component: ManagedComponent, timeoutMs: number, out: Output): Promise<UpResult> {
  const { name, logFile } = component;
  const existing = ownedPid(component.pidFile, component.marker);
  if (existing !== undefined) {
    const ready = await waitUntilReady(() => component.probe(), {
      timeoutMs,
      giveUp: () => (isOurProcess(existing, component.marker) ? undefined : `pid ${existing} exited`),
    });
    if (ready.ok) return { name, outcome: 'already-running', pid: existing, detail: ready.detail };
    return {
      name,
      outcome: 'failed',
      reason: `running as pid ${existing} but not answering: ${ready.reason}`,
      logFile,
    };
  }
  removePidFile(component.pidFile);

  const answering = await component.probe();
  if (answering.ok) return { name, outcome: 'external', detail: answering.detail };
  for (const { port, env } of component.ports) {
    if (await isPortOpen(port)) {
      return {
        name,
        outcome: 'failed',
        reason: `port ${port} is in use by a process tideline did not start; stop it or choose another port with ${env}`,
        logFile,
      };
    }
  }

  const started = Date.now();
  try {
    await component.prepare(out);
  } catch (error) {
    return { name, outcome: 'failed', reason: errorMessage(error), logFile };
  }
  const child = await spawnDetached(component.spawnSpec(), logFile);
  writePidFile(component.pidFile, child.pid);
  const ready = await waitUntilReady(() => component.probe(), {
    timeoutMs,
    giveUp: () => {
      const exit = child.exit();
      return exit ? `the process exited during start (${exit.signal ?? `exit code ${exit.code}`})` : undefined;
    },
  });
  if (ready.ok) return { name, outcome: 'started', pid: child.pid, ms: Date.now() - started, detail: ready.detail };
  await stopProcess(child.pid, component.marker, 5_000);
  removePidFile(component.pidFile);
  return { name, outcome: 'failed', reason: ready.reason, logFile };
}

/** Stops the component only if `tideline` started it (pid file + matching command line). */
export async function componentDown(component: ManagedComponent, graceMs = 15_000): Promise<DownResult> {
  const pid = ownedPid(component.pidFile, component.marker);
  if (pid === undefined) {
    removePidFile(component.pidFile);
    const open = await Promise.all(component.ports.map(({ port }) => isPortOpen(port)));
    return { name: component.name, outcome: open.some(Boolean) ? 'external' : 'not-running' };
  }
  const started = Date.now();
  const outcome = await stopProcess(pid, component.marker, graceMs);
  removePidFile(component.pidFile);
  return { name: component.name, outcome: outcome === 'killed' ? 'killed' : 'stopped', pid, ms: Date.now() - started };
}

export async function componentStatus(component: ManagedComponent): Promise<ComponentStatus> {
  const pid = ownedPid(component.pidFile, component.marker);
  const probe = await component.probe();
  const base = { name: component.name, address: component.address, logFile: component.logFile };
  const owner = pid !== undefined ? `pid ${pid}` : 'not started by tideline';
  if (probe.ok)
    return { ...base, healthy: true, ...(pid !== undefined ? { pid } : {}), detail: `${owner}; ${probe.detail}` };
  if (pid !== undefined)
    return { ...base, healthy: false, pid, detail: `pid ${pid} runs but does not answer: ${probe.reason}` };
  return { ...base, healthy: false, detail: probe.reason };
}
