import type { Command } from 'commander';
import { registerAlertsCommand } from './alerts.command';
import { registerEvalCommand } from './eval.command';
import { registerNabScoreCommand } from './nab-score.command';
import { registerReplayCommand } from './replay.command';
import { registerBenchCommand } from './bench.command';
import { registerBenchCollectorCommand } from './bench-collector.command';

/** A command module adds its subcommand(s) to the program. Add one line here per command file. */
export type RegisterCommand = (program: Command) => void;

export const COMMANDS: readonly RegisterCommand[] = [
  registerEvalCommand,
  registerNabScoreCommand,
  registerReplayCommand,
  registerAlertsCommand,
  registerBenchCommand,
  registerBenchCollectorCommand,
];
