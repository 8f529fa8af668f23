import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ensureNodeExporter, freePort, startNodeExporter } from '@tideline/testing';
import type { Command } from 'commander';
import type { RegisterCommand } from '@tideline/cli';

interface BenchCollectorOptions {
  ticks: string;
  intervalMs: string;
  warmupTicks: string;
  bundle?: boolean;
  json?: boolean;
}

/** The floors issue 14 set for a per-host agent, measured against node_exporter in the same run. */
export const COLLECTOR_FLOORS = { maxRssMiB: 60, maxCpuPerTickVsNodeExporterScrape: 3 } as const;

interface ProcessFigures {
  /** Median CPU time (user + system, children included) per collection tick / per scrape, ms. */
  readonly cpuMsPerTick: number;
  /** CPU time over the whole window per wall time, % of one core. */
  readonly cpuPercentOfOneCore: number;
  /** VmRSS sampled every second over the window. */
  readonly rssMiB: { readonly median: number; readonly max: number };
}

/** What `tideline bench collector` reports: the collector and node_exporter side by side over the same window. */
export interface CollectorBenchResult {
  readonly intervalMs: number;
  readonly ticks: number;
  readonly wallSeconds: number;
  readonly collectorCommand: string;
  readonly collector: ProcessFigures & {
    readonly eventsPerTick: number;
    readonly eventsPublished: number;
    readonly eventsDropped: number;
    readonly lastTickMs: number;
  };
  readonly nodeExporter: ProcessFigures & { readonly version: string; readonly seriesPerScrape: number };
  /** collector CPU per tick / node_exporter CPU per scrape (medians). */
  readonly cpuRatio: number;
  readonly floors: { readonly rss: boolean; readonly cpu: boolean };
  readonly kafkaBrokers: string;
}

/**
 * `tideline bench collector`: the collector as it is deployed (`node apps/collector/dist/main.js`, or with `--bundle`
 * the packed single-file bin of `npm run pack:collector`) and Debian's node_exporter (apt-installed when missing),
 * side by side: node_exporter is scraped over loopback once per interval, as Prometheus would, while the collector
 * collects and publishes once per interval. After the warm-up both processes' CPU time (from /proc/<pid>/stat,
 * children included) is read at every interval boundary and their RSS every second; it reports the medians, the ratio
 * of CPU per collection to CPU per scrape, and whether the floors of a per-host agent are met (RSS at most 60 MiB, CPU
 * at most 3 times node_exporter's). The collector publishes to the Kafka of the usual config (`KAFKA_BROKERS`, config
 * file); without a broker it buffers, which is measured too. Linux only (it reads /proc).
 */
