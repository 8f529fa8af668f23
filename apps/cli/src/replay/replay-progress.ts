import type { ReplayProgress } from './replay.publisher';

/**
 * The progress line on stderr: rewritten in place on a terminal, one line every few seconds otherwise (logs, CI).
 */
export function progressPrinter(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): (p: ReplayProgress) => void {
  let lastLine = 0;
  return (p) => {
    const percent = p.total === 0 ? 100 : (100 * p.sent) / p.total;
    const rate = p.elapsedMs > 0 ? Math.round((p.sent * 1000) / p.elapsedMs) : 0;
    const line = `replay ${label}: ${p.sent}/${p.total} events (${percent.toFixed(1)}%), ${rate} events/s, ${(p.elapsedMs / 1000).toFixed(1)} s`;
    if (stream.isTTY) {
      stream.write(`\r${line}\x1b[K${p.sent === p.total ? '\n' : ''}`);
    } else if (p.sent === p.total || p.elapsedMs - lastLine >= 5000) {
      lastLine = p.elapsedMs;
      stream.write(`${line}\n`);
    }
  };
}
