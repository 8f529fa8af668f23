// The commands that talk to Kafka or InfluxDB follow the local stack's settings as `tideline up` does: run as a user
// runs them (node apps/cli/bin/tideline.js) with the real servers' ports given only as TIDELINE_KAFKA_PORT /
// TIDELINE_INFLUX_PORT, and again with those pointing at ports nothing listens on. A command that ignored the
// variables would reach the servers in the second run too (on this stack's default ports) or miss them in the first.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InfluxClient } from '@tideline/influx';
import { createKafka } from '@tideline/kafka';
import { freePorts, readTopic, stackFromEnv, uniqueDatabase, uniqueTopic } from '@tideline/testing';
import { findRepoRoot } from '@tideline/devstack';

const stack = stackFromEnv();
const kafkaPort = stack.kafkaBrokers[0]!.split(':').pop()!;
const influxPort = new URL(stack.influxUrl).port;
const REPO = findRepoRoot();

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `tideline <args>` with none of the addresses the test runner set: only what `env` gives. */
function tideline(args: readonly string[], env: Record<string, string>): Promise<Run> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['KAFKA_BROKERS', 'INFLUX_URL', 'INFLUX_DATABASE', 'TIDELINE_CONFIG', 'NODE_TEST_CONTEXT']) {
    delete base[key];
  }
  for (const key of Object.keys(base)) if (key.startsWith('TIDELINE')) delete base[key];
  const child = spawn(process.execPath, [join(REPO, 'apps', 'cli', 'bin', 'tideline.js'), ...args], {
    cwd: REPO,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('replay, alerts and report follow TIDELINE_KAFKA_PORT, TIDELINE_INFLUX_PORT and TIDELINE_HOME', () => {
  const home = mkdtempSync(join(tmpdir(), 'tideline-home-'));
  const database = uniqueDatabase('cli_ports');
  const influx = new InfluxClient({ url: stack.influxUrl, database });
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'test-cli-ports' });
  let nobody: { kafka: string; influx: string };
  let real: Record<string, string>;
  let bogus: Record<string, string>;

  before(async () => {
    const [k, i] = (await freePorts(2)) as [number, number];
    nobody = { kafka: String(k), influx: String(i) };
    real = { TIDELINE_HOME: home, TIDELINE_KAFKA_PORT: kafkaPort, TIDELINE_INFLUX_PORT: influxPort };
    bogus = { TIDELINE_HOME: home, TIDELINE_KAFKA_PORT: nobody.kafka, TIDELINE_INFLUX_PORT: nobody.influx };
    await influx.ensureDatabase();
  });

  after(async () => {
    await influx.dropDatabase(database).catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  });

  it('replay publishes to the broker at TIDELINE_KAFKA_PORT, and says what to run when none answers there', async () => {
    const topic = uniqueTopic('cli-ports-replay');
    const csv = join(home, 'three.csv');
    const t0 = Date.now() - 3_600_000;
    writeFileSync(csv, `timestamp,value\n${[0, 1, 2].map((i) => `${t0 + i * 60_000},${i}`).join('\n')}\n`);
    const ok = await tideline(['replay', csv, '--topic', topic, '--speed', 'max'], real);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /replayed 3 events/);
    assert.equal((await readTopic(kafka, topic, { count: 3 })).length, 3);

    const down = await tideline(['replay', csv, '--topic', topic, '--speed', 'max'], bogus);
    assert.equal(down.code, 1);
    // one line, no kafkajs log lines
    assert.equal(
      down.stderr,
      `replay: no Kafka broker answers at 127.0.0.1:${nobody.kafka} (ECONNREFUSED); ` +
        'run `npx tideline status` to see what is running\n',
    );
  });

  it('alerts reads the broker at TIDELINE_KAFKA_PORT (tideline alerts --timeout 1)', async () => {
    const topic = uniqueTopic('cli-ports-alerts');
    const ok = await tideline(['alerts', '--topic', topic, '--timeout', '1'], real);
    assert.equal(ok.stderr, 'alerts: no alert within 1 s\n', 'it reached the broker and waited');
    assert.equal(ok.code, 1);
    const admin = kafka.admin();
    await admin.connect();
    try {
      assert.ok((await admin.listTopics()).includes(topic), 'the topic was created on the real broker');
    } finally {
      await admin.disconnect();
    }

    const down = await tideline(['alerts', '--topic', topic, '--timeout', '1'], bogus);
    assert.equal(down.code, 1);
    assert.equal(
      down.stderr,
      `alerts: no Kafka broker answers at 127.0.0.1:${nobody.kafka} (ECONNREFUSED); ` +
        'run `npx tideline status` to see what is running\n',
    );
  });

  it('report reads InfluxDB at TIDELINE_INFLUX_PORT and saves under TIDELINE_HOME/reporter', async () => {
    const ok = await tideline(['report', '--now', '--json'], { ...real, INFLUX_DATABASE: database });
    assert.equal(ok.code, 0, ok.stderr);
    const result = JSON.parse(ok.stdout) as { html: string };
    assert.ok(result.html.startsWith(join(home, 'reporter')), result.html);

    const down = await tideline(['report', '--now', '--json'], { ...bogus, INFLUX_DATABASE: database });
    assert.equal(down.code, 1);
    assert.equal(
      down.stderr,
      `report: InfluxDB does not answer at http://127.0.0.1:${nobody.influx} (ECONNREFUSED); ` +
        'run `npx tideline status` to see what is running\n',
    );
  });
});