export const registerBenchCollectorCommand: RegisterCommand = (program: Command) => {
  const bench = program.commands.find((command) => command.name() === 'bench') ?? program.command('bench');
  bench
    .command('collector')
    .description("measure the collector's CPU and RSS beside node_exporter's over N intervals")
    .option('--ticks <n>', 'intervals to measure after the warm-up (CPU is a median over blocks of 4)', '12')
    .option('--interval-ms <ms>', 'collection and scrape interval', '10000')
    .option('--warmup-ticks <n>', 'ticks to let pass before measuring (start-up and JIT excluded)', '2')
    .option('--bundle', 'run the packed bundle (npm run pack:collector) instead of apps/collector/dist/main.js')
    .option('--json', 'print one JSON object')
    .action(async (_options: BenchCollectorOptions, command: Command) => {
      // `bench` has options of its own (--json): read them merged, whichever command parsed them.
      const options = command.optsWithGlobals<BenchCollectorOptions>();
      try {
        const result = await benchCollector({
          ticks: positiveInt('--ticks', options.ticks),
          intervalMs: positiveInt('--interval-ms', options.intervalMs),
          warmupTicks: positiveInt('--warmup-ticks', options.warmupTicks),
          bundle: options.bundle === true,
          progress: options.json ? () => undefined : (line) => process.stderr.write(`${line}\n`),
        });
        process.stdout.write(options.json ? `${JSON.stringify(result)}\n` : formatResult(result));
      } catch (error) {
        process.stderr.write(`bench collector: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      }
    });
};

export async function benchCollector(options: {
  readonly ticks: number;
  readonly intervalMs: number;
  readonly warmupTicks: number;
  readonly bundle: boolean;
  readonly progress: (line: string) => void;
}): Promise<CollectorBenchResult> {
  if (process.platform !== 'linux') throw new Error('needs Linux (/proc) to measure a process');
  if (options.ticks < CPU_BLOCK_INTERVALS) throw new Error(`--ticks must be at least ${CPU_BLOCK_INTERVALS}`);
  // tools/bench/dist/commands -> the repository root
  const root = resolve(__dirname, '../../../..');
  const main = options.bundle
    ? join(root, 'dist', 'packages', 'tideline-collector-stage', 'bin', 'tideline-collector.js')
    : join(root, 'apps', 'collector', 'dist', 'main.js');
  if (!existsSync(main)) {
    throw new Error(
      `${main} does not exist: ${options.bundle ? 'npm run pack:collector' : 'npx tsc -b apps/collector'} first`,
    );
  }
  const exporterBinary = ensureNodeExporter(options.progress);
  const exporterVersion =
    spawnSync(exporterBinary, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]?.trim() ?? '';
  const exporter = await startNodeExporter(exporterBinary);
  const port = await freePort();
  const brokers = process.env['KAFKA_BROKERS'] ?? '(config default)';
  // the bundle runs with the environment and Node flags of its shebang (`#!/usr/bin/env -S NAME=value node <flags>`),
  // as installed
  const { env: shebangEnv, flags } = options.bundle ? shebangNode(main) : { env: {}, flags: [] };
  const child = spawn(process.execPath, [...flags, main], {
    env: {
      ...process.env,
      ...shebangEnv,
      HTTP_PORT: String(port),
      LOG_LEVEL: 'warn',
      TIDELINE__COLLECTOR__INTERVAL_MS: String(options.intervalMs),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-8000)));
  const exited = once(child, 'exit');
  try {
    const pid = child.pid;
    if (pid === undefined) throw new Error(`could not start ${main}`);
    const scrape = () => scrapeMetrics(`http://127.0.0.1:${port}/metrics`);
    const ticks = async () => (await scrape())['tideline_collector_ticks_total'] ?? 0;

    options.progress(
      `collector pid ${pid} (${relative(root, main)}), node_exporter pid ${exporter.pid} (${exporterVersion}), ` +
        `interval ${options.intervalMs} ms: warming up for ${options.warmupTicks} tick(s)`,
    );
    // Polled only until the warm-up ticks have happened (each poll costs the collector CPU). The window then starts
    // half an interval after a tick, so each of its N intervals holds exactly one tick (ticks are aligned).
    const warmedUp = await waitFor(
      child,
      () => stderr,
      async () => ((await ticks().catch(() => -1)) >= options.warmupTicks ? performance.now() : undefined),
      options.intervalMs * (options.warmupTicks + 3) + 30_000,
      100,
    );
    await scrapeExporter(exporter.metricsUrl); // its first scrape is not measured either
    await sleep(Math.max(0, warmedUp + options.intervalMs / 2 - performance.now()));

    const startMetrics = await scrape();
    const collectorCpu: number[] = [cpuSeconds(pid)];
    const exporterCpu: number[] = [cpuSeconds(exporter.pid)];
    const collectorRss: number[] = [rssBytes(pid)];
    const exporterRss: number[] = [rssBytes(exporter.pid)];
    const series: number[] = [];
    const sampler = setInterval(() => {
      collectorRss.push(rssBytes(pid));
      exporterRss.push(rssBytes(exporter.pid));
    }, 1000);
    const wallStart = performance.now();
    options.progress(
      `measuring ${options.ticks} interval(s) (${Math.round((options.ticks * options.intervalMs) / 1000)} s)`,
    );
    try {
      for (let i = 1; i <= options.ticks; i++) {
        series.push(await scrapeExporter(exporter.metricsUrl));
        await sleep(Math.max(0, wallStart + i * options.intervalMs - performance.now()));
        collectorCpu.push(cpuSeconds(pid));
        exporterCpu.push(cpuSeconds(exporter.pid));
      }
    } finally {
      clearInterval(sampler);
    }
    const wall = (performance.now() - wallStart) / 1000;
    const endMetrics = await scrape();
    const counted = (name: string) => (endMetrics[name] ?? 0) - (startMetrics[name] ?? 0);
    const measuredTicks = counted('tideline_collector_ticks_total');
    const collector = figures(collectorCpu, collectorRss, wall);
    const nodeExporter = figures(exporterCpu, exporterRss, wall);
    const cpuRatio = round(collector.cpuMsPerTick / Math.max(0.001, nodeExporter.cpuMsPerTick), 2);
    return {
      intervalMs: options.intervalMs,
      ticks: measuredTicks,
      wallSeconds: round(wall, 1),
      collectorCommand: [
        ...Object.entries(shebangEnv).map(([name, value]) => `${name}=${value}`),
        'node',
        ...flags,
        relative(root, main),
      ].join(' '),
      collector: {
        ...collector,
        eventsPerTick: round(counted('tideline_collector_events_total') / Math.max(1, measuredTicks), 1),
        eventsPublished: endMetrics['tideline_collector_events_published_total'] ?? 0,
        eventsDropped: endMetrics['tideline_collector_events_dropped_total'] ?? 0,
        lastTickMs: round((endMetrics['tideline_collector_tick_duration_seconds'] ?? 0) * 1000, 1),
      },
      nodeExporter: { ...nodeExporter, version: exporterVersion, seriesPerScrape: median(series) },
      cpuRatio,
      floors: {
        rss: collector.rssMiB.median <= COLLECTOR_FLOORS.maxRssMiB,
        cpu: cpuRatio <= COLLECTOR_FLOORS.maxCpuPerTickVsNodeExporterScrape,
      },
      kafkaBrokers: brokers,
    };
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    await exporter.stop();
  }
}

/**
 * CPU per interval (ms), CPU share over the window and RSS from cumulative CPU readings (one per interval boundary)
 * and RSS samples. /proc counts CPU time in clock ticks (10 ms), too coarse for one tick of a few ms: the CPU figure
 * is the median over blocks of {@link CPU_BLOCK_INTERVALS} intervals of each block's CPU per interval.
 */
function figures(cpu: readonly number[], rss: readonly number[], wallSeconds: number): ProcessFigures {
  const perInterval: number[] = [];
  for (let start = 0; start + CPU_BLOCK_INTERVALS < cpu.length; start += CPU_BLOCK_INTERVALS) {
    perInterval.push(((cpu[start + CPU_BLOCK_INTERVALS]! - cpu[start]!) * 1000) / CPU_BLOCK_INTERVALS);
  }
  const mib = (bytes: number) => round(bytes / 1024 / 1024, 1);
  return {
    cpuMsPerTick: round(median(perInterval), 1),
    cpuPercentOfOneCore: round((100 * (cpu.at(-1)! - cpu[0]!)) / wallSeconds, 3),
    rssMiB: { median: mib(median(rss)), max: mib(Math.max(...rss)) },
  };
}

/** Intervals per CPU block: 4 gives 2.5 ms resolution and three blocks for the default 12 intervals. */
const CPU_BLOCK_INTERVALS = 4;

/** The environment and the Node flags of a `#!/usr/bin/env -S [NAME=value ...] node <flags>` line. */
function shebangNode(file: string): { env: Record<string, string>; flags: string[] } {
  const first = readFileSync(file, 'utf8').slice(0, 300).split('\n')[0] ?? '';
  const match = /^#!\S*\benv\s+-S((?:\s+[A-Za-z_][A-Za-z0-9_]*=\S*)*)\s+node((?:\s+--\S+)*)\s*$/.exec(first);
  const words = (text: string | undefined) => text?.trim().split(/\s+/).filter(Boolean) ?? [];
  const env = Object.fromEntries(
    words(match?.[1]).map((word) => [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]),
  );
  return { env, flags: words(match?.[2]) };
}

/** One scrape of node_exporter, as Prometheus does it; the number of series it returned. */
async function scrapeExporter(url: string): Promise<number> {
  const response = await fetch(url, { headers: { accept: 'text/plain;version=0.0.4' } });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return (await response.text()).split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function formatResult(result: CollectorBenchResult): string {
  const { collector: c, nodeExporter: n } = result;
  const mark = (ok: boolean) => (ok ? 'met' : 'NOT met');
  return [
    `${result.ticks} intervals of ${result.intervalMs} ms over ${result.wallSeconds} s (Kafka ${result.kafkaBrokers}); medians`,
    `  collector      ${c.cpuMsPerTick} ms CPU per tick (${c.cpuPercentOfOneCore}% of one core), RSS ${c.rssMiB.median} MiB (max ${c.rssMiB.max}); ${c.eventsPerTick} events per tick, published ${c.eventsPublished}, dropped ${c.eventsDropped}; ${result.collectorCommand}`,
    `  node_exporter  ${n.cpuMsPerTick} ms CPU per scrape (${n.cpuPercentOfOneCore}% of one core), RSS ${n.rssMiB.median} MiB (max ${n.rssMiB.max}); ${n.seriesPerScrape} series per scrape; ${n.version}`,
    `  CPU per collection / per scrape: ${result.cpuRatio}× (floor ≤ ${COLLECTOR_FLOORS.maxCpuPerTickVsNodeExporterScrape}×: ${mark(result.floors.cpu)}); collector RSS floor ≤ ${COLLECTOR_FLOORS.maxRssMiB} MiB: ${mark(result.floors.rss)}`,
    '',
  ].join('\n');
}

/** utime + stime + cutime + cstime of a process, in seconds (fields 14-17 of /proc/<pid>/stat). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // the command name (field 2) may contain spaces: count fields after its closing parenthesis
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0);
  return ticks / clockTicksPerSecond();
}

let clockTicks: number | undefined;
function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    const answer = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim());
    clockTicks = Number.isFinite(answer) && answer > 0 ? answer : 100;
  }
  return clockTicks;
}

function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

/** The un-labelled samples of a Prometheus text exposition (labelled ones summed per name). */
async function scrapeMetrics(url: string): Promise<Record<string, number>> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const out: Record<string, number> = {};
  for (const line of (await response.text()).split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const value = Number(match[3]);
    if (Number.isFinite(value)) out[match[1]!] = (out[match[1]!] ?? 0) + value;
  }
  return out;
}

async function waitFor<T>(
  child: ChildProcess,
  stderr: () => string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  pollMs: number,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the collector exited with status ${child.exitCode}:\n${stderr()}`);
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`the collector did not tick in time:\n${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

function positiveInt(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${text}"`);
  return n;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
