import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** What Kafka's own `ProducerPerformance` tool reported (its final summary line). */
export interface ProducerPerfResult {
  readonly records: number;
  readonly recordsPerSecond: number;
  readonly mbPerSecond: number;
  readonly avgLatencyMs: number;
  readonly maxLatencyMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly summary: string;
}

/** The Kafka version of the broker's classpath, from its `kafka-clients-<version>.jar`. */
export function kafkaVersion(kafkaLibs: string): string {
  const jar = readdirSync(kafkaLibs).find((name) => /^kafka-clients-.+\.jar$/.test(name));
  if (jar === undefined) throw new Error(`no kafka-clients jar in ${kafkaLibs}: run "tideline stack up" first`);
  return jar.slice('kafka-clients-'.length, -'.jar'.length);
}

/**
 * Makes sure `kafka-tools-<version>.jar` (where `org.apache.kafka.tools.ProducerPerformance` lives; the broker's
 * classpath does not include it, and its own dependencies are already on the broker's classpath) is in `toolsDir`,
 * resolving it with Maven when missing. Returns the jar's path.
 */
export function ensureKafkaToolsJar(kafkaLibs: string, toolsDir: string): string {
  const version = kafkaVersion(kafkaLibs);
  const jar = join(toolsDir, `kafka-tools-${version}.jar`);
  if (existsSync(jar)) return jar;
  mkdirSync(toolsDir, { recursive: true });
  const mvn = spawnSync(
    'mvn',
    [
      '-q',
      '-B',
      'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy',
      `-Dartifact=org.apache.kafka:kafka-tools:${version}`,
      `-DoutputDirectory=${toolsDir}`,
    ],
    { encoding: 'utf8', timeout: 300_000 },
  );
  if (mvn.status !== 0 || !existsSync(jar)) {
    throw new Error(
      `could not resolve kafka-tools ${version} with mvn: ${(mvn.stderr || mvn.stdout || String(mvn.error)).trim()}`,
    );
  }
  return jar;
}

export interface ProducerPerfOptions {
  readonly kafkaLibs: string;
  readonly toolsJar: string;
  readonly brokers: string;
  readonly topic: string;
  readonly records: number;
  readonly recordSize: number;
  /** Producer properties, e.g. `acks=all`. */
  readonly props?: readonly string[];
}

/**
 * Runs `org.apache.kafka.tools.ProducerPerformance` (as `kafka-producer-perf-test.sh` does) at full speed
 * (`--throughput -1`) and parses its summary line.
 */
export async function runProducerPerformance(options: ProducerPerfOptions): Promise<ProducerPerfResult> {
  const classpath = `${options.toolsJar}:${join(options.kafkaLibs, '*')}`;
  const args = [
    '-Xmx512m',
    '-cp',
    classpath,
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    options.topic,
    '--num-records',
    String(options.records),
    '--record-size',
    String(options.recordSize),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${options.brokers}`,
    ...(options.props ?? []),
  ];
  const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  const summary = stdout
    .split('\n')
    .filter((line) => /records sent, .* records\/sec/.test(line))
    .pop();
  if (code !== 0 || summary === undefined) {
    throw new Error(
      `ProducerPerformance exited ${code}: ${(stderr || stdout).trim().split('\n').slice(-5).join(' | ')}`,
    );
  }
  return parseProducerPerfSummary(summary);
}

/**
 * Parses e.g. `1000000 records sent, 345678.9 records/sec (52.75 MB/sec), 85.12 ms avg latency, 512.00 ms max latency,
 * 70 ms 50th, 200 ms 95th, 300 ms 99th, 450 ms 99.9th.`
 */
export function parseProducerPerfSummary(line: string): ProducerPerfResult {
  const num = (re: RegExp): number => {
    const m = re.exec(line);
    if (!m) throw new Error(`unexpected ProducerPerformance summary: ${line}`);
    return Number(m[1]);
  };
  return {
    records: num(/(\d+) records sent/),
    recordsPerSecond: num(/([\d.]+) records\/sec/),
    mbPerSecond: num(/\(([\d.]+) MB\/sec\)/),
    avgLatencyMs: num(/([\d.]+) ms avg latency/),
    maxLatencyMs: num(/([\d.]+) ms max latency/),
    p50Ms: num(/([\d.]+) ms 50th/),
    p99Ms: num(/([\d.]+) ms 99th/),
    summary: line.trim(),
  };
}
