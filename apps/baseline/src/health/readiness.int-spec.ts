import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { METRIC_EVENT_SCHEMA, type MetricEvent } from '@tideline/contracts';
import { InfluxClient } from '@tideline/influx';
import { createKafka } from '@tideline/kafka';
import {
  freePort,
  startService,
  type ServiceProcess,
  expectEventually,
  randomSuffix,
  stackFromEnv,
} from '@tideline/testing';
import type { Kafka, Producer } from 'kafkajs';

const stack = stackFromEnv();

interface HealthBody {
  status: string;
  failed: string[];
  degraded: string[];
  checks: Record<string, { ok: boolean; error?: string }>;
}

/**
 * A TCP proxy in front of the shared InfluxDB that this test can cut (connections reset) and restore: InfluxDB out of
 * the baseline service's reach without stopping the server others use.
 */
async function influxProxy(
  target: URL,
): Promise<{ url: string; cut(): void; restore(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let isCut = false;
  const server: Server = createServer((client) => {
    if (isCut) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    cut: () => {
      isCut = true;
      for (const socket of sockets) socket.destroy();
    },
    restore: () => (isCut = false),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('baseline readiness tells the truth (real broker and InfluxDB)', () => {
  const run = `ready-${randomSuffix()}`;
  const database = `test_${run.replace(/-/g, '_')}`;
  const metrics = `test.${run}.metrics`;
  const influx = new InfluxClient({ url: stack.influxUrl, database });
  let proxy: Awaited<ReturnType<typeof influxProxy>>;
  let kafka: Kafka;
  let producer: Producer;
  let service: ServiceProcess;
  let sent = 0;

  const body = async (path: string): Promise<{ status: number; body: HealthBody }> => {
    const response = await fetch(`${service.url}${path}`);
    return { status: response.status, body: (await response.json()) as HealthBody };
  };
  /** A few events of one series, later than any before, so each is learned and written. */
  const send = async (count = 5): Promise<void> => {
    const now = Date.now();
    const messages = Array.from({ length: count }, (_, i) => {
      const event: MetricEvent = {
        schema: METRIC_EVENT_SCHEMA,
        metric: 'ready.test',
        host: run,
        value: sent + i,
        ts: now - count + i,
        tags: {},
      };
      return { key: run, value: JSON.stringify(event) };
    });
    sent += count;
    await producer.send({ topic: metrics, messages });
  };

  before(async () => {
    proxy = await influxProxy(new URL(stack.influxUrl));
    kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: `test-${run}` });
    producer = kafka.producer();
    await producer.connect();
    const port = await freePort();
    service = startService({
      main: join(__dirname, '..', '..', 'dist', 'main.js'),
      port,
      env: {
        KAFKA_BROKERS: stack.kafkaBrokers.join(','),
        INFLUX_URL: proxy.url,
        INFLUX_DATABASE: database,
        TIDELINE__BASELINE__TOPICS__METRICS: metrics,
        TIDELINE__BASELINE__TOPICS__BASELINES: `test.${run}.baselines`,
        TIDELINE__BASELINE__TOPICS__MODEL_CHECKPOINTS: `test.${run}.model-checkpoints`,
        TIDELINE__BASELINE__CONSUMER_GROUP: `test-${run}-baseline`,
        // not the defaults (15 s, 5 s): the stall test below shows that these are the ones its consumer runs with
        TIDELINE__HEALTH__STALL_AFTER_MS: '2000',
        TIDELINE__HEALTH__LAG_INTERVAL_MS: '500',
        HTTP_PORT: String(port),
        LOG_LEVEL: 'error',
      },
    });
    await expectEventually(
      async () => {
        assert.equal(service.child.exitCode, null, `baseline exited; stderr:\n${service.stderr()}`);
        assert.equal((await body('/health/ready')).status, 200);
      },
      { timeoutMs: 60_000, intervalMs: 250, message: 'the baseline service did not become ready' },
    );
  });

  after(async () => {
    await service?.stop(15_000).catch(() => service.kill());
    await producer?.disconnect();
    await proxy?.close();
    await influx.dropDatabase(database).catch(() => undefined);
  });

  it('is not ready while InfluxDB refuses every write (its database dropped), live all along, and ready once it takes them', async () => {
    await send();
    await expectEventually(async () => {
      const rows = await influx.query(`SELECT "value" FROM "points" WHERE "host" = '${run}'`);
      assert.equal(rows.length, sent);
    });
    assert.equal((await body('/health/ready')).status, 200);

    await influx.dropDatabase(database);
    await send();
    const refused = await expectEventually(
      async () => {
        const ready = await body('/health/ready');
        assert.equal(ready.status, 503);
        assert.ok(ready.body.failed.includes('influx-writes'), JSON.stringify(ready.body));
        return ready.body;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    assert.match(refused.checks['influx-writes']?.error ?? '', /HTTP 404.*database not found/);
    assert.equal(refused.checks['influx']?.ok, true, '/ping still answers: only the writes tell');
    assert.equal((await body('/health')).status, 503, '/health is readiness, as before');
    assert.equal((await fetch(`${service.url}/health/live`)).status, 200, 'alive: nothing to restart');

    await influx.execute(`CREATE DATABASE "${database}"`);
    await send();
    await expectEventually(async () => assert.equal((await body('/health/ready')).status, 200), {
      timeoutMs: 30_000,
      intervalMs: 250,
    });
  });

  it('is not ready while InfluxDB is out of reach and its consumer stalls behind it (after health.stallAfterMs), with the lag on /metrics; ready again after', async () => {
    proxy.cut();
    await send();
    const unreachable = await expectEventually(
      async () => {
        const ready = await body('/health/ready');
        assert.equal(ready.status, 503);
        assert.ok(ready.body.failed.includes('influx-writes'));
        return ready.body;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    assert.match(unreachable.checks['influx-writes']?.error ?? '', /writes failed in a row/);
    // the batch's commit waits for its InfluxDB write: the partition has lag and no commit progress
    const stalled = await expectEventually(
      async () => {
        await send(1);
        const ready = await body('/health/ready');
        assert.match(ready.body.checks['baseline-pipeline']?.error ?? '', /the metrics consumer is stalled: /);
        return ready.body;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    const stall = stalled.checks['baseline-pipeline']?.error ?? '';
    assert.match(stall, new RegExp(`test\\.${run}\\.metrics/\\d+ \\(lag \\d+`));
    // health.stallAfterMs and health.lagIntervalMs took effect: with the defaults no partition is called stalled
    // before 15 s without a commit
    assert.match(stall, /; a stall is lag without a commit for 2 s, measured every 0\.5 s$/);
    const noCommitFor = [...stall.matchAll(/no commit for (\d+) s/g)].map((m) => Number(m[1]));
    assert.ok(noCommitFor.length > 0 && noCommitFor.every((seconds) => seconds >= 2 && seconds < 15), stall);
    const text = await (await fetch(`${service.url}/metrics`)).text();
    const lag = new RegExp(
      `^tideline_kafka_consumer_lag\\{[^}]*topic="test\\.${run}\\.metrics"[^}]*\\} ([1-9]\\d*)$`,
      'm',
    );
    assert.match(text, lag, 'the lag of the stalled partition on /metrics');
    assert.equal((await fetch(`${service.url}/health/live`)).status, 200);

    proxy.restore();
    await expectEventually(
      async () => {
        const ready = await body('/health/ready');
        assert.equal(ready.status, 200, JSON.stringify(ready.body));
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    const rows = await influx.query(`SELECT "value" FROM "points" WHERE "host" = '${run}'`);
    assert.ok(rows.length > 0);
  });
});
