import { Command, CommanderError } from 'commander';
import { PRODUCT_COMMANDS, type RegisterCommand } from './commands';

export { PRODUCT_COMMANDS, type RegisterCommand } from './commands';
export { runReportNow, type ReportNowRun } from './report/reporter-entry';

/**
 * Builds the `tideline` program from command modules: each command lives in its own file and registers itself. The
 * product's commands by default; a checkout of the repository adds its development commands (tools/bench).
 */
export function buildProgram(commands: readonly RegisterCommand[] = PRODUCT_COMMANDS): Command {
  const program = new Command('tideline')
    .description('Tideline: learns what normal is for every metric and says early when a series leaves it.')
    .showHelpAfterError()
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

/** Runs the CLI; resolves to the process exit code. Commands set `process.exitCode` for non-zero outcomes. */
export async function main(
  argv: readonly string[],
  commands: readonly RegisterCommand[] = PRODUCT_COMMANDS,
): Promise<number> {
  try {
    await buildProgram(commands).parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
}
