import type { RegisterCommand } from '@tideline/cli';
import { registerBenchCommand } from './commands/bench.command';
import { registerBenchCollectorCommand } from './commands/bench-collector.command';
import { registerBenchE2eCommand } from './commands/bench-e2e.command';
import { registerBenchReportCommand } from './commands/bench-report.command';
import { registerBenchSeriesBurstCommand } from './commands/bench-series-burst.command';
import { registerBenchTimeToLimitCommand } from './commands/bench-time-to-limit.command';
import { registerEvalCommand } from './commands/eval.command';
import { registerNabScoreCommand } from './commands/nab-score.command';

/**
 * The development commands: detection quality on the NAB corpus (eval, nab-score) and the benchmarks (bench ...).
 * tools/tideline.js adds them to the product's `tideline` in a checkout of the repository. Add one line per command file.
 */
export const COMMANDS: readonly RegisterCommand[] = [
  registerNabScoreCommand,
  registerEvalCommand,
  registerBenchCommand,
  registerBenchCollectorCommand,
  registerBenchE2eCommand,
  registerBenchReportCommand,
  registerBenchTimeToLimitCommand,
  registerBenchSeriesBurstCommand,
];
