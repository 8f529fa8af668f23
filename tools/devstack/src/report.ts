import type { ComponentStatus, DownResult, UpResult } from './managed-component';

/** `7.4 s`, `850 ms`. */
export function formatDuration(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(1)} s`;
}

const NAME_WIDTH = 10;

/** One result as lines; a failure names its log file unless `hasLog` says there is none yet (failed preflight). */
export function formatUpResult(result: UpResult, address: string, hasLog = true): string[] {
  const name = result.name.padEnd(NAME_WIDTH);
  switch (result.outcome) {
    case 'started':
      return [`${name} started in ${formatDuration(result.ms)}  ${address}  (pid ${result.pid}; ${result.detail})`];
    case 'already-running':
      return [`${name} already running  ${address}  (pid ${result.pid}; ${result.detail})`];
    case 'external':
      return [`${name} already answering at ${address}, not started by tideline: using it, leaving it alone`];
    case 'failed':
      return [
        `${name} FAILED: ${result.reason}`,
        ...(hasLog ? [`${' '.repeat(NAME_WIDTH)} log: ${result.logFile}`] : []),
      ];
  }
}

export function formatDownResult(result: DownResult): string {
  const name = result.name.padEnd(NAME_WIDTH);
  const took = result.ms === undefined ? '' : ` in ${formatDuration(result.ms)}`;
  switch (result.outcome) {
    case 'stopped':
      return `${name} stopped (pid ${result.pid})${took}`;
    case 'killed':
      return `${name} killed after not stopping on SIGTERM (pid ${result.pid})${took}`;
    case 'not-running':
      return `${name} not running`;
    case 'external':
      return `${name} not started by tideline: left running`;
  }
}

export function formatStatus(status: ComponentStatus): string[] {
  const state = status.healthy ? 'healthy' : status.pid !== undefined ? 'UNHEALTHY' : 'stopped';
  return [`${status.name.padEnd(NAME_WIDTH)} ${state.padEnd(9)} ${status.address}  ${status.detail}`];
}

export function upSucceeded(results: readonly UpResult[]): boolean {
  return results.every((result) => result.outcome !== 'failed');
}

/**
 * What a machine reads from `--json`: the outcome, the names this call started (so it can stop exactly those), the
 * environment that points clients at the servers, and every result.
 */
export function upJson(results: readonly UpResult[], env: Readonly<Record<string, string>> = {}): string {
  return JSON.stringify({
    ok: upSucceeded(results),
    started: results.filter((result) => result.outcome === 'started').map((result) => result.name),
    env,
    results,
  });
}
