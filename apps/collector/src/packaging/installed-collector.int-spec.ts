import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeBaselineRecords, decodeMetricEvent } from '@tideline/contracts';
import { createKafka } from '@tideline/kafka';
import {
  freePort,
  startService,
  type ServiceProcess,
  ensureNodeExporter,
  expectEventually,
  npmEnv,
  packAndInstall,
  randomSuffix,
  REPO_ROOT,
  stackFromEnv,
  startNodeExporter,
  uniqueGroup,
  type NodeExporterProcess,
} from '@tideline/testing';

const stack = stackFromEnv();

describe(
  'the collector package: npm install <tarball> into an empty folder, then run against the real Kafka',
  { timeout: 240_000 },
  () => {
    const run = `installed-${randomSuffix()}`;
    const topics = {
      metrics: `test.${run}.metrics`,
      baselines: `test.${run}.baselines`,
      checkpoints: `test.${run}.checkpoints`,
    };
    const host = `installed-collector-${run}`;
    let folder: string;
    let bin: string;
    let config: string;
    let exporter: NodeExporterProcess;
    let baseline: ServiceProcess;

    before(async () => {
      folder = packAndInstall('collector');
      bin = join(folder, 'node_modules', '.bin', 'tideline-collector');
      exporter = await startNodeExporter(ensureNodeExporter((line) => process.stderr.write(`${line}\n`)));
      config = join(folder, 'collector.yaml');
      writeFileSync(
        config,
        [
          'collector:',
          `  host: ${host}`,
          '  intervalMs: 1000',
          `  topic: ${topics.metrics}`,
          '  scrape:',
          `    - url: ${exporter.metricsUrl}`,
          "      metrics: { allow: ['node_load1', 'node_network_receive_bytes_total'] }",
          '',
        ].join('\n'),
      );
      const port = await freePort();
      baseline = startService({
        main: join(REPO_ROOT, 'apps', 'baseline', 'dist', 'main.js'),
        port,
        env: {
          KAFKA_BROKERS: stack.kafkaBrokers.join(','),
          INFLUX_URL: stack.influxUrl,
          INFLUX_DATABASE: `test_${run.replace(/-/g, '_')}`,
          TIDELINE__BASELINE__TOPICS__METRICS: topics.metrics,
          TIDELINE__BASELINE__TOPICS__BASELINES: topics.baselines,
          TIDELINE__BASELINE__TOPICS__MODEL_CHECKPOINTS: topics.checkpoints,
          TIDELINE__BASELINE__CONSUMER_GROUP: `test-${run}-baseline`,
          HTTP_PORT: String(port),
          LOG_LEVEL: 'warn',
        },
      });
    });

    after(async () => {
      await baseline?.stop(10_000).catch(() => baseline.kill());
      await exporter?.stop();
      if (folder) rmSync(folder, { recursive: true, force: true });
    });

    it('installs as one package with no dependencies: a bin, the example config, the systemd unit and its environment file', () => {
      assert.deepEqual(
        readdirSync(join(folder, 'node_modules')).filter((name) => !name.startsWith('.')),
        ['tideline-collector'],
      );
      const installed = join(folder, 'node_modules', 'tideline-collector');
      const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as Record<string, unknown>;
      assert.deepEqual(manifest['dependencies'], {});
      for (const file of [
        'collector.example.yaml',
        'systemd/tideline-collector.service',
        'systemd/tideline-collector.env',
      ]) {
        assert.ok(readFileSync(join(installed, file), 'utf8').length > 0, file);
      }
      const help = spawnSync(bin, ['--help'], { encoding: 'utf8', env: npmEnv() });
      assert.equal(help.status, 0, help.stderr);
      assert.match(help.stdout, /--brokers HOST:PORT/);
    });

    it('--check prints one round of host and scraped events and exits 0 when Kafka answers, 69 when it does not', () => {
      const ok = spawnSync(bin, ['--check', '--brokers', stack.kafkaBrokers.join(','), '--config', config], {
        encoding: 'utf8',
        env: npmEnv(),
      });
      assert.equal(ok.status, 0, ok.stderr);
      const events = ok.stdout
        .trim()
        .split('\n')
        .map((line) => decodeMetricEvent(line));
      assert.ok(
        events.every((decoded) => decoded.ok),
        'every printed event decodes with the shared decoder',
      );
      const metrics = new Set(events.map((decoded) => (decoded.ok ? decoded.value.metric : '')));
      for (const metric of [
        'cpu.usage_percent',
        'mem.used_percent',
        'node_load1',
        'node_network_receive_bytes_total.rate',
      ]) {
        assert.ok(metrics.has(metric), `${metric} in the check round; stderr:\n${ok.stderr}`);
      }
      assert.match(ok.stderr, /Kafka at .* answers/);

      const down = spawnSync(bin, ['--check', '--brokers', '127.0.0.1:9', '--config', config], {
        encoding: 'utf8',
        env: npmEnv(),
      });
      assert.equal(down.status, 69, down.stderr);
      assert.match(down.stderr, /Kafka at 127\.0\.0\.1:9 does not answer/);
    });

    it('exits 78 naming the key on a bad config value', () => {
      const bad = spawnSync(bin, ['--check', '--brokers', stack.kafkaBrokers.join(',')], {
        encoding: 'utf8',
        env: { ...npmEnv(), TIDELINE__COLLECTOR__INTERVAL_MS: 'often' },
      });
      assert.equal(bad.status, 78);
      assert.match(bad.stderr, /collector\.intervalMs/);
    });

    it('runs as `tideline-collector --brokers … --config …`: its host and scraped points are scored by the baseline service', async () => {
      const port = await freePort();
      const child = spawn(bin, ['--brokers', stack.kafkaBrokers.join(','), '--config', config], {
        env: { ...npmEnv(), HTTP_PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: `test-${run}` });
      const consumer = kafka.consumer({ groupId: uniqueGroup('installed-collector'), maxWaitTimeInMs: 200 });
      const judged = new Map<string, number>();
      try {
        await expectEventually(
          async () => {
            assert.equal(child.exitCode, null, `the collector exited:\n${output}`);
            assert.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200);
          },
          { timeoutMs: 30_000, message: 'the installed collector did not become healthy' },
        );
        await expectEventually(
          async () => assert.equal((await fetch(`${baseline.url}/health`)).status, 200, baseline.stderr()),
          { timeoutMs: 60_000, message: 'the baseline service did not become ready' },
        );
        await consumer.connect();
        await expectEventually(() => consumer.subscribe({ topic: topics.baselines, fromBeginning: true }), {
          timeoutMs: 30_000,
        });
        await consumer.run({
          eachMessage: async ({ message }) => {
            const decoded = decodeBaselineRecords(message.value ?? new Uint8Array());
            assert.ok(decoded.ok, JSON.stringify(decoded));
            for (const { host: recordHost, metric, points } of decoded.value)
              if (recordHost === host) judged.set(metric, (judged.get(metric) ?? 0) + points.ts.length);
          },
        });
        await expectEventually(
          () => {
            for (const metric of ['cpu.usage_percent', 'mem.used_percent', 'node_load1']) {
              assert.ok((judged.get(metric) ?? 0) > 0, `${metric} judged (so far: ${[...judged.keys()].join(', ')})`);
            }
          },
          { timeoutMs: 60_000, message: 'judged points of the installed collector on the baselines topic' },
        );
        const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        assert.match(metrics, /^tideline_collector_events_published_total\{service="collector"\} [1-9]/m);
        assert.match(
          metrics,
          /^tideline_collector_scrapes_total\{target="http:\/\/127\.0\.0\.1:\d+\/metrics",service="collector"\} [1-9]/m,
        );
      } finally {
        await consumer.disconnect();
        child.kill('SIGTERM');
      }
      assert.equal(await exited, 0, output);
    });
  },
);
