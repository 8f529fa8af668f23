import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The reporter's one-shot entry point (`apps/reporter/dist/report-now.js`): the CLI runs it, it may not import it. */
export function reportNowMain(): string {
  const main = join(dirname(require.resolve('@tideline/reporter/package.json')), 'dist', 'report-now.js');
  if (!existsSync(main)) throw new Error(`${main} does not exist: build first (npx tsc -b apps/reporter)`);
  return main;
}

export interface ReportNowRun {
  readonly code: number;
  readonly stdout: string;
}

/**
 * Runs `node report-now.js ...args`. `inherit`: its output goes straight to ours (`tideline report`); otherwise stdout
 * is captured (the benchmark parses its JSON) and stderr passed through.
 */
export function runReportNow(
  args: readonly string[],
  options: { inherit: boolean; env?: Readonly<Record<string, string>> },
): Promise<ReportNowRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--enable-source-maps', reportNowMain(), ...args], {
      stdio: options.inherit ? 'inherit' : ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...options.env },
    });
    let stdout = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.once('error', reject);
    child.once('exit', (code) => resolvePromise({ code: code ?? 1, stdout }));
  });
}
