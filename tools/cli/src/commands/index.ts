import type { Command } from 'commander';

/** A command module adds its subcommand(s) to the program. Add one line here per command file. */
export type RegisterCommand = (program: Command) => void;

export const COMMANDS: readonly RegisterCommand[] = [];
