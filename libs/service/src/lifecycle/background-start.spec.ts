import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Logger } from '@nestjs/common';
import { expectEventually } from '@tideline/testing';
import { Registry } from 'prom-client';
import { HealthChecks } from '../health/health-checks';
import { BackgroundStart } from './background-start';

const quietLogger = { warn: () => undefined, error: () => undefined, log: () => undefined } as unknown as Logger;

function setUp(start: () => Promise<void>) {
  const registry = new Registry();
  const health = new HealthChecks({ service: 'test', registry });
  const calls = { start: 0, stopParts: 0 };
  const lifecycle = new BackgroundStart(health, {
    name: 'pipeline',
    starting: 'loading state',
    start: async () => {
      calls.start++;
      await start();
    },
    stopParts: async () => {
      calls.stopParts++;
    },
    logger: quietLogger,
    initialDelayMs: 5,
    maxDelayMs: 10,
  });
  const check = async () => (await health.run()).checks['pipeline']!;
  return { lifecycle, calls, check, registry };
}

describe('BackgroundStart', () => {
  it('retries a failing start, undoing each failed attempt, and /health names the last error until it succeeds', async () => {
    let failures = 2;
    const { lifecycle, calls, check } = setUp(async () => {
      if (failures-- > 0) throw new Error('connect ECONNREFUSED 127.0.0.1:19092');
    });
    const before = await check();
    assert.equal(before.ok, false);
    assert.match(before.error!, /starting \(loading state\)/);

    lifecycle.begin();
    await expectEventually(() => assert.equal(lifecycle.started, true));
    assert.equal(calls.start, 3);
    assert.equal(calls.stopParts, 2, 'each failed attempt is undone');
    assert.equal((await check()).ok, true);
    await lifecycle.stop();
    assert.equal(calls.stopParts, 3, 'stop undoes the start');
  });

  it('reports the last start error on /health while retrying', async () => {
    const { lifecycle, check } = setUp(async () => {
      throw new Error('broker unreachable');
    });
    lifecycle.begin();
    await expectEventually(async () => assert.match((await check()).error ?? '', /broker unreachable; starting/));
    await lifecycle.stop();
  });

  it('fails /health once the consumer has crashed, and the consumer hooks report a crash', async () => {
    const { lifecycle, check } = setUp(async () => undefined);
    lifecycle.begin();
    await expectEventually(() => assert.equal(lifecycle.started, true));
    assert.equal((await check()).ok, true);
    lifecycle.consumerHooks('the metrics consumer').onCrash!(new Error('offset out of range'));
    const after = await check();
    assert.equal(after.ok, false);
    assert.match(after.error!, /consumer stopped: Error: offset out of range/);
    await lifecycle.stop();
  });

  it('stops retrying when stopped, without waiting for a start that hangs', async () => {
    const { lifecycle, calls } = setUp(() => new Promise<void>(() => undefined));
    lifecycle.begin();
    await expectEventually(() => assert.equal(calls.start, 1));
    const started = Date.now();
    await lifecycle.stop();
    assert.ok(Date.now() - started < 5000, 'bounded wait for the start in flight');
    assert.equal(calls.stopParts, 1);
    assert.equal(lifecycle.started, false);
  });

  it('fails /health while the consumer is stalled, naming the partition, exports lag per partition, and recovers', async () => {
    const { lifecycle, check, registry } = setUp(async () => undefined);
    lifecycle.begin();
    await expectEventually(() => assert.equal(lifecycle.started, true));
    const onLag = lifecycle.consumerHooks('the metrics consumer').onLag!;
    const partition = (n: number, lag: number, stalledForMs: number) => ({
      topic: 'm',
      partition: n,
      lag,
      committed: '10',
      end: String(10 + lag),
      stalledForMs,
    });
    const report = (partitions: ReturnType<typeof partition>[]) => ({
      groupId: 'g',
      at: 0,
      stallAfterMs: 15_000,
      intervalMs: 5000,
      partitions,
      stalled: partitions.filter((p) => p.lag > 0 && p.stalledForMs >= 15_000),
    });
    onLag(report([partition(0, 5, 20_000), partition(1, 0, 0)]));
    const stalled = await check();
    assert.equal(stalled.ok, false);
    assert.match(
      stalled.error!,
      /the metrics consumer is stalled: m\/0 \(lag 5, no commit for 20 s\); a stall is lag without a commit for 15 s, measured every 5 s$/,
    );
    const text = await registry.metrics();
    assert.match(text, /^tideline_kafka_consumer_lag\{group="g",topic="m",partition="0"\} 5$/m);
    assert.match(text, /^tideline_kafka_consumer_lag\{group="g",topic="m",partition="1"\} 0$/m);
    assert.match(text, /^tideline_kafka_consumer_stalled_partitions\{group="g"\} 1$/m);

    lifecycle.consumerHooks('the metrics consumer').onCommit!({ topic: 'm', partition: 0, offset: '12' });
    assert.equal((await check()).ok, true, 'a commit of the stalled partition is progress at once');
    onLag(report([partition(0, 5, 20_000), partition(1, 0, 0)]));
    assert.equal((await check()).ok, false);
    onLag(report([partition(0, 2, 0)])); // progressing again; partition 1 was revoked
    assert.equal((await check()).ok, true);
    const after = await registry.metrics();
    assert.doesNotMatch(after, /partition="1"/, 'a revoked partition leaves the gauge');
    assert.match(after, /^tideline_kafka_consumer_stalled_partitions\{group="g"\} 0$/m);
    await lifecycle.stop();
  });

  it('with stallDegradesOnly, a stalled consumer degrades the service under <name>-stall instead of failing it', async () => {
    const registry = new Registry();
    const health = new HealthChecks({ service: 'test', registry });
    const lifecycle = new BackgroundStart(health, {
      name: 'webhook-forwarder',
      starting: 'connecting',
      start: async () => undefined,
      stopParts: async () => undefined,
      logger: quietLogger,
      stallDegradesOnly: true,
    });
    lifecycle.begin();
    await expectEventually(() => assert.equal(lifecycle.started, true));
    const stalled = { topic: 'a', partition: 0, lag: 3, committed: '1', end: '4', stalledForMs: 30_000 };
    lifecycle.consumerHooks('the alerts consumer').onLag!({
      groupId: 'g',
      at: 0,
      stallAfterMs: 15_000,
      intervalMs: 5000,
      partitions: [stalled],
      stalled: [stalled],
    });
    const report = await health.run();
    assert.deepEqual([report.status, report.failed, report.degraded], ['degraded', [], ['webhook-forwarder-stall']]);
    assert.match(report.checks['webhook-forwarder-stall']!.error!, /the alerts consumer is stalled: a\/0/);
    await lifecycle.stop();
  });
});
