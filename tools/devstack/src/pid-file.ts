import * as fs from 'node:fs';

/**
 * Pid files: one per process `tideline` started. A pid file alone proves nothing (the pid may have been reused after
 * a reboot or a crash), so a pid counts as ours only while `/proc/<pid>/cmdline` still contains the component's marker
 * (e.g. the absolute path of its config file) and the process is not a zombie.
 */

/** The pid in a pid file's text, or undefined when it holds no positive integer. */
export function parsePidFile(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return undefined;
  const pid = Number(trimmed);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** Whether a `/proc/<pid>/cmdline` (NUL-separated arguments) belongs to the component with this marker. */
export function cmdlineMatches(cmdline: string, marker: string): boolean {
  if (marker === '') return false;
  return cmdline.split('\0').join(' ').includes(marker);
}

export type ProcState = 'running' | 'zombie' | 'gone';

/** The state letter of `/proc/<pid>/stat` ("1234 (java) S …"; the name may contain spaces and parentheses). */
export function parseProcStat(stat: string): ProcState {
  const end = stat.lastIndexOf(')');
  if (end < 0) return 'gone';
  const state = stat
    .slice(end + 1)
    .trim()
    .charAt(0);
  if (state === '') return 'gone';
  return state === 'Z' || state === 'X' || state === 'x' ? 'zombie' : 'running';
}

export function procState(pid: number): ProcState {
  try {
    return parseProcStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return 'gone';
  }
}

export function readCmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/** True while `pid` is a live (non-zombie) process whose command line contains `marker`. */
export function isOurProcess(pid: number, marker: string): boolean {
  return procState(pid) === 'running' && cmdlineMatches(readCmdline(pid), marker);
}

export function readPidFile(file: string): number | undefined {
  try {
    return parsePidFile(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

export function writePidFile(file: string, pid: number): void {
  fs.writeFileSync(file, `${pid}\n`);
}

export function removePidFile(file: string): void {
  fs.rmSync(file, { force: true });
}

/** The pid recorded in `file` if that process is still ours (a stale pid file is left for `up`/`down` to clear). */
export function ownedPid(file: string, marker: string): number | undefined {
  const pid = readPidFile(file);
  return pid !== undefined && isOurProcess(pid, marker) ? pid : undefined;
}
