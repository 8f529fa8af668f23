import * as fs from 'node:fs';
import { delay } from './process-supervisor';

/** Splits a chunk of a log into lines (the trailing partial line, if any, is returned apart). */
export function splitLines(text: string): { lines: string[]; rest: string } {
  const parts = text.split('\n');
  const rest = parts.pop() ?? '';
  return { lines: parts, rest };
}

/** The last `count` lines of a log file (empty when it does not exist). Reads at most the last 256 KiB. */
export function tailFile(file: string, count = 40): string[] {
  let text: string;
  try {
    const size = fs.statSync(file).size;
    const length = Math.min(size, 256 * 1024);
    const fd = fs.openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(length);
      fs.readSync(fd, buffer, 0, length, size - length);
      text = buffer.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return [];
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.slice(-count);
}

/**
 * Follows log files like `tail -f` until `signal` aborts: prints whatever is appended, each line through `write`
 * with its file's label. A file that shrinks (recreated) is read again from its start.
 */
export async function followFiles(
  files: readonly { label: string; file: string }[],
  write: (label: string, line: string) => void,
  signal: AbortSignal,
  intervalMs = 300,
): Promise<void> {
  const state = files.map(({ label, file }) => ({ label, file, offset: sizeOf(file), rest: '' }));
  while (!signal.aborted) {
    for (const entry of state) {
      const size = sizeOf(entry.file);
      if (size < entry.offset) {
        entry.offset = 0;
        entry.rest = '';
      }
      if (size === entry.offset) continue;
      const fd = fs.openSync(entry.file, 'r');
      try {
        const buffer = Buffer.alloc(size - entry.offset);
        fs.readSync(fd, buffer, 0, buffer.length, entry.offset);
        entry.offset = size;
        const { lines, rest } = splitLines(entry.rest + buffer.toString('utf8'));
        entry.rest = rest;
        for (const line of lines) write(entry.label, line);
      } finally {
        fs.closeSync(fd);
      }
    }
    await delay(intervalMs);
  }
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}
