import { InvalidArgumentError, type Command } from 'commander';
import { fmt, int, table } from '../eval/format';
import { LIMIT_ESTIMATORS, runTimeToLimitBench, type LimitMetrics } from '../eval/time-to-limit-bench';
import { generateLimitScenarios, LIMIT_SCENARIO_FAMILIES } from '../eval/time-to-limit-scenarios';
import type { RegisterCommand } from '@tideline/cli';

interface BenchTimeToLimitOptions {
  perFamily: number;
  seed: number;
  json?: boolean;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function row(name: string, m: LimitMetrics): string[] {
  const pct = (x: number | null) => (x === null ? 'n/a' : `${fmt(100 * x, 1)}%`);
  return [
    name,
    int(m.series),
    int(m.answered),
    m.median_abs_error_hours === null ? 'n/a' : fmt(m.median_abs_error_hours, 1),
    pct(m.median_relative_error),
    pct(m.hit_rate),
    m.median_relative_width === null ? 'open' : fmt(m.median_relative_width, 2),
    int(m.open_ended),
  ];
}

/**
 * `tideline bench time-to-limit`: the time-until-limit estimators on synthetic filling disks and leaking memory
 * whose true crossing time is known (apps/cli/src/eval/time-to-limit-scenarios.ts, seeded): the p50 estimate's
 * median absolute error and the share of true crossings inside each estimator's range.
 */
export const registerBenchTimeToLimitCommand: RegisterCommand = (program: Command) => {
  const bench = program.commands.find((command) => command.name() === 'bench') ?? program.command('bench');
  bench
    .command('time-to-limit')
    .description(
      'time-until-limit estimators on synthetic filling disks and leaking memory with a known crossing time: p50 error and range hit rate',
    )
    .option('--per-family <n>', 'synthetic series per family', positiveInt, 50)
    .option('--seed <n>', 'seed of the first series (one seed per series, mulberry32)', positiveInt, 1)
    .option('--json', 'print one JSON object')
    .action((_options: BenchTimeToLimitOptions, command: Command) => {
      const options = command.optsWithGlobals<BenchTimeToLimitOptions>();
      const scenarios = generateLimitScenarios(options.perFamily, options.seed);
      const results = runTimeToLimitBench(scenarios);
      if (options.json) {
        process.stdout.write(
          `${JSON.stringify({
            series: scenarios.length,
            per_family: options.perFamily,
            seed: options.seed,
            estimators: LIMIT_ESTIMATORS.map((e) => ({
              name: e.name,
              description: e.description,
              range: e.range,
              state_bytes_per_series: e.stateBytes,
            })),
            results,
          })}\n`,
        );
        return;
      }
      const header = [
        'estimator / family',
        'series',
        'answered',
        'p50 |err| h',
        'p50 |err| rel',
        'hit',
        'width',
        'open',
      ];
      const rows = results.flatMap((r) => [
        row(`${r.estimator} ${r.range}`, r.overall),
        ...LIMIT_SCENARIO_FAMILIES.map((f) => row(`  ${f}`, r.families[f])),
      ]);
      process.stdout.write(
        [
          `Time until limit on ${scenarios.length} synthetic series (${options.perFamily} per family, seeds from ${options.seed}); true crossing 6 h to 30 days ahead`,
          '',
          table([header, ...rows]),
          '',
          'p50 |err|: median absolute error of the median estimate (h; rel: divided by the true time); a series without an estimate counts as an infinite error.',
          "hit: share of true crossings inside the estimator's range (a series without an estimate is a miss).",
          'width: median (high − low) / true time; open: ranges whose late end is infinite.',
          ...LIMIT_ESTIMATORS.map(
            (e) =>
              `  ${e.name}: ${e.description}; state per series: ${e.stateBytes === null ? 'every point' : `${int(e.stateBytes)} bytes`}`,
          ),
        ].join('\n') + '\n',
      );
    });
};
