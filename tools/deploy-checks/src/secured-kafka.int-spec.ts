import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CONFIG_ERROR_EXIT_CODE, loadConfig } from '@tideline/config';
import { METRIC_EVENT_SCHEMA, SELF_METRIC_NAMES, TOPICS, decodeAlertEvent, type AlertEvent } from '@tideline/contracts';
import { InfluxClient } from '@tideline/influx';
import { createKafka, ensureTopics, tidelineTopicSpec } from '@tideline/kafka';
import { KafkaRecordSink } from '@tideline/sdk';
import { expectEventually, freePorts, stackFromEnv, uniqueDatabase } from '@tideline/testing';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  type Kafka,
  logLevel,
  ResourcePatternTypes,
} from 'kafkajs';
import { findRepoRoot, startSecuredKafka, type SecuredKafka, TIDELINE_KAFKA_ACLS } from '@tideline/devstack';

/**
 * Tideline against a broker that authenticates and authorises: a private single-node Kafka started by this test on
 * free ports with a SASL_SSL listener (a certificate made now with keytool), SCRAM users and the per-principal ACLs of
 * TIDELINE_KAFKA_ACLS. The shared broker is never touched.
 */
const home = mkdtempSync(join(tmpdir(), 'tideline-secured-kafka-'));
const secret = (name: string) => `${name}-${randomBytes(9).toString('hex')}`;
const PASSWORDS = {
  admin: secret('admin'),
  collector: secret('collector'),
  sdk: secret('sdk'),
  baseline: secret('baseline'),
  anomaly: secret('anomaly'),
};

/** The kafkajs error type (`TOPIC_AUTHORIZATION_FAILED`, …) or name somewhere in an error's cause chain. */
function errorKinds(error: unknown): string[] {
  const kinds: string[] = [];
  for (let current = error, depth = 0; current instanceof Error && depth < 6; depth++) {
    const { type, name, message } = current as Error & { type?: string };
    kinds.push(...[type, name, message].filter((k): k is string => typeof k === 'string'));
    current =
      (current as Error & { cause?: unknown; originalError?: unknown }).cause ??
      (current as { originalError?: unknown }).originalError;
  }
  return kinds;
}

