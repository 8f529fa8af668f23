import { InvalidArgumentError, Option } from 'commander';
import * as fs from 'node:fs';
import { tailFile } from './log-tail';
import type { ManagedComponent, Output, UpResult } from './managed-component';
import { formatUpResult } from './report';

/** Progress for people on stdout; with `--json`, stdout carries only the JSON, so progress moves to stderr. */
export function consoleOutput(json: boolean): Output {
  return {
    info: (line) => (json ? process.stderr : process.stdout).write(`${line}\n`),
    error: (line) => process.stderr.write(`${line}\n`),
  };
}

/** Prints each result; for a failed one, also the last lines of its log. */
export function printUpResults(
  results: readonly UpResult[],
  components: readonly ManagedComponent[],
  out: Output,
  tailLines = 25,
): void {
  for (const result of results) {
    const component = components.find((candidate) => candidate.name === result.name);
    const hasLog = result.outcome === 'failed' && fs.existsSync(result.logFile);
    const lines = formatUpResult(result, component?.address ?? '', hasLog);
    if (result.outcome !== 'failed') {
      lines.forEach((line) => out.info(line));
      continue;
    }
    lines.forEach((line) => out.error(line));
    const tail = lastRun(tailFile(result.logFile, tailLines));
    if (tail.length > 0) {
      out.error(`---- last ${tail.length} lines of ${result.logFile}`);
      tail.forEach((line) => out.error(`  ${line}`));
      out.error('----');
    }
  }
}

/** The lines since the last start marker that `spawnDetached` writes (older runs' lines only confuse). */
export function lastRun(lines: readonly string[]): string[] {
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^--- \S+ (starting|formatting): /.test(lines[i] ?? '')) return lines.slice(i);
  }
  return [...lines];
}

/** Parses `--timeout <seconds>`. */
/**
 * The `--timeout <seconds>` option of `up` and `stack up`: parsed to ms, its default shown in seconds in `--help`
 * (it showed the ms value, 60000, as if it were seconds).
 */
export function timeoutSecondsOption(description: string, defaultMs: number): Option {
  return new Option('--timeout <seconds>', description)
    .argParser((value) => {
      try {
        return parseTimeoutSeconds(value);
      } catch (error) {
        throw new InvalidArgumentError((error as Error).message);
      }
    })
    .default(defaultMs, `${defaultMs / 1000}`);
}

export function parseTimeoutSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new Error(`--timeout must be a positive number of seconds, got "${value}"`);
  return seconds * 1_000;
}
