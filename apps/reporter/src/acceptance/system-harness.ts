// Helpers of the whole-system acceptance test (not used by the reporter itself): the services, the collector and the
// CLI as real processes on one test's own topics, groups and database; the SDK's exporter fed a history with explicit
// timestamps. The browser and the SMTP server are in ../testing/test-servers.
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { DataPointType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Kafka } from 'kafkajs';
import { BufferedPublisher, KafkaRecordSink, TidelineMetricExporter, type PointContext } from '@tideline/sdk';
import {
  freePort,
  randomSuffix,
  runScript,
  startService,
  waitUntilHealthy,
  type ServiceProcess,
  type StackEndpoints,
} from '@tideline/testing';

/** The repository root, from this file's compiled location (apps/reporter/dist/acceptance). */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');

export interface SystemNames {
  readonly metrics: string;
  readonly baselines: string;
  readonly modelCheckpoints: string;
  readonly alertState: string;
  readonly alerts: string;
  readonly database: string;
  readonly baselineGroup: string;
  readonly anomalyGroup: string;
}

/** Topics, groups and a database of this test's own. */
export function systemNames(prefix: string): SystemNames {
  const suffix = `${prefix}-${randomSuffix()}`;
  return {
    metrics: `test.${suffix}.metrics`,
    baselines: `test.${suffix}.baselines`,
    modelCheckpoints: `test.${suffix}.model-checkpoints`,
    alertState: `test.${suffix}.alert-state`,
    alerts: `test.${suffix}.alerts`,
    database: `test_${suffix.replace(/[^a-zA-Z0-9_]/g, '_')}`,
    baselineGroup: `test-${suffix}-baseline`,
    anomalyGroup: `test-${suffix}-anomaly`,
  };
}

/** The environment that points every process (services, collector, CLI) at the test's names and the test servers. */
export function systemEnv(names: SystemNames, stack: StackEndpoints): Record<string, string> {
  return {
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    INFLUX_URL: stack.influxUrl,
    INFLUX_DATABASE: names.database,
    TIDELINE__COLLECTOR__TOPIC: names.metrics,
    TIDELINE__BASELINE__TOPICS__METRICS: names.metrics,
    TIDELINE__BASELINE__TOPICS__MODEL_CHECKPOINTS: names.modelCheckpoints,
    TIDELINE__BASELINE__TOPICS__BASELINES: names.baselines,
    TIDELINE__BASELINE__CONSUMER_GROUP: names.baselineGroup,
    TIDELINE__ANOMALY__TOPICS__BASELINES: names.baselines,
    TIDELINE__ANOMALY__TOPICS__ALERT_STATE: names.alertState,
    TIDELINE__ANOMALY__TOPICS__ALERTS: names.alerts,
    TIDELINE__ANOMALY__CONSUMER_GROUP: names.anomalyGroup,
    LOG_LEVEL: 'warn',
  };
}

/** Starts `apps/<app>/dist/main.js` as a process and waits until `/health` is 200. */
export async function startApp(
  app: 'collector' | 'baseline' | 'anomaly',
  env: Record<string, string>,
): Promise<ServiceProcess> {
  const port = await freePort();
  const service = startService({
    main: join(REPO_ROOT, 'apps', app, 'dist', 'main.js'),
    port,
    env: { ...env, HTTP_PORT: String(port) },
  });
  await waitUntilHealthy(service, app);
  return service;
}

/** Runs the `tideline` CLI as a process. */
export function runCli(
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runScript(join(REPO_ROOT, 'apps', 'cli', 'bin', 'tideline.js'), args, env);
}

/** True when `groupId` has committed every partition of `topic` up to its end (nothing left to consume). */
export async function caughtUp(kafka: Kafka, groupId: string, topic: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return ends.every((end) => {
      const at = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
      return Number(end.high) === 0 || Number(at) >= Number(end.high);
    });
  } finally {
    await admin.disconnect();
  }
}

/** A gauge's history: one value per timestamp (epoch ms). */
export interface GaugeHistory {
  readonly name: string;
  readonly unit: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly points: readonly { readonly ts: number; readonly value: number }[];
}

/**
 * Publishes a gauge's history through the SDK's own exporter (`TidelineMetricExporter` on a `BufferedPublisher` and a
 * `KafkaRecordSink`, as `startTidelineMetrics` wires them), one OpenTelemetry collection per point so every point
 * keeps its own end time: what an instrumented app exports over days, compressed into seconds. Resolves once Kafka
 * acknowledged every record; returns how many events were published.
 */
export async function exportGaugeHistory(
  options: { brokers: readonly string[]; topic: string; context: PointContext },
  history: GaugeHistory,
): Promise<number> {
  const sink = new KafkaRecordSink({ brokers: options.brokers, topic: options.topic, clientId: 'acceptance-sdk-app' });
  const publisher = new BufferedPublisher(sink, { maxBufferedRecords: 100_000, maxBatchRecords: 1000 });
  let rejected = 0;
  const exporter = new TidelineMetricExporter(publisher, options.context, {
    onRejected: (r) => (rejected += r.length),
  });
  const resource = resourceFromAttributes({ 'service.name': options.context.service });
  for (const p of history.points) {
    const time: [number, number] = [Math.floor(p.ts / 1000), (p.ts % 1000) * 1_000_000];
    const collection = {
      resource,
      scopeMetrics: [
        {
          scope: { name: 'acceptance-app' },
          metrics: [
            {
              descriptor: { name: history.name, description: '', unit: history.unit, valueType: 1 },
              dataPointType: DataPointType.GAUGE,
              aggregationTemporality: 1,
              dataPoints: [{ startTime: time, endTime: time, attributes: { ...history.attributes }, value: p.value }],
            },
          ],
        },
      ],
    } as unknown as ResourceMetrics;
    const result = await new Promise<{ code: number }>((done) => exporter.export(collection, done));
    assert.equal(result.code, 0, 'the exporter took the collection');
  }
  await exporter.forceFlush();
  await exporter.shutdown();
  assert.equal(rejected, 0, 'the SDK rejected no point');
  return history.points.length;
}
