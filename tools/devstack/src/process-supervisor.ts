import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isOurProcess, procState } from './pid-file';

/** How to start one long-running process. */
export interface SpawnSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

/** A process started by {@link spawnDetached}: its pid, and whether it has exited while we were watching. */
export interface StartedProcess {
  readonly pid: number;
  /** Set once the process exits; `undefined` while it runs. */
  exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
}

/**
 * Starts a process that outlives the CLI: its own process group (detached), stdin closed, stdout and stderr appended
 * to `logFile`, not referenced by our event loop.
 */
export async function spawnDetached(spec: SpawnSpec, logFile: string): Promise<StartedProcess> {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const fd = fs.openSync(logFile, 'a');
  try {
    fs.writeSync(fd, `\n--- ${new Date().toISOString()} starting: ${[spec.command, ...spec.args].join(' ')}\n`);
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    child.on('exit', (code, signal) => {
      exited = { code, signal };
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid as number));
      child.once('error', reject);
    });
    child.unref();
    return { pid, exit: () => exited };
  } finally {
    fs.closeSync(fd);
  }
}

export type StopOutcome = 'terminated' | 'killed' | 'gone';

/**
 * Stops a process we started: SIGTERM, then SIGKILL once `graceMs` has passed. Signals only while the pid still
 * carries `marker` in its command line, so a reused pid is never signalled.
 */
export async function stopProcess(pid: number, marker: string, graceMs = 15_000): Promise<StopOutcome> {
  if (!isOurProcess(pid, marker)) return 'gone';
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (procState(pid) !== 'running') return 'terminated';
    await delay(100);
  }
  if (!isOurProcess(pid, marker)) return 'terminated';
  signal(pid, 'SIGKILL');
  const killDeadline = Date.now() + 5_000;
  while (Date.now() < killDeadline && procState(pid) === 'running') await delay(50);
  return 'killed';
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
