import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands';

/** Builds the `tideline` program: each command lives in its own file under `commands/` and registers itself. */
export function buildProgram(): Command {
  const program = new Command('tideline')
    .description('Tideline: learns what normal is for every metric and says early when a series leaves it.')
    .showHelpAfterError()
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

/** Runs the CLI; resolves to the process exit code. Commands set `process.exitCode` for non-zero outcomes. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
}
