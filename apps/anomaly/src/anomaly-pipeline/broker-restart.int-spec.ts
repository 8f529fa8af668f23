import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MEASUREMENTS, METRIC_EVENT_SCHEMA, deadLetterTopic } from '@tideline/contracts';
import { InfluxClient } from '@tideline/influx';
import { DEAD_LETTER_HEADERS, createKafka } from '@tideline/kafka';
import { freePorts, type ServiceProcess, expectEventually, readTopic, stackFromEnv } from '@tideline/testing';
import type { Kafka, Producer } from 'kafkajs';
import { REPO_ROOT, metricValue, pipelineEnv, pipelineNames, startPipelineService } from '../testing/pipeline-harness';

/**
 * Restart the broker mid-stream: every published event is accounted for, scored or dead-lettered. It runs a private
 * single-broker Kafka (own home, free ports picked at start) so the shared broker is never touched; InfluxDB is the
 * shared one.
 *
 * Exact observables under at-least-once delivery: InfluxDB keeps one `anomaly_scores` point per (series, timestamp)
 * (scores at resolution 0), so a redelivered event cannot be counted twice; dead-letter records are counted by their
 * distinct keys.
 */
const home = mkdtempSync(join(tmpdir(), 'tideline-broker-restart-'));
const stackEnv: NodeJS.ProcessEnv = { ...process.env, TIDELINE_HOME: home };
delete stackEnv['NODE_TEST_CONTEXT'];

/** Free ports for the private stack: `stack up` also starts an idle private InfluxDB; only Kafka restarts. */
async function choosePrivatePorts(): Promise<number> {
  const [kafka, controller, influx, influxRpc] = (await freePorts(4)) as [number, number, number, number];
  stackEnv['TIDELINE_KAFKA_PORT'] = String(kafka);
  stackEnv['TIDELINE_KAFKA_CONTROLLER_PORT'] = String(controller);
  stackEnv['TIDELINE_INFLUX_PORT'] = String(influx);
  stackEnv['TIDELINE_INFLUX_RPC_PORT'] = String(influxRpc);
  return kafka;
}

