// Helpers of the anomaly service's integration tests (not used by the service itself): unique names for one test's
// topics, groups and database, the services started as real processes, the CLI run as a process, topic collectors.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import {
  PrivateInfluxd,
  freePort,
  randomSuffix,
  runScript,
  stackFromEnv,
  startService,
  waitUntilHealthy,
  type ServiceProcess,
  type StackEndpoints,
} from '@tideline/testing';
import type { Kafka, KafkaMessage } from 'kafkajs';

/** The repository root, from this file's compiled location (apps/anomaly/dist/testing). */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');

export interface PipelineNames {
  readonly suffix: string;
  readonly metrics: string;
  readonly baselines: string;
  readonly modelCheckpoints: string;
  readonly alertState: string;
  readonly alerts: string;
  readonly pointsDeadLetter: string;
  readonly database: string;
  readonly anomalyGroup: string;
  readonly baselineGroup: string;
}

/** Topics, groups and a database of one test's own. */
export function pipelineNames(prefix: string): PipelineNames {
  const suffix = `${prefix}-${randomSuffix()}`;
  return {
    suffix,
    metrics: `test.${suffix}.metrics`,
    baselines: `test.${suffix}.baselines`,
    modelCheckpoints: `test.${suffix}.model-checkpoints`,
    alertState: `test.${suffix}.alert-state`,
    alerts: `test.${suffix}.alerts`,
    pointsDeadLetter: `test.${suffix}.points.dlq`,
    database: `test_${suffix.replace(/[^a-zA-Z0-9_]/g, '_')}`,
    anomalyGroup: `test-${suffix}-anomaly`,
    baselineGroup: `test-${suffix}-baseline`,
  };
}

/** The environment that points both services at the test's names and the test servers. */
export function pipelineEnv(names: PipelineNames, stack: StackEndpoints = stackFromEnv()): Record<string, string> {
  return {
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    INFLUX_URL: stack.influxUrl,
    INFLUX_DATABASE: names.database,
    TIDELINE__ANOMALY__TOPICS__BASELINES: names.baselines,
    TIDELINE__ANOMALY__TOPICS__ALERT_STATE: names.alertState,
    TIDELINE__ANOMALY__TOPICS__ALERTS: names.alerts,
    TIDELINE__ANOMALY__TOPICS__POINTS_DEAD_LETTER: names.pointsDeadLetter,
    TIDELINE__ANOMALY__CONSUMER_GROUP: names.anomalyGroup,
    TIDELINE__BASELINE__TOPICS__METRICS: names.metrics,
    TIDELINE__BASELINE__TOPICS__MODEL_CHECKPOINTS: names.modelCheckpoints,
    TIDELINE__BASELINE__TOPICS__BASELINES: names.baselines,
    TIDELINE__BASELINE__TOPICS__POINTS_DEAD_LETTER: names.pointsDeadLetter,
    TIDELINE__BASELINE__CONSUMER_GROUP: names.baselineGroup,
    // checkpoint with every batch: the restart tests check that no point is learned twice or lost
    TIDELINE__BASELINE__CHECKPOINT_INTERVAL_MS: '0',
    LOG_LEVEL: 'warn',
  };
}

export type PipelineApp = 'anomaly' | 'baseline';

/** Starts `apps/<app>/dist/main.js` as a process and waits until `/health` is 200 (its consumer is running). */
export async function startPipelineService(
  app: PipelineApp,
  env: Record<string, string>,
  t?: TestContext,
): Promise<ServiceProcess> {
  const port = await freePort();
  const service = startService({
    main: join(REPO_ROOT, 'apps', app, 'dist', 'main.js'),
    port,
    env: { ...env, HTTP_PORT: String(port) },
  });
  t?.after(() => service.kill());
  await waitUntilHealthy(service, app);
  return service;
}

/** Sum of a Prometheus counter or gauge on `/metrics` over the series matching every given label. */
export { metricValue } from '@tideline/testing';

/** Runs the `tideline` CLI as a process. */
export function runCli(
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runScript(join(REPO_ROOT, 'apps', 'cli', 'bin', 'tideline.js'), args, env);
}

export interface SpikeSeriesOptions {
  readonly points: number;
  readonly stepMs?: number;
  readonly level?: number;
  readonly noise?: number;
  readonly spikeAt: number;
  readonly spikeLength: number;
  readonly spikeValue: number;
  /** Epoch ms of the first point. */
  readonly startMs: number;
}

/**
 * A level series with a small deterministic wiggle (a 5-point cycle of ±`noise`, so there is nothing random for a
 * detector to find) and one spike of `spikeLength` points.
 */
export function spikeSeries(options: SpikeSeriesOptions): { ts: number; value: number }[] {
  const step = options.stepMs ?? 5 * 60_000;
  const level = options.level ?? 50;
  const noise = options.noise ?? 0.5;
  return Array.from({ length: options.points }, (_, i) => {
    const inSpike = i >= options.spikeAt && i < options.spikeAt + options.spikeLength;
    const value = inSpike ? options.spikeValue : level + (noise * (((i * 7) % 5) - 2)) / 2;
    return { ts: options.startMs + i * step, value };
  });
}

/** Writes points as a NAB-layout CSV file (`timestamp,value`, UTC `YYYY-MM-DD HH:MM:SS`) in a fresh temp directory. */
export function writeNabCsv(name: string, points: readonly { ts: number; value: number }[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'tideline-test-'));
  const file = join(dir, `${name}.csv`);
  const lines = points.map((p) => `${new Date(p.ts).toISOString().replace('T', ' ').slice(0, 19)},${p.value}`);
  writeFileSync(file, `timestamp,value\n${lines.join('\n')}\n`);
  return file;
}

/** Every message of a topic from its beginning, collected in the background until `stop`. */
export interface TopicCollector {
  readonly messages: KafkaMessage[];
  stop(): Promise<void>;
}

export async function collectTopic(kafka: Kafka, topic: string, t?: TestContext): Promise<TopicCollector> {
  const consumer = kafka.consumer({ groupId: `test-collect-${randomSuffix()}`, maxWaitTimeInMs: 100 });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ autoCommit: false, eachMessage: async ({ message }) => void messages.push(message) });
  const stop = () => consumer.disconnect();
  t?.after(stop);
  return { messages, stop };
}

/** An influxd of one test's own (Debian's `influxd`, as the local stack uses), on free loopback ports. */
export type { PrivateInfluxd };

/**
 * Starts a throwaway influxd with extra `[data]` settings (e.g. tiny series limits), so that a test can drive InfluxDB
 * into its limits without touching the shared server's data. Removed by `destroy` (and by `t.after` when given).
 */
export async function startPrivateInfluxd(dataSettings: readonly string[], t?: TestContext): Promise<PrivateInfluxd> {
  const influxd = new PrivateInfluxd({ data: dataSettings });
  t?.after(() => influxd.destroy());
  await influxd.start();
  return influxd;
}
