import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '@tideline/config';
import { InfluxClient } from '@tideline/influx';
import { benchDataPresent, writeBenchData, type BenchDataSpec } from '../report/bench-report-data';
import { runReportNow } from '@tideline/cli';
import type { RegisterCommand } from '@tideline/cli';

interface BenchReportOptions {
  hosts: number;
  metrics: number;
  database: string;
  fresh?: boolean;
  drop?: boolean;
  json?: boolean;
}

const HOUR = 3_600_000;
const FLOOR_SECONDS = 60;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/**
 * `tideline bench report`: time to build the weekly report for `hosts × metrics` series of synthetic data in
 * InfluxDB. Data: hourly points (168 per series per week) for the reported week and the week before, a baseline
 * every 6 hours, sparse anomalies and alerts; written once and reused by later runs (same database, same spec).
 * Measured: `ReportBuilder.build` (every InfluxQL query, the analyses and the charts), not the writing.
 */
export const registerBenchReportCommand: RegisterCommand = (program: Command) => {
  const bench = program.commands.find((command) => command.name() === 'bench') ?? program.command('bench');
  bench
    .command('report')
    .description('time to build the weekly report for 1,000 hosts × 50 metrics of synthetic data in InfluxDB')
    .option('--hosts <n>', 'synthetic hosts', positiveInt, 1000)
    .option('--metrics <n>', 'metrics per host', positiveInt, 50)
    .option(
      '--database <name>',
      'InfluxDB database for the synthetic data (kept for later runs)',
      'tideline_bench_report',
    )
    .option('--fresh', 'drop and rewrite the synthetic data even if it is there')
    .option('--drop', 'drop the database at the end')
    .option('--json', 'print one JSON object')
    .action(async (_options: BenchReportOptions, command: Command) => {
      const options = command.optsWithGlobals<BenchReportOptions>();
      const progress = options.json ? () => undefined : (line: string) => process.stderr.write(`${line}\n`);
      const config = loadConfig('cli');
      const influx = new InfluxClient({ ...config.influx, database: options.database, timeoutMs: 1_800_000 });
      const dataDir = await mkdtemp(join(tmpdir(), 'tideline-bench-report-'));
      try {
        const spec: BenchDataSpec = {
          hosts: options.hosts,
          metrics: options.metrics,
          until: Date.parse('2026-11-23T08:00:00Z'),
          resolutionMs: HOUR,
          baselineResolutionMs: 6 * HOUR,
        };
        if (options.fresh) await influx.dropDatabase(options.database);
        let written: Awaited<ReturnType<typeof writeBenchData>> | undefined;
        if (await benchDataPresent(influx, options.database, spec)) {
          progress(`reusing the synthetic data in ${config.influx.url} database ${options.database}`);
        } else {
          await influx.dropDatabase(options.database);
          await influx.ensureDatabase(options.database);
          progress(
            `writing ${options.hosts} hosts × ${options.metrics} metrics, hourly, 2 weeks, to ${config.influx.url} database ${options.database}…`,
          );
          written = await writeBenchData(influx, options.database, spec, progress);
          progress(
            `  wrote ${written.points.toLocaleString('en')} points + ${written.baselinePoints.toLocaleString('en')} baseline points in ${written.seconds.toFixed(0)} s`,
          );
        }
        progress('building the report…');
        // The reporter's own entry point builds it (the CLI may not import an app); it times the build itself.
        const run = await runReportNow(
          [
            '--build-only',
            '--json',
            '--since',
            new Date(spec.until - 7 * 24 * HOUR).toISOString(),
            '--until',
            new Date(spec.until).toISOString(),
          ],
          {
            inherit: false,
            env: {
              INFLUX_URL: config.influx.url,
              INFLUX_DATABASE: options.database,
              TIDELINE__REPORTER__DATA_DIR: dataDir,
              TIDELINE__REPORTER__QUERY_TIMEOUT_MS: '1800000',
            },
          },
        );
        if (run.code !== 0) throw new Error(`the report build failed (exit ${run.code})`);
        const built = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as {
          buildMs: number;
          summary: { series: number; incidents: number; projections: number; recommendations: number };
          timings: Record<string, number>;
          charts: number;
        };
        const seconds = built.buildMs / 1000;
        const report = { summary: built.summary, timings: built.timings };
        const charts = { size: built.charts };
        const result = {
          hosts: options.hosts,
          metrics: options.metrics,
          series: report.summary.series,
          resolution:
            'hourly points (168 per series per week), baseline every 6 h; the reported week and the week before',
          pointsPerWeek: options.hosts * options.metrics * 168,
          buildSeconds: Math.round(seconds * 10) / 10,
          floorSeconds: FLOOR_SECONDS,
          pass: seconds <= FLOOR_SECONDS,
          queriesMs: report.timings,
          incidents: report.summary.incidents,
          projections: report.summary.projections,
          recommendations: report.summary.recommendations,
          charts: charts.size,
          ...(written
            ? {
                writeSeconds: Math.round(written.seconds),
                pointsWritten: written.points + written.baselinePoints + written.anomalyPoints + written.alertPoints,
              }
            : {}),
        };
        if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
        else {
          process.stdout.write(
            [
              `weekly report for ${result.series.toLocaleString('en')} series (${options.hosts} hosts × ${options.metrics} metrics, ${result.pointsPerWeek.toLocaleString('en')} points this week): ` +
                `${result.buildSeconds} s (floor ${FLOOR_SECONDS} s: ${result.pass ? 'ok' : 'TOO SLOW'})`,
              `  queries: ${Object.entries(report.timings)
                .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
                .join(', ')}`,
              `  found ${result.incidents} incidents, ${result.projections} projections, ${result.recommendations} recommendations; ${result.charts} charts`,
              '',
            ].join('\n'),
          );
        }
        if (!result.pass) process.exitCode = 1;
        if (options.drop) await influx.dropDatabase(options.database);
      } catch (error) {
        process.stderr.write(`bench report: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    });
};
