import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { procState, findRepoRoot } from '@tideline/devstack';

/**
 * The stack lifecycle through the real `tideline` command: up → status healthy → up again → down → status stopped.
 * It runs its own stack (own TIDELINE_HOME, own ports) so that it never touches the servers the other tests use.
 * Kafka binds 127.0.0.1 and advertises the name `localhost` (TIDELINE_KAFKA_BIND, TIDELINE_KAFKA_ADVERTISED_HOST), as a
 * host reachable from others would advertise its own name: loopback only, in tests.
 */
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tideline-stack-it-'));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  TIDELINE_HOME: home,
  TIDELINE_KAFKA_PORT: '29092',
  TIDELINE_KAFKA_CONTROLLER_PORT: '29093',
  TIDELINE_INFLUX_PORT: '28086',
  TIDELINE_INFLUX_RPC_PORT: '28088',
  TIDELINE_KAFKA_BIND: '127.0.0.1',
  TIDELINE_KAFKA_ADVERTISED_HOST: 'localhost',
};
const cli = path.join(findRepoRoot(), 'apps', 'cli', 'bin', 'tideline.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function tideline(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

interface Status {
  name: string;
  healthy: boolean;
  pid?: number;
  address: string;
}

async function status(): Promise<{ code: number; statuses: Status[] }> {
  const run = await tideline('stack', 'status', '--json');
  return { code: run.code, statuses: JSON.parse(run.stdout) as Status[] };
}

describe('tideline stack (own home and ports 29092/29093/28086/28088)', () => {
  after(async () => {
    await tideline('stack', 'down');
    fs.rmSync(home, { recursive: true, force: true });
  });

  let firstPids: (number | undefined)[] = [];

  it('up starts Kafka and InfluxDB, formats storage and returns once both answer', async () => {
    const run = await tideline('stack', 'up');
    assert.equal(run.code, 0, `stack up failed:\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /^kafka\s+started in .* localhost:29092/m);
    assert.match(run.stdout, /^influxdb\s+started in .* http:\/\/127\.0\.0\.1:28086/m);
    assert.ok(fs.existsSync(path.join(home, 'kafka', 'data', 'meta.properties')), 'Kafka storage was formatted');
    assert.ok(fs.existsSync(path.join(home, 'run', 'kafka.log')));
    assert.ok(fs.existsSync(path.join(home, 'run', 'influxdb.log')));
  });

  it('Kafka advertises the configured host name to clients', async () => {
    const admin = new Kafka({ brokers: ['127.0.0.1:29092'], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const { brokers } = await admin.describeCluster();
      assert.deepEqual(
        brokers.map(({ host, port }) => `${host}:${port}`),
        ['localhost:29092'],
      );
    } finally {
      await admin.disconnect();
    }
  });

  it('status reports both healthy with their pids and exits 0', async () => {
    const { code, statuses } = await status();
    assert.equal(code, 0);
    assert.deepEqual(
      statuses.map(({ name, healthy }) => [name, healthy]),
      [
        ['kafka', true],
        ['influxdb', true],
      ],
    );
    firstPids = statuses.map((entry) => entry.pid);
    assert.ok(firstPids.every((pid) => typeof pid === 'number'));
  });

  it('up again says already running, keeps the same processes and exits 0', async () => {
    const run = await tideline('stack', 'up');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^kafka\s+already running/m);
    assert.match(run.stdout, /^influxdb\s+already running/m);
    assert.deepEqual(
      (await status()).statuses.map((entry) => entry.pid),
      firstPids,
    );
  });

  it('down stops exactly the processes up started', async () => {
    const run = await tideline('stack', 'down');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^kafka\s+stopped \(pid \d+\)/m);
    assert.match(run.stdout, /^influxdb\s+stopped \(pid \d+\)/m);
    for (const pid of firstPids) assert.notEqual(procState(pid as number), 'running', `pid ${pid} still runs`);
    assert.equal(fs.existsSync(path.join(home, 'run', 'kafka.pid')), false);
  });

  it('status then reports both stopped and exits non-zero', async () => {
    const { code, statuses } = await status();
    assert.notEqual(code, 0);
    assert.deepEqual(
      statuses.map(({ name, healthy, pid }) => [name, healthy, pid]),
      [
        ['kafka', false, undefined],
        ['influxdb', false, undefined],
      ],
    );
  });

  it('up refuses to overwrite a server.properties edited by hand and names server.overrides.properties', async () => {
    const file = path.join(home, 'kafka', 'server.properties');
    const original = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, original.replace('num.partitions=1', 'num.partitions=6'));
    try {
      const run = await tideline('stack', 'up');
      assert.notEqual(run.code, 0);
      assert.match(
        `${run.stdout}${run.stderr}`,
        /server\.properties was edited by hand.*server\.overrides\.properties/s,
      );
      assert.match(fs.readFileSync(file, 'utf8'), /num\.partitions=6/, 'the edit is still there');
    } finally {
      await tideline('stack', 'down');
      fs.writeFileSync(file, original);
    }
  });

  it('down leaves alone a process whose pid is in a stale pid file', async () => {
    const bystander = spawn('sleep', ['120'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(path.join(home, 'run', 'kafka.pid'), `${bystander.pid}\n`);
      const run = await tideline('stack', 'down');
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^kafka\s+not running/m);
      assert.equal(procState(bystander.pid as number), 'running');
      assert.equal(fs.existsSync(path.join(home, 'run', 'kafka.pid')), false, 'the stale pid file is removed');
    } finally {
      bystander.kill('SIGKILL');
    }
  });
});
