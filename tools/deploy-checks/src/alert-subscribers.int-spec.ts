import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeAlertEvent, encodeEvent, type AlertEvent } from '@tideline/contracts';
import {
  expectEventually,
  freePort,
  makeAlertEvent,
  randomSuffix,
  stackFromEnv,
  uniqueDatabase,
  uniqueGroup,
  uniqueTopic,
} from '@tideline/testing';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import {
  ensureKafkaClasspath,
  DEBIAN_TOOLS,
  ensureDebianTool,
  requireJava17,
  findRepoRoot,
  resolveStackSettings,
} from '@tideline/devstack';

/**
 * Subscribing to the alerts topic without Node.js, the ways the README shows: Debian's `kcat`, Kafka's own console
 * consumer from the stack's classpath, and a real Prometheus Alertmanager that the anomaly service's webhook forwarder
 * (format `alertmanager`) posts to, checked with `amtool`. The Debian packages are installed when missing, as the
 * stack installs influxd.
 */
const repoRoot = findRepoRoot();
const brokers = stackFromEnv().kafkaBrokers;
const log = (line: string) => process.stderr.write(`${line}\n`);
const kafka = new Kafka({ clientId: 'alert-subscribers-test', brokers, logLevel: logLevel.NOTHING });
let producer: Producer;
const children: ChildProcess[] = [];
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'tideline-subscribers-'));

function alertPair(prefix: string): { firing: AlertEvent; resolved: AlertEvent } {
  const host = `${prefix}-${randomSuffix()}`;
  const series = `cpu.total|host=${host}`;
  const startedAt = Date.now() - 60_000;
  const firing = makeAlertEvent({ id: `${series}@${startedAt}`, series, host, startedAt, updatedAt: startedAt });
  const resolved: AlertEvent = {
    ...firing,
    state: 'resolved',
    updatedAt: startedAt + 30_000,
    resolvedAt: startedAt + 30_000,
  };
  return { firing, resolved };
}

async function publish(topic: string, ...alerts: AlertEvent[]): Promise<void> {
  await producer.send({
    topic,
    acks: -1,
    messages: alerts.map((alert) => ({ key: alert.series, value: Buffer.from(encodeEvent(alert)) })),
  });
}