function stack(...args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'apps', 'cli', 'bin', 'tideline.js'), 'stack', ...args], {
      env: stackEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

const SERIES = 4;
const VALID = 3000;
const BAD_EVERY = 50;
const BATCH = 25;

describe('broker restart mid-stream (private Kafka)', () => {
  const shared = stackFromEnv();
  const names = pipelineNames('broker-restart');
  const influx = new InfluxClient({ url: shared.influxUrl, database: names.database });
  let kafka: Kafka;
  let producer: Producer;
  let anomaly: ServiceProcess | undefined;
  let baseline: ServiceProcess | undefined;

  before(async () => {
    const kafkaPort = await choosePrivatePorts();
    const up = await stack('up');
    assert.equal(up.code, 0, `stack up failed:\n${up.output}`);
    assert.match(up.output, /kafka\s+started/, `the private broker was not started by this test:\n${up.output}`);
    kafka = createKafka({ brokers: [`127.0.0.1:${kafkaPort}`], clientId: 'test-broker-restart' });
    const env = {
      ...pipelineEnv(names, { ...shared, kafkaBrokers: [`127.0.0.1:${kafkaPort}`] }),
      TIDELINE__BASELINE__SCORE_RESOLUTION_MS: '0',
    };
    [baseline, anomaly] = await Promise.all([
      startPipelineService('baseline', env),
      startPipelineService('anomaly', env),
    ]);
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 3 } });
    await producer.connect();
  });

  after(async () => {
    await producer?.disconnect().catch(() => undefined);
    // after a broker restart kafkajs may take the whole of the service's 10 s shutdown budget to leave its group
    await Promise.all([anomaly?.stop(20_000), baseline?.stop(20_000)]);
    await stack('down');
    rmSync(home, { recursive: true, force: true });
    await influx.dropDatabase(names.database).catch(() => undefined);
  });

  it('every acknowledged event is scored or dead-lettered, and decided on, after `stack down kafka` / `stack up kafka`', async (t) => {
    const start = Date.now() - 2 * 24 * 3600_000;
    const records: { key: string; value: string }[] = [];
    let valid = 0;
    let bad = 0;
    for (let i = 0; records.length < VALID + Math.floor(VALID / BAD_EVERY); i++) {
      if (i % BAD_EVERY === BAD_EVERY - 1) {
        records.push({ key: `bad-${bad++}`, value: '{"schema":"tideline.metric/1","metric":' });
        continue;
      }
      const s = valid % SERIES;
      const ts = start + Math.floor(valid / SERIES) * 10_000;
      const value = 50 + 10 * Math.sin(valid / 40) + (valid % 7);
      const event = { schema: METRIC_EVENT_SCHEMA, metric: `restart_${s}`, host: 'it', value, ts, tags: {} };
      records.push({ key: `restart_${s}|host=it`, value: JSON.stringify(event) });
      valid++;
    }

    // The publisher retries a batch until the broker acknowledges it and counts only what was acknowledged.
    let acknowledgedValid = 0;
    let acknowledgedBad = 0;
    let failedSends = 0;
    let restarted: Promise<void> | undefined;
    let brokerStopped = false;
    for (let offset = 0; offset < records.length; offset += BATCH) {
      const batch = records.slice(offset, offset + BATCH);
      if (restarted === undefined && offset >= records.length / 3) {
        // the broker is really down (its process gone) before the next send, and comes back while sends fail
        const down = await stack('down', 'kafka');
        assert.equal(down.code, 0, `stack down kafka failed:\n${down.output}`);
        assert.match(down.output, /kafka\s+stopped/, `stack down kafka did not stop the broker:\n${down.output}`);
        brokerStopped = true;
        restarted = stack('up').then((up) => assert.equal(up.code, 0, `stack up failed:\n${up.output}`));
      }
      for (let attempt = 0; ; attempt++) {
        try {
          await producer.send({ topic: names.metrics, messages: batch });
          break;
        } catch (error) {
          failedSends++;
          if (attempt > 200) throw error;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
      for (const record of batch) {
        if (record.key.startsWith('bad-')) acknowledgedBad++;
        else acknowledgedValid++;
      }
    }
    await restarted;
    assert.equal(acknowledgedValid, valid);
    assert.equal(acknowledgedBad, bad);
    // kafkajs' own retries may ride out the outage without a send failing, so the restart is asserted on the broker.
    assert.ok(brokerStopped, 'the broker was stopped while the publisher was sending');
    t.diagnostic(`sends that failed while the broker was down: ${failedSends}`);

    await expectEventually(
      async () => {
        // distinct (series, time): a point re-learned from an older snapshot may carry another detector tag
        const rows = await influx.query<{ time?: number; series: string }>(
          `SELECT "score", "series" FROM "${MEASUREMENTS.anomalyScores}"`,
        );
        const scored = new Set(rows.map((row) => `${row.series}@${String(row.time)}`)).size;
        const dlq = await readTopic(kafka, deadLetterTopic(names.metrics), { count: acknowledgedBad, timeoutMs: 5000 });
        const deadLettered = new Set(dlq.map((m) => m.key?.toString('utf8'))).size;
        const reasons = dlq.map(
          (m) => `${m.key?.toString('utf8')}:${String(m.headers[DEAD_LETTER_HEADERS.reason] ?? '')}`,
        );
        assert.equal(
          scored + deadLettered,
          acknowledgedValid + acknowledgedBad,
          `scored ${scored}, dead-lettered ${deadLettered} (${reasons.filter((r) => !r.startsWith('bad-')).join(', ')})`,
        );
        assert.equal(deadLettered, acknowledgedBad);
      },
      { timeoutMs: 120_000, intervalMs: 2000, message: 'not every event was scored or dead-lettered' },
    );
    // ready again: a batch handled just before the restart may still wait for its commit (its partition then counts as
    // stalled until the redelivered batch is committed), so readiness must come back, not be back already
    await expectEventually(
      async () => {
        for (const service of [baseline!, anomaly!]) {
          const health = await fetch(`${service.url}/health`);
          assert.equal(health.status, 200, await health.text());
        }
      },
      { timeoutMs: 60_000, intervalMs: 1000, message: 'the services did not report ready again' },
    );
    // every scored point went on to the decision stage
    await expectEventually(
      async () =>
        assert.ok((await metricValue(anomaly!.url, 'tideline_anomaly_points_decided_total')) >= acknowledgedValid),
      { timeoutMs: 60_000, intervalMs: 1000, message: 'the anomaly service did not decide on every scored point' },
    );
  });
});
