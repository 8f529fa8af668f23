import { SingleBar, Presets } from 'cli-progress';

/** A progress bar on stderr when it is a terminal; a no-op otherwise (pipes, CI logs, `--json` consumers). */
export interface Progress {
  update(done: number, label?: string): void;
  stop(): void;
}

export function createProgress(total: number, unit: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar(
    {
      stream,
      format: `{bar} {percentage}% | {value}/{total} ${unit} | {label}`,
      hideCursor: true,
      clearOnComplete: true,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0, { label: '' });
  return {
    update: (done, label = '') => bar.update(done, { label }),
    stop: () => bar.stop(),
  };
}
