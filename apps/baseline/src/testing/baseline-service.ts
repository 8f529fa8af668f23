import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { InfluxClient } from '@tideline/influx';
import { createKafka } from '@tideline/kafka';
import { expectEventually, freePort, stackFromEnv, startService, type ServiceProcess } from '@tideline/testing';
import type { Kafka } from 'kafkajs';

/** The repository root, from this file's compiled place (apps/baseline/dist-spec/testing). */
const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');

/** A compiled baseline service of one integration test, on topics and a database of its own. */
export interface BaselineServiceRun {
  readonly kafka: Kafka;
  readonly service: ServiceProcess;
  readonly topics: { readonly metrics: string; readonly baselines: string; readonly checkpoints: string };
  readonly database: string;
  /** Stops the service and drops the run's database. */
  stop(): Promise<void>;
}

/**
 * Starts the compiled baseline service (apps/baseline/dist/main.js) against the test stack's broker and InfluxDB, on
 * the topics `test.<run>.*` and the database `test_<run>`, and waits until `/health` answers 200.
 */
export async function startBaselineService(run: string): Promise<BaselineServiceRun> {
  const stack = stackFromEnv();
  const topics = {
    metrics: `test.${run}.metrics`,
    baselines: `test.${run}.baselines`,
    checkpoints: `test.${run}.model-checkpoints`,
  };
  const database = `test_${run.replace(/-/g, '_')}`;
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: `test-${run}` });
  const port = await freePort();
  const service = startService({
    main: join(REPO_ROOT, 'apps', 'baseline', 'dist', 'main.js'),
    port,
    env: {
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      INFLUX_URL: stack.influxUrl,
      INFLUX_DATABASE: database,
      TIDELINE__BASELINE__TOPICS__METRICS: topics.metrics,
      TIDELINE__BASELINE__TOPICS__BASELINES: topics.baselines,
      TIDELINE__BASELINE__TOPICS__MODEL_CHECKPOINTS: topics.checkpoints,
      TIDELINE__BASELINE__CONSUMER_GROUP: `test-${run}-baseline`,
      HTTP_PORT: String(port),
      LOG_LEVEL: 'warn',
    },
  });
  await expectEventually(
    async () => {
      assert.equal(service.child.exitCode, null, `baseline exited; stderr:\n${service.stderr()}`);
      assert.equal((await fetch(`${service.url}/health`)).status, 200);
    },
    { timeoutMs: 60_000, intervalMs: 250, message: 'the baseline service did not become ready' },
  );
  return {
    kafka,
    service,
    topics,
    database,
    stop: async () => {
      await service.stop(10_000).catch(() => service.kill());
      await new InfluxClient({ url: stack.influxUrl, database }).dropDatabase(database).catch(() => undefined);
    },
  };
}
