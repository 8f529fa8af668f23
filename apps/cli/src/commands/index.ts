import type { Command } from 'commander';
import { registerAlertsCommand } from './alerts.command';
import { registerBenchCommand } from './bench.command';
import { registerBenchCollectorCommand } from './bench-collector.command';
import { registerBenchE2eCommand } from './bench-e2e.command';
import { registerBenchReportCommand } from './bench-report.command';
import { registerBenchSeriesBurstCommand } from './bench-series-burst.command';
import { registerBenchTimeToLimitCommand } from './bench-time-to-limit.command';
import { registerDownCommand } from './down.command';
import { registerEvalCommand } from './eval.command';
import { registerNabScoreCommand } from './nab-score.command';
import { registerReplayCommand } from './replay.command';
import { registerReportCommand } from './report.command';
import { registerStackCommand } from './stack.command';
import { registerStatusCommand } from './status.command';
import { registerUpCommand } from './up.command';

/** A command module adds its subcommand(s) to the program. Add one line here per command file. */
export type RegisterCommand = (program: Command) => void;

export const COMMANDS: readonly RegisterCommand[] = [
  registerStackCommand,
  registerUpCommand,
  registerDownCommand,
  registerStatusCommand,
  registerNabScoreCommand,
  registerEvalCommand,
  registerBenchCommand,
  registerBenchCollectorCommand,
  registerBenchE2eCommand,
  registerReplayCommand,
  registerAlertsCommand,
  registerReportCommand,
  registerBenchReportCommand,
  registerBenchTimeToLimitCommand,
  registerBenchSeriesBurstCommand,
];