async function createTopics(...topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 1 })), waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(command, args, { env, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  children.push(child);
  return child;
}

async function httpOk(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

function run(command: string, args: string[], timeoutMs = 60_000): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: timeoutMs });
  return { code: result.status ?? 1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** Alertmanager's resolve_timeout in the Alertmanager test: short, so that a firing alert posted once would end. */
const RESOLVE_TIMEOUT_MS = 5000;

/**
 * Polls amtool every second for `durationMs` and asserts the series' alert is listed and active every time (an
 * observation window, not a wait for something to happen); returns the last one seen.
 */
async function activeThroughout(amtool: string, url: string, series: string, durationMs: number): Promise<AmAlert> {
  const until = Date.now() + durationMs;
  let last: AmAlert | undefined;
  do {
    const listed = amtoolQuery(amtool, url, series);
    assert.equal(listed.length, 1, `the alert for ${series} ended while still firing`);
    assert.equal(listed[0]!.status.state, 'active');
    last = listed[0]!;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  } while (Date.now() < until);
  return last;
}

/** The alerts `amtool alert query` lists for a series (active ones: Alertmanager's default). */
function amtoolQuery(amtool: string, url: string, series: string): AmAlert[] {
  const result = run(amtool, ['alert', 'query', `--alertmanager.url=${url}`, '-o', 'json', `series=${series}`]);
  assert.equal(result.code, 0, `amtool failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as AmAlert[];
}

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  status: { state: string };
}

describe('subscribers of the alerts topic that are not Node.js', () => {
  const subscribed = uniqueTopic('alerts-subscribed');
  const pair = alertPair('kcat');

  before(async () => {
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await createTopics(subscribed);
    await publish(subscribed, pair.firing, pair.resolved);
  });

  after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)));
    await producer?.disconnect();
    fs.rmSync(temp, { recursive: true, force: true });
  });

  it("reads the firing and the resolved alert with Debian's kcat, keyed by series", async () => {
    const kcat = await ensureDebianTool(DEBIAN_TOOLS.kcat, process.env, log);
    const result = run(kcat, [
      '-C',
      '-b',
      brokers.join(','),
      '-t',
      subscribed,
      '-o',
      'beginning',
      '-e',
      '-q',
      '-f',
      '%k\t%s\n',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines.length, 2, result.stdout);
    const read = lines.map((line) => {
      const [key, value] = line.split('\t');
      const decoded = decodeAlertEvent(Buffer.from(value ?? '', 'utf8'));
      assert.ok(decoded.ok, `kcat printed an alert that does not decode: ${line}`);
      return { key, alert: decoded.value };
    });
    assert.deepEqual(
      read.map(({ key, alert }) => [key, alert.id, alert.state]),
      [
        [pair.firing.series, pair.firing.id, 'firing'],
        [pair.firing.series, pair.firing.id, 'resolved'],
      ],
    );
  });

  it("reads them with Kafka's console consumer from the stack's classpath (the tools jar is part of it)", async () => {
    const settings = resolveStackSettings(process.env, repoRoot);
    const libs = await ensureKafkaClasspath(settings, process.env, log);
    const java = requireJava17(process.env);
    const result = run(
      java,
      [
        '-cp',
        `${libs}${path.sep}*`,
        'org.apache.kafka.tools.consumer.ConsoleConsumer',
        '--bootstrap-server',
        brokers.join(','),
        '--topic',
        subscribed,
        '--from-beginning',
        '--max-messages',
        '2',
        '--timeout-ms',
        '60000',
      ],
      120_000,
    );
    assert.equal(result.code, 0, result.stderr);
    const states = result.stdout
      .trim()
      .split('\n')
      .map((line) => {
        const decoded = decodeAlertEvent(Buffer.from(line, 'utf8'));
        assert.ok(decoded.ok, `the console consumer printed an alert that does not decode: ${line}`);
        return `${decoded.value.id} ${decoded.value.state}`;
      });
    assert.deepEqual(states, [`${pair.firing.id} firing`, `${pair.firing.id} resolved`]);
  });

  it('reaches a real Alertmanager through the webhook forwarder: amtool shows the alert with its labels and annotations, kept past resolve_timeout by resends (across a restart) until its resolve clears it', async () => {
    const alertmanager = await ensureDebianTool(DEBIAN_TOOLS.alertmanager, process.env, log);
    const amtool = await ensureDebianTool(DEBIAN_TOOLS.amtool, process.env, log);
    const alerts = uniqueTopic('alerts-alertmanager');
    await createTopics(alerts);

    const amPort = await freePort();
    const amUrl = `http://127.0.0.1:${amPort}`;
    const amConfig = path.join(temp, 'alertmanager.yml');
    // a short resolve_timeout: Alertmanager ends an alert not posted again within it, so the forwarder's resends show
    fs.writeFileSync(
      amConfig,
      `global:\n  resolve_timeout: ${RESOLVE_TIMEOUT_MS / 1000}s\nroute:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n`,
    );
    const amLog = path.join(temp, 'alertmanager.log');
    startProcess(
      alertmanager,
      [
        `--config.file=${amConfig}`,
        `--storage.path=${path.join(temp, 'alertmanager-data')}`,
        `--web.listen-address=127.0.0.1:${amPort}`,
        '--cluster.listen-address=',
      ],
      process.env,
      amLog,
    );
    await expectEventually(async () => assert.ok(await httpOk(`${amUrl}/-/ready`), fs.readFileSync(amLog, 'utf8')), {
      timeoutMs: 30_000,
    });

    const serviceConfig = path.join(temp, 'anomaly.yml');
    fs.writeFileSync(
      serviceConfig,
      [
        'anomaly:',
        '  webhooks:',
        `    - { name: alertmanager, url: '${amUrl}/api/v2/alerts', format: alertmanager, secret: test-only-key, maxRetries: 2, resendIntervalMs: 1000 }`,
        '',
      ].join('\n'),
    );
    const httpPort = await freePort();
    const serviceLog = path.join(temp, 'anomaly.log');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TIDELINE_CONFIG: serviceConfig,
      KAFKA_BROKERS: brokers.join(','),
      INFLUX_URL: stackFromEnv().influxUrl,
      INFLUX_DATABASE: uniqueDatabase('subscribers'),
      HTTP_PORT: String(httpPort),
      LOG_LEVEL: 'warn',
      TIDELINE__ANOMALY__TOPICS__ALERTS: alerts,
      // the topic keeps its one partition: one the forwarder has not seen yet would hold the alert back for minutes
      TIDELINE__KAFKA__PARTITIONS: '1',
      TIDELINE__KAFKA__SCALE_OUT_PARTITIONS: '1',
      TIDELINE__ANOMALY__TOPICS__BASELINES: uniqueTopic('subscribers-baselines'),
      TIDELINE__ANOMALY__TOPICS__ALERT_STATE: uniqueTopic('subscribers-alert-state'),
      TIDELINE__ANOMALY__CONSUMER_GROUP: uniqueGroup('subscribers-anomaly'),
      TIDELINE__ANOMALY__WEBHOOK_CONSUMER_GROUP: uniqueGroup('subscribers-webhooks'),
    };
    delete env['NODE_TEST_CONTEXT'];
    const startService = async (): Promise<ChildProcess> => {
      const child = startProcess(
        process.execPath,
        [path.join(repoRoot, 'apps', 'anomaly', 'dist', 'main.js')],
        env,
        serviceLog,
      );
      await expectEventually(
        async () => assert.ok(await httpOk(`http://127.0.0.1:${httpPort}/health`), fs.readFileSync(serviceLog, 'utf8')),
        { timeoutMs: 90_000 },
      );
      return child;
    };
    let service = await startService();

    const { firing, resolved } = alertPair('alertmanager');
    // A new consumer group starts at the end of the topic: publish again until the forwarder has taken one (the alert
    // is the same each time, and Alertmanager keeps one alert per label set).
    const shown = await expectEventually(
      async () => {
        const listed = amtoolQuery(amtool, amUrl, firing.series);
        if (listed.length === 0) await publish(alerts, firing);
        assert.equal(
          listed.length,
          1,
          `amtool lists no alert for ${firing.series}; ${fs.readFileSync(serviceLog, 'utf8')}`,
        );
        return listed[0]!;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    assert.equal(shown.status.state, 'active');
    assert.deepEqual(
      {
        alertname: shown.labels['alertname'],
        severity: shown.labels['severity'],
        host: shown.labels['host'],
        metric: shown.labels['metric'],
        detector: shown.labels['detector'],
        tag_region: shown.labels['tag_region'],
      },
      {
        alertname: 'TidelineAnomaly',
        severity: firing.severity,
        host: firing.host,
        metric: firing.metric,
        detector: firing.detector,
        tag_region: 'eu',
      },
    );
    assert.match(
      shown.annotations['summary'] ?? '',
      new RegExp(`CRITICAL anomaly: cpu\\.total on ${firing.host} = 95`),
    );
    assert.equal(shown.annotations['expected'], String(firing.expected));
    assert.equal(shown.annotations['influxql'], firing.influxql);
    assert.equal(new Date(shown.startsAt).getTime(), firing.startedAt);

    // Without a resend Alertmanager would end it RESOLVE_TIMEOUT_MS after the post: it stays active for twice that,
    // and its end keeps moving (each post sets endsAt = now + resolve_timeout).
    const kept = await activeThroughout(amtool, amUrl, firing.series, 2 * RESOLVE_TIMEOUT_MS + 2000);
    assert.ok(
      new Date(kept.endsAt).getTime() >= new Date(shown.endsAt).getTime() + RESOLVE_TIMEOUT_MS,
      `endsAt did not move: ${shown.endsAt} then ${kept.endsAt}`,
    );

    // A restarted forwarder rebuilds its firing alerts from the alerts topic (its consumer group has committed the
    // alert already, so it is not delivered again) and keeps posting them.
    service.kill('SIGTERM');
    await once(service, 'exit');
    const restartedAt = Date.now();
    service = await startService();
    await expectEventually(
      async () => {
        const [listed] = amtoolQuery(amtool, amUrl, firing.series);
        assert.ok(listed !== undefined && new Date(listed.endsAt).getTime() > restartedAt + RESOLVE_TIMEOUT_MS);
      },
      { timeoutMs: 30_000, intervalMs: 1000 },
    );
    await activeThroughout(amtool, amUrl, firing.series, 2 * RESOLVE_TIMEOUT_MS + 2000);

    await publish(alerts, resolved);
    await expectEventually(
      async () =>
        assert.deepEqual(amtoolQuery(amtool, amUrl, firing.series), [], 'the resolve did not clear the alert'),
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
  });
});
