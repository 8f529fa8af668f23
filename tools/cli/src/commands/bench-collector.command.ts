import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { RegisterCommand } from './index';

interface BenchCollectorOptions {
  ticks: string;
  intervalMs: string;
  warmupTicks: string;
  json?: boolean;
}

/** What `tideline bench collector` reports. CPU is the process's own plus its children's (df at discovery). */
export interface CollectorBenchResult {
  readonly intervalMs: number;
  readonly ticks: number;
  readonly wallSeconds: number;
  /** CPU time over the measured ticks per wall time, % of one core. */
  readonly cpuPercentOfOneCore: number;
  /** The same as a share of the whole host (all cores). */
  readonly cpuPercentOfHost: number;
  readonly cpuMsPerTick: number;
  readonly rssMiB: { readonly mean: number; readonly max: number; readonly end: number };
  readonly eventsPerTick: number;
  readonly eventsPublished: number;
  readonly eventsDropped: number;
  readonly lastTickMs: number;
  readonly kafkaBrokers: string;
}

/**
 * `tideline bench collector`: starts the collector service as it is deployed (`node apps/collector/dist/main.js`,
 * Nest, HTTP, Kafka producer and all), lets it warm up, then measures its CPU time (from /proc/<pid>/stat, children
 * included) and resident memory (VmRSS, sampled every second) over N ticks at the given interval. The service
 * publishes to the Kafka of the usual config (`KAFKA_BROKERS`, config file); without a broker it buffers, which is
 * measured too. Linux only (it reads /proc).
 */
export const registerBenchCollectorCommand: RegisterCommand = (program: Command) => {
  const bench = program.commands.find((command) => command.name() === 'bench') ?? program.command('bench');
  bench
    .command('collector')
    .description("measure the collector service's own CPU% and RSS over N ticks")
    .option('--ticks <n>', 'ticks to measure after the warm-up', '12')
    .option('--interval-ms <ms>', 'collection interval', '10000')
    .option('--warmup-ticks <n>', 'ticks to let pass before measuring (start-up and JIT excluded)', '2')
    .option('--json', 'print one JSON object')
    .action(async (_options: BenchCollectorOptions, command: Command) => {
      // `bench` has options of its own (--json): read them merged, whichever command parsed them.
      const options = command.optsWithGlobals<BenchCollectorOptions>();
      try {
        const result = await benchCollector({
          ticks: positiveInt('--ticks', options.ticks),
          intervalMs: positiveInt('--interval-ms', options.intervalMs),
          warmupTicks: positiveInt('--warmup-ticks', options.warmupTicks),
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
  readonly progress: (line: string) => void;
}): Promise<CollectorBenchResult> {
  if (process.platform !== 'linux') throw new Error('needs Linux (/proc) to measure a process');
  // tools/cli/dist/commands -> the repository root
  const main = join(resolve(__dirname, '../../../..'), 'apps', 'collector', 'dist', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} does not exist: build first (npx tsc -b apps/collector)`);
  const port = await freePort();
  const brokers = process.env['KAFKA_BROKERS'] ?? '(config default)';
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      HTTP_PORT: String(port),
      LOG_LEVEL: 'warn',
      TIDELINE__COLLECTOR__INTERVAL_MS: String(options.intervalMs),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'exit');
  try {
    const pid = child.pid;
    if (pid === undefined) throw new Error(`could not start ${main}`);
    const scrape = () => scrapeMetrics(`http://127.0.0.1:${port}/metrics`);
    const ticks = async () => (await scrape())['tideline_collector_ticks_total'] ?? 0;

    options.progress(
      `collector pid ${pid}, interval ${options.intervalMs} ms: warming up for ${options.warmupTicks} tick(s)`,
    );
    // Scraping /metrics costs the service CPU, so it is polled only until the warm-up ticks have happened. The window
    // then starts right after a tick and lasts exactly N intervals (ticks are aligned), with one scrape at its end.
    await waitFor(
      child,
      () => stderr,
      async () => ((await ticks().catch(() => -1)) >= options.warmupTicks ? true : undefined),
      options.intervalMs * (options.warmupTicks + 3) + 30_000,
      200,
    );
    const startMetrics = await scrape();
    const cpuStart = cpuSeconds(pid);
    const wallStart = performance.now();
    const rss: number[] = [rssBytes(pid)];
    const sampler = setInterval(() => rss.push(rssBytes(pid)), 1000);
    try {
      options.progress(
        `measuring ${options.ticks} tick(s) (${Math.round((options.ticks * options.intervalMs) / 1000)} s)`,
      );
      await new Promise((resolve) => setTimeout(resolve, options.ticks * options.intervalMs));
    } finally {
      clearInterval(sampler);
    }
    const cpuUsed = cpuSeconds(pid) - cpuStart;
    const wall = (performance.now() - wallStart) / 1000;
    rss.push(rssBytes(pid));
    const endMetrics = await scrape();
    const counted = (name: string) => (endMetrics[name] ?? 0) - (startMetrics[name] ?? 0);
    const measuredTicks = counted('tideline_collector_ticks_total');
    const mib = (bytes: number) => round(bytes / 1024 / 1024, 1);
    const cpuPercent = (100 * cpuUsed) / wall;
    return {
      intervalMs: options.intervalMs,
      ticks: measuredTicks,
      wallSeconds: round(wall, 1),
      cpuPercentOfOneCore: round(cpuPercent, 3),
      cpuPercentOfHost: round(cpuPercent / cpus().length, 3),
      cpuMsPerTick: round((1000 * cpuUsed) / Math.max(1, measuredTicks), 1),
      rssMiB: {
        mean: mib(rss.reduce((sum, value) => sum + value, 0) / rss.length),
        max: mib(Math.max(...rss)),
        end: mib(rss.at(-1) ?? 0),
      },
      eventsPerTick: round(counted('tideline_collector_events_total') / Math.max(1, measuredTicks), 1),
      eventsPublished: endMetrics['tideline_collector_events_published_total'] ?? 0,
      eventsDropped: endMetrics['tideline_collector_events_dropped_total'] ?? 0,
      lastTickMs: round((endMetrics['tideline_collector_tick_duration_seconds'] ?? 0) * 1000, 1),
      kafkaBrokers: brokers,
    };
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  }
}

function formatResult(result: CollectorBenchResult): string {
  return [
    `collector at ${result.intervalMs} ms, ${result.ticks} ticks over ${result.wallSeconds} s (Kafka ${result.kafkaBrokers})`,
    `  CPU   ${result.cpuPercentOfOneCore}% of one core (${result.cpuPercentOfHost}% of the host), ${result.cpuMsPerTick} ms per tick`,
    `  RSS   mean ${result.rssMiB.mean} MiB, max ${result.rssMiB.max} MiB, end ${result.rssMiB.end} MiB`,
    `  events ${result.eventsPerTick} per tick; published ${result.eventsPublished}, dropped ${result.eventsDropped}; last tick ${result.lastTickMs} ms`,
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

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  await once(server, 'close');
  return port;
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
