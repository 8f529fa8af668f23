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
    const lines = formatUpResult(result, component?.address ?? '');
    if (result.outcome !== 'failed') {
      lines.forEach((line) => out.info(line));
      continue;
    }
    lines.forEach((line) => out.error(line));
    const tail = tailFile(result.logFile, tailLines);
    if (tail.length > 0) {
      out.error(`---- last ${tail.length} lines of ${result.logFile}`);
      tail.forEach((line) => out.error(`  ${line}`));
      out.error('----');
    }
  }
}

/** Parses `--timeout <seconds>`. */
export function parseTimeoutSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new Error(`--timeout must be a positive number of seconds, got "${value}"`);
  return seconds * 1_000;
}
