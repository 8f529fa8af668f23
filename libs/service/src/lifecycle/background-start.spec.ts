import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Logger } from '@nestjs/common';
import { expectEventually } from '@tideline/testing';
import { Registry } from 'prom-client';
import { HealthChecks } from '../health/health-checks';
import { BackgroundStart } from './background-start';

const quietLogger = { warn: () => undefined, error: () => undefined } as unknown as Logger;

function setUp(start: () => Promise<void>) {
  const health = new HealthChecks({ service: 'test', registry: new Registry() });
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
  return { lifecycle, calls, check };
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
});