describe('Kafka with TLS, SCRAM and ACLs (a private SASL_SSL broker)', () => {
  let broker: SecuredKafka;
  /** A YAML config file for one principal: brokers, the CA to trust, SCRAM credentials. */
  const configFor = (user: keyof typeof PASSWORDS, password: string = PASSWORDS[user], extra = ''): string => {
    const file = join(home, `${user}-${randomBytes(3).toString('hex')}.yaml`);
    writeFileSync(
      file,
      [
        'kafka:',
        `  brokers: [${JSON.stringify(broker.brokers[0])}]`,
        `  ssl: { ca: ${JSON.stringify(broker.caFile)} }`,
        `  sasl: { mechanism: scram-sha-512, username: ${user}, password: ${JSON.stringify(password)} }`,
        extra,
      ].join('\n'),
    );
    return file;
  };
  const clientOf = (user: keyof typeof PASSWORDS, password?: string): Kafka =>
    createKafka(loadConfig('cli', { argv: [], env: {}, configPath: configFor(user, password) }).kafka, {
      clientId: `secured-test-${user}`,
      logLevel: logLevel.NOTHING,
      retry: { retries: 1, initialRetryTime: 100 },
    });

  before(async () => {
    const [port, controllerPort] = (await freePorts(2)) as [number, number];
    broker = await startSecuredKafka({ home, port, controllerPort, users: PASSWORDS, admin: 'admin' });
    const admin = clientOf('admin');
    const section = loadConfig('cli', { argv: [], env: {} }).kafka;
    // every topic, as the admin: the services' principals may not create any
    await ensureTopics(
      admin,
      (Object.keys(TOPICS) as (keyof typeof TOPICS)[]).map((role) => tidelineTopicSpec(role, TOPICS[role], section)),
    );
    const acl = admin.admin();
    await acl.connect();
    try {
      await acl.createAcls({
        acl: Object.entries(TIDELINE_KAFKA_ACLS).flatMap(([principal, acls]) =>
          acls.flatMap((entry) =>
            entry.operations.map((operation) => ({
              resourceType: entry.resourceType === 'topic' ? AclResourceTypes.TOPIC : AclResourceTypes.GROUP,
              resourceName: entry.name,
              resourcePatternType: entry.prefixed ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
              principal: `User:${principal}`,
              host: '*',
              operation: AclOperationTypes[operation],
              permissionType: AclPermissionTypes.ALLOW,
            })),
          ),
        ),
      });
    } finally {
      await acl.disconnect();
    }
    // the controller has committed the ACLs; the broker applies them a moment later
    await expectEventually(
      async () => {
        for (const [user, topic] of [
          ['collector', TOPICS.metrics],
          ['anomaly', TOPICS.alertState],
        ] as const) {
          const probe = clientOf(user).admin();
          await probe.connect();
          try {
            await probe.fetchTopicMetadata({ topics: [topic] });
          } finally {
            await probe.disconnect();
          }
        }
      },
      { timeoutMs: 15_000 },
    );
  });

  after(async () => {
    await broker?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('publishes with the collector principal (config) and the SDK principal (kafkajs options) over TLS+SCRAM, and the baseline principal consumes both', async () => {
    const collector = clientOf('collector').producer({ allowAutoTopicCreation: false });
    await collector.connect();
    await collector.send({ topic: TOPICS.metrics, acks: -1, messages: [{ key: 'c', value: 'from-collector' }] });
    await collector.disconnect();
    const sdk = new KafkaRecordSink({
      brokers: broker.brokers,
      topic: TOPICS.metrics,
      ssl: { ca: [readFileSync(broker.caFile, 'utf8')] },
      sasl: { mechanism: 'scram-sha-256', username: 'sdk', password: PASSWORDS.sdk },
    });
    await sdk.send([{ key: 's', value: 'from-sdk' }]);
    await sdk.close();

    const config = loadConfig('baseline', { argv: [], env: {}, configPath: configFor('baseline') });
    const consumer = createKafka(config.kafka, { logLevel: logLevel.NOTHING }).consumer({
      groupId: config.baseline.consumerGroup,
      maxWaitTimeInMs: 200,
    });
    const seen: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: TOPICS.metrics, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) });
      await expectEventually(() => assert.deepEqual([...seen].sort(), ['from-collector', 'from-sdk']), {
        timeoutMs: 20_000,
      });
    } finally {
      await consumer.disconnect();
    }
  });

  it('refuses producers other than the anomaly principal on the alerts and alert-state topics (TOPIC_AUTHORIZATION_FAILED)', async () => {
    const send = async (user: keyof typeof PASSWORDS, topic: string) => {
      const producer = clientOf(user).producer({ allowAutoTopicCreation: false });
      await producer.connect();
      try {
        await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: `${user} was here` }] });
      } finally {
        await producer.disconnect();
      }
    };
    for (const [user, topic] of [
      ['collector', TOPICS.alerts],
      ['sdk', TOPICS.alerts],
      ['baseline', TOPICS.alerts],
      ['baseline', TOPICS.alertState],
      ['baseline', TOPICS.metrics],
    ] as const) {
      const error = await send(user, topic).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error, `${user} could write ${topic}`);
      assert.ok(
        errorKinds(error).includes('TOPIC_AUTHORIZATION_FAILED'),
        `${user} on ${topic}: ${errorKinds(error).join(' / ')}`,
      );
    }
    await send('anomaly', TOPICS.alerts);
    await send('anomaly', TOPICS.alertState);
  });

  it('refuses a wrong password and a client that does not speak TLS', async () => {
    const wrong = clientOf('anomaly', `${PASSWORDS.anomaly}-wrong`).admin();
    const refused = await wrong.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(refused, 'a wrong password connected');
    assert.match(errorKinds(refused).join(' / '), /SASL.*[Aa]uthentication failed|SASL_AUTHENTICATION_FAILED/);
    await wrong.disconnect().catch(() => undefined);

    const plain = createKafka(
      { brokers: [...broker.brokers], clientId: 'secured-test-plaintext' },
      { logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeoutMs: 1000, requestTimeoutMs: 2000 },
    ).admin();
    await assert.rejects(plain.connect());
    await plain.disconnect().catch(() => undefined);
  });

  it('runs the baseline and anomaly services as their own principals: both get ready, a metric event flows to the baselines topic, and a series refused by a cap raises the self-monitoring alert through the anomaly principal', async () => {
    const database = uniqueDatabase('secured');
    const env = (user: 'baseline' | 'anomaly', port: number) => ({
      TIDELINE_CONFIG: configFor(user),
      INFLUX_URL: stackFromEnv().influxUrl,
      INFLUX_DATABASE: database,
      HTTP_PORT: String(port),
      LOG_LEVEL: 'warn',
      // one series per host: a second series of a host is refused (cardinality_exceeded)
      ...(user === 'baseline' ? { TIDELINE__LIMITS__MAX_SERIES_PER_HOST: '1' } : {}),
    });
    const [baselinePort, anomalyPort] = (await freePorts(2)) as [number, number];
    const services = [
      {
        port: baselinePort,
        process: runNode(join(findRepoRoot(), 'apps', 'baseline', 'dist', 'main.js'), env('baseline', baselinePort)),
      },
      {
        port: anomalyPort,
        process: runNode(join(findRepoRoot(), 'apps', 'anomaly', 'dist', 'main.js'), env('anomaly', anomalyPort)),
      },
    ];
    const tail = clientOf('admin').consumer({
      groupId: `secured-test-tail-${randomBytes(3).toString('hex')}`,
      maxWaitTimeInMs: 200,
    });
    const alertsTail = clientOf('admin').consumer({
      groupId: `secured-test-alerts-${randomBytes(3).toString('hex')}`,
      maxWaitTimeInMs: 200,
    });
    try {
      // ready means every check passes: Kafka, InfluxDB, and each pipeline (topics found, groups joined) under its ACLs
      for (const service of services) {
        await expectEventually(
          async () => {
            const response = await fetch(`http://127.0.0.1:${service.port}/health`);
            const report = (await response.json()) as { status: string };
            assert.equal(report.status, 'ok', `${JSON.stringify(report)}\n${service.process.output()}`);
          },
          { timeoutMs: 30_000, intervalMs: 250 },
        );
      }
      const seen: string[] = [];
      const alerts: AlertEvent[] = [];
      await tail.connect();
      await tail.subscribe({ topic: TOPICS.baselines, fromBeginning: true });
      await tail.run({ eachMessage: async ({ message }) => void seen.push(String(message.key)) });
      await alertsTail.connect();
      await alertsTail.subscribe({ topic: TOPICS.alerts, fromBeginning: true });
      await alertsTail.run({
        // (the topic also holds the earlier test's probe records, which are not alerts)
        eachMessage: async ({ message }) => {
          const decoded = decodeAlertEvent(message.value ?? '');
          if (decoded.ok) alerts.push(decoded.value);
        },
      });
      const collector = clientOf('collector').producer({ allowAutoTopicCreation: false });
      await collector.connect();
      const event = {
        schema: METRIC_EVENT_SCHEMA,
        metric: 'secured.test',
        host: 'it',
        value: 1,
        ts: Date.now(),
        tags: {},
      };
      await collector.send({
        topic: TOPICS.metrics,
        acks: -1,
        messages: [
          { key: 'secured.test|host=it', value: JSON.stringify(event) },
          // two series of one host: whichever comes second is refused
          ...['secured.capped.a', 'secured.capped.b'].map((metric) => ({
            key: `${metric}|host=capped`,
            value: JSON.stringify({ ...event, metric, host: 'capped' }),
          })),
        ],
      });
      await collector.disconnect();
      await expectEventually(
        () =>
          assert.ok(
            seen.some((key) => key.includes('secured.test')),
            seen.join(', '),
          ),
        {
          timeoutMs: 20_000,
        },
      );
      // the baseline principal cannot write the alerts topic: its refusal reaches it as judged points of
      // tideline.cardinality_exceeded on the baselines topic, and the anomaly principal publishes the alert
      await expectEventually(
        () => {
          const alert = alerts.find((a) => a.metric === SELF_METRIC_NAMES.cardinalityExceeded);
          assert.ok(alert, JSON.stringify(alerts));
          assert.deepEqual([alert.state, alert.severity], ['firing', 'critical']);
        },
        { timeoutMs: 20_000 },
      );
    } finally {
      await tail.disconnect().catch(() => undefined);
      await alertsTail.disconnect().catch(() => undefined);
      await Promise.all(services.map((service) => service.process.stop()));
      await new InfluxClient({ url: stackFromEnv().influxUrl, database }).dropDatabase(database).catch(() => undefined);
    }
  });

  it("never prints a secret of the config: a service's log with a wrong Kafka password, InfluxDB URL credentials and an HTTP token, and a config error", async () => {
    const influxSecret = secret('influx');
    const token = secret('http-token');
    const kafkaSecret = `${PASSWORDS.baseline}-not-it`;
    const [httpPort, closedPort] = (await freePorts(2)) as [number, number];
    const file = configFor(
      'baseline',
      kafkaSecret,
      [
        'influx:',
        `  url: http://writer:${influxSecret}@127.0.0.1:${closedPort}`,
        'http:',
        `  port: ${httpPort}`,
        `  auth: { token: ${token} }`,
      ].join('\n'),
    );
    const main = join(findRepoRoot(), 'apps', 'baseline', 'dist', 'main.js');
    const service = runNode(main, { TIDELINE_CONFIG: file });
    try {
      // both dependencies fail, each with a warning that names it: Kafka refuses the password, InfluxDB is not there
      await expectEventually(
        () => {
          assert.match(service.output(), /InfluxDB at http:\/\/\*\*\*@127\.0\.0\.1/);
          assert.match(service.output(), /Kafka at .* does not answer \(.*SASL/i);
        },
        { timeoutMs: 30_000 },
      );
    } finally {
      await service.stop();
    }
    for (const value of [kafkaSecret, PASSWORDS.baseline, influxSecret, token]) {
      assert.ok(!service.output().includes(value), `the service printed a secret:\n${service.output()}`);
    }

    const short = secret('x').slice(0, 12);
    const bad = runNode(main, { TIDELINE_CONFIG: file, HTTP_AUTH_TOKEN: short, INFLUX_PASSWORD: influxSecret });
    assert.equal(await bad.exitCode(), CONFIG_ERROR_EXIT_CODE);
    assert.match(bad.output(), /http\.auth\.token \(env HTTP_AUTH_TOKEN\) is invalid/);
    for (const value of [short, kafkaSecret, influxSecret]) assert.ok(!bad.output().includes(value), bad.output());
  });
});

/** `node <main>` with extra environment; its stdout and stderr together. */
function runNode(main: string, extraEnv: Record<string, string>) {
  // not this process's environment: the test runner's KAFKA_BROKERS and INFLUX_URL (the shared stack) would win over
  // the config file
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: process.env['HOME'], ...extraEnv };
  const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    output: () => output,
    exitCode: () => exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
