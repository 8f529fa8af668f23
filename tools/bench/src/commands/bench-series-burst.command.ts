import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '@tideline/config';
import { runSeriesBurst, type SeriesBurstResult } from '../bench/series-burst.runner';
import { findRepoRoot } from '@tideline/devstack';
import type { RegisterCommand } from '@tideline/cli';

interface BenchSeriesBurstOptions {
  bursts: number[];
  idleSeconds: number;
  json?: boolean;
}

function burstList(value: string): number[] {
  const list = value.split(',').map((part) => Number(part.trim()));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 1))
    throw new InvalidArgumentError('a comma list of positive integers, e.g. 200000,1000000');
  return list;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/**
 * `tideline bench series-burst [--bursts 200000,1000000] [--idle-seconds 60] [--json]`: bursts of new series through
 * the real baseline and anomaly services (see runSeriesBurst): peak and settled RSS per service, bytes per series in
 * memory, events lost silently, time until a known series' points are stored and scored, shutdown time.
 */
export const registerBenchSeriesBurstCommand: RegisterCommand = (program: Command) => {
  const bench = program.commands.find((command) => command.name() === 'bench') ?? program.command('bench');
  bench
    .command('series-burst')
    .description(
      'bursts of new series through the baseline and anomaly services: peak and settled RSS, bytes per series, points lost silently, time until a known series is stored and scored',
    )
    .option('--bursts <n,n>', 'new series per burst, in order', burstList, [200_000, 1_000_000])
    .option('--idle-seconds <s>', 'limits.idleEvictionMs of the services during the bench', positiveInt, 60)
    .option('--json', 'print one JSON object')
    .action(async (options: BenchSeriesBurstOptions, command: Command) => {
      const json = options.json === true || command.parent?.getOptionValueSource('json') === 'cli';
      const config = loadConfig('cli');
      const result = await runSeriesBurst({
        brokers: config.kafka.brokers,
        bursts: options.bursts,
        idleSeconds: options.idleSeconds,
        repoRoot: findRepoRoot(),
        log: (line) => process.stderr.write(`bench series-burst: ${line}\n`),
      });
      process.stdout.write(json ? `${JSON.stringify(result)}\n` : formatSeriesBurst(result));
      if ([...result.bursts.map((b) => b.points), result.points].some((points) => points.lostSilently !== 0))
        process.exitCode = 1;
    });
};

function formatSeriesBurst(result: SeriesBurstResult): string {
  const lines = [
    `idle RSS: baseline ${result.idleRssMb.baseline} MB, anomaly ${result.idleRssMb.anomaly} MB`,
    '',
    '| new series | handled in | learned | refused (cardinality_exceeded) | lost silently | peak RSS b/a (MB) | series in memory b/a | bytes/series b/a | known series stored+scored | settled RSS b/a (MB) | series after idle b/a | checkpoint table |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...result.bursts.map(
      (b) =>
        `| ${b.newSeries} | ${b.handledSeconds} s | ${b.learned} | ${b.refusedCardinality} | ${b.points.lostSilently} | ` +
        `${b.peakRssMb.baseline} / ${b.peakRssMb.anomaly} | ${b.activeSeries.baseline} / ${b.activeSeries.anomaly} | ` +
        `${b.bytesPerActiveSeries.baseline} / ${b.bytesPerActiveSeries.anomaly} | ${b.normalSeriesStoredAndScoredMs} ms | ` +
        `${b.settledRssMb.baseline} / ${b.settledRssMb.anomaly} | ${b.settledSeries.baseline} / ${b.settledSeries.anomaly} | ` +
        `${b.checkpointTableEntries} series, ${b.checkpointTableMb} MB on disk |`,
    ),
    '',
    `points (InfluxDB max-series-per-database ${result.influxLimits.maxSeriesPerDatabase}, max-values-per-tag ${result.influxLimits.maxValuesPerTag}): ` +
      `${result.points.sent} sent, ${result.points.stored} stored, ${result.points.refused} refused by InfluxDB and dead-lettered, ` +
      `${result.points.deadLettered} dead-lettered by the baseline service (and ${result.points.deadLetteredThenStored} ` +
      `dead-lettered, then stored when their batch came again), ${result.points.lostSilently} lost silently`,
    `shutdown (SIGTERM to exit): baseline ${result.shutdown.baseline.ms} ms (exit ${result.shutdown.baseline.code}), ` +
      `anomaly ${result.shutdown.anomaly.ms} ms (exit ${result.shutdown.anomaly.code})`,
  ];
  return `${lines.join('\n')}\n`;
}
