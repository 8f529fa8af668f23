import type { Command } from 'commander';
import { registerAlertsCommand } from './alerts.command';
import { registerDownCommand } from './down.command';
import { registerReplayCommand } from './replay.command';
import { registerReportCommand } from './report.command';
import { registerStackCommand } from './stack.command';
import { registerStatusCommand } from './status.command';
import { registerUpCommand } from './up.command';

/** A command module adds its subcommand(s) to the program. Add one line here per command file. */
export type RegisterCommand = (program: Command) => void;

/** The product's commands, in the order `tideline --help` lists them. */
export const PRODUCT_COMMANDS: readonly RegisterCommand[] = [
  registerStackCommand,
  registerUpCommand,
  registerDownCommand,
  registerStatusCommand,
  registerReplayCommand,
  registerAlertsCommand,
  registerReportCommand,
];
