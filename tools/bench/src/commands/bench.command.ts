import type { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { benchOnce, median, type BenchRun } from '../eval/bench-runner';
import { generateBenchSeries } from '../eval/bench-series';
import { DEFAULT_DETECTOR, DETECTORS, findDetector } from '../eval/detector-registry';
import { fmt, int, table } from '../eval/format';
import type { RegisterCommand } from '@tideline/cli';

interface BenchOptions {
  detector: string;
  reference: string | false;
  series: string;
  points: string;
  runs: string;
  json?: boolean;
}

function positiveInt(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${text}"`);
  return n;
}

interface Summary {
  detector: string;
  points_per_second: number;
  points_per_wall_second: number;
  bytes_per_series: number | null;
  snapshot_bytes_per_series: number | null;
  runs: { cpu_seconds: number; wall_seconds: number; points_per_second: number; bytes_per_series: number | null }[];
}

function summarise(detector: string, runs: BenchRun[]): Summary {
  const bytes = runs.map((r) => r.bytesPerSeries).filter((b): b is number => b !== null);
  return {
    detector,
    points_per_second: median(runs.map((r) => r.pointsPerSecond)),
    points_per_wall_second: median(runs.map((r) => r.pointsPerWallSecond)),
    bytes_per_series: bytes.length === 0 ? null : median(bytes),
    snapshot_bytes_per_series: runs[0]?.snapshotBytesPerSeries ?? null,
    runs: runs.map((r) => ({
      cpu_seconds: r.cpuSeconds,
      wall_seconds: r.wallSeconds,
      points_per_second: r.pointsPerSecond,
      bytes_per_series: r.bytesPerSeries,
    })),
  };
}

/**
 * `tideline bench`: update+score throughput over many interleaved synthetic series on the one JavaScript thread,
 * and measured state bytes per series (heap + external memory after forced GC), median of several runs, with a
 * reference detector measured in the same process for comparison.
 */
export const registerBenchCommand: RegisterCommand = (program: Command) => {
  program
    .command('bench')
    .description('measure detector throughput (points/s, update+score) and state bytes per series')
    .option('--detector <name>', `detector to measure: ${DETECTORS.map((d) => d.name).join(', ')}`, DEFAULT_DETECTOR)
    .option('--reference <name>', 'detector measured alongside for comparison', 'windowed-gaussian')
    .option('--no-reference', 'measure only --detector')
    .option('--series <n>', 'number of interleaved series', '10000')
    .option('--points <n>', 'points per series (5-minute steps; 576 = two days)', '576')
    .option('--runs <n>', 'runs per detector; the median is reported', '5')
    .option('--json', 'print one JSON object')
    .action((options: BenchOptions) => {
      try {
        const gc = (globalThis as { gc?: () => void }).gc;
        if (gc === undefined && process.env['TIDELINE_BENCH_CHILD'] !== '1') {
          // Memory can only be measured after a forced GC: re-run this command with --expose-gc.
          const child = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, ...process.argv.slice(1)], {
            stdio: 'inherit',
            env: { ...process.env, TIDELINE_BENCH_CHILD: '1' },
          });
          process.exitCode = child.status ?? 1;
          return;
        }
        const seriesCount = positiveInt('--series', options.series);
        const points = positiveInt('--points', options.points);
        const runs = positiveInt('--runs', options.runs);
        const main = findDetector(options.detector);
        const reference = options.reference === false ? undefined : findDetector(options.reference);
        if (!options.json) {
          process.stderr.write(
            `generating ${int(seriesCount)} series × ${int(points)} points; ${runs} runs of ${[main.name, reference?.name].filter(Boolean).join(' and ')}…\n`,
          );
        }
        const data = generateBenchSeries({ seriesCount, pointsPerSeries: points });
        const mainRuns: BenchRun[] = [];
        const refRuns: BenchRun[] = [];
        // Alternate the detectors so that machine drift affects both alike.
        for (let r = 0; r < runs; r++) {
          mainRuns.push(benchOnce(main.create, data));
          if (reference !== undefined) refRuns.push(benchOnce(reference.create, data));
        }
        const ours = summarise(main.name, mainRuns);
        const ref = reference === undefined ? undefined : summarise(reference.name, refRuns);
        const ratio =
          ref === undefined
            ? undefined
            : {
                points_per_second: ours.points_per_second / ref.points_per_second,
                bytes_per_series:
                  ours.bytes_per_series === null || ref.bytes_per_series === null || ref.bytes_per_series === 0
                    ? null
                    : ours.bytes_per_series / ref.bytes_per_series,
              };
        const out = {
          ...ours,
          series: seriesCount,
          points_per_series: points,
          points_per_run: seriesCount * points,
          median_of_runs: runs,
          memory_measured: gc !== undefined,
          node: process.version,
          cpu: cpus()[0]?.model ?? 'unknown',
          ...(ref === undefined ? {} : { reference: ref, ratio_to_reference: ratio }),
        };
        if (options.json) {
          process.stdout.write(`${JSON.stringify(out)}\n`);
          return;
        }
        const row = (s: Summary) => [
          s.detector,
          int(s.points_per_second),
          int(s.points_per_wall_second),
          s.bytes_per_series === null ? 'n/a' : int(s.bytes_per_series),
          s.snapshot_bytes_per_series === null ? 'n/a' : int(s.snapshot_bytes_per_series),
        ];
        const lines = [
          `${int(seriesCount)} interleaved series × ${int(points)} points (${int(seriesCount * points)} per run), median of ${runs} runs; throughput per CPU-second of the one JavaScript thread (wall-clock shown too; it suffers when other processes share the machine); ${out.cpu}, Node ${process.version}`,
          '',
          table([
            ['detector', 'points/CPU-s', 'points/wall-s', 'bytes/series (heap+external)', 'snapshot bytes/series'],
            row(ours),
            ...(ref === undefined ? [] : [row(ref)]),
          ]),
        ];
        if (ratio !== undefined && ref !== undefined) {
          lines.push(
            '',
            `${ours.detector} vs ${ref.detector}: ${fmt(ratio.points_per_second, 2)}× the throughput, ${ratio.bytes_per_series === null ? 'n/a' : `${fmt(ratio.bytes_per_series, 2)}×`} the memory per series`,
          );
        }
        if (gc === undefined) lines.push('(memory not measured: run with node --expose-gc)');
        process.stdout.write(`${lines.join('\n')}\n`);
      } catch (error) {
        process.stderr.write(`tideline bench: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      }
    });
};
