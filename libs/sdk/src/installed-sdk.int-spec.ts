import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { decodeMetricEvent, type MetricEvent } from '@tideline/contracts';
import {
  expectEventually,
  npmEnv,
  packAndInstall,
  REPO_ROOT,
  stackFromEnv,
  uniqueGroup,
  uniqueTopic,
} from '@tideline/testing';

const { kafkaBrokers: brokers } = stackFromEnv();

/** A fresh Express app outside the workspace, instrumented the way libs/sdk/README.md says. */
const APP = `
const express = require('express');
const { startTidelineMetrics, tidelineExpress } = require('@tideline/sdk');
const tideline = startTidelineMetrics({
  service: 'installed-app',
  version: '1.0.0',
  brokers: process.env.KAFKA_BROKERS.split(','),
  topic: process.env.METRICS_TOPIC,
  host: 'installed-sdk-host',
  exportIntervalMs: 1000,
});
const app = express();
app.use(tidelineExpress());
app.get('/users/:id', (req, res) => res.json({ id: req.params.id }));
app.post('/orders', (req, res) => res.status(201).json({ created: true }));
const server = app.listen(0, '127.0.0.1', () => console.log('listening on ' + server.address().port));
process.on('SIGTERM', async () => {
  server.close();
  await tideline.shutdown();
  process.exit(0);
});
`;

describe(
  'the SDK package: npm install <tarball> express into an empty folder, in a plain Express app',
  { timeout: 180_000 },
  () => {
    const topic = uniqueTopic('installed-sdk');
    const kafka = new Kafka({ clientId: 'installed-sdk-int-spec', brokers: [...brokers], logLevel: logLevel.NOTHING });
    const received: MetricEvent[] = [];
    const consumer = kafka.consumer({ groupId: uniqueGroup('installed-sdk'), maxWaitTimeInMs: 200 });
    let folder: string;

    before(async () => {
      // the Express the workspace has, so that npm finds it in its cache
      const express = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'express', 'package.json'), 'utf8')) as {
        version: string;
      };
      folder = packAndInstall('sdk', [`express@${express.version}`]);
      writeFileSync(join(folder, 'app.js'), APP);
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
      await admin.disconnect();
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const decoded = decodeMetricEvent(message.value ?? new Uint8Array());
          assert.ok(decoded.ok, JSON.stringify(decoded));
          received.push(decoded.value);
        },
      });
    });

    after(async () => {
      await consumer.disconnect();
      if (folder) rmSync(folder, { recursive: true, force: true });
    });

    it('publishes per-route latency series of two routes to the metrics topic', async () => {
      const child = spawn(process.execPath, ['app.js'], {
        cwd: folder,
        env: { ...npmEnv(), KAFKA_BROKERS: brokers.join(','), METRICS_TOPIC: topic },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      try {
        const port = await expectEventually(
          () => {
            assert.equal(child.exitCode, null, `the app exited:\n${output}`);
            const match = /listening on (\d+)/.exec(output);
            assert.ok(match, 'not listening yet');
            return Number(match[1]);
          },
          { timeoutMs: 30_000 },
        );
        for (let i = 0; i < 5; i++) assert.equal((await fetch(`http://127.0.0.1:${port}/users/${i}`)).status, 200);
        for (let i = 0; i < 3; i++) {
          assert.equal((await fetch(`http://127.0.0.1:${port}/orders`, { method: 'POST' })).status, 201);
        }
        const count = (route: string, status: string) =>
          received
            .filter(
              (event) =>
                event.metric === 'http.server.duration.count' &&
                event.tags['route'] === route &&
                event.tags['status'] === status,
            )
            .reduce((sum, event) => sum + event.value, 0);
        await expectEventually(
          () => {
            assert.equal(count('/users/:id', '200'), 5);
            assert.equal(count('/orders', '201'), 3);
          },
          { timeoutMs: 30_000, message: `per-route counts on the metrics topic; app output:\n${output}` },
        );
        const p95 = received.find(
          (event) => event.metric === 'http.server.duration.p95' && event.tags['route'] === '/users/:id',
        );
        assert.ok(p95 && p95.value > 0, 'a latency quantile per route');
        assert.equal(p95.host, 'installed-sdk-host');
        assert.deepEqual([p95.tags['service'], p95.tags['version'], p95.source], ['installed-app', '1.0.0', 'sdk']);
      } finally {
        child.kill('SIGTERM');
      }
      assert.equal(await exited, 0, output);
    });
  },
);
