import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { HealthChecks } from './health-checks';

const never = () => new Promise<never>(() => undefined);

describe('HealthChecks', () => {
  it('reports ok when every registered check resolves', async () => {
    const checks = new HealthChecks({ service: 'test', registry: new Registry() });
    checks.register({ name: 'kafka', check: async () => ({ brokers: 1 }) });
    checks.register({ name: 'influx', check: async () => undefined });

    const report = await checks.run();

    assert.equal(report.status, 'ok');
    assert.deepEqual(report.failed, []);
    assert.deepEqual(Object.keys(report.checks), ['kafka', 'influx']);
    assert.equal(report.checks['kafka']?.ok, true);
  });

  it('reports unavailable, naming the failed dependency and its error, when one check rejects', async () => {
    const checks = new HealthChecks({ service: 'test', registry: new Registry() });
    checks.register({ name: 'kafka', check: async () => undefined });
    checks.register({
      name: 'influx',
      check: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:1');
      },
    });

    const report = await checks.run();

    assert.equal(report.status, 'unavailable');
    assert.deepEqual(report.failed, ['influx']);
    assert.equal(report.checks['influx']?.error, 'connect ECONNREFUSED 127.0.0.1:1');
    assert.equal(report.checks['kafka']?.ok, true);
  });

  it('fails a check that does not answer within the timeout instead of hanging /health', async () => {
    const checks = new HealthChecks({ service: 'test', registry: new Registry(), timeoutMs: 50 });
    checks.register({ name: 'kafka', check: never });

    const report = await checks.run();

    assert.deepEqual(report.failed, ['kafka']);
    assert.equal(report.checks['kafka']?.error, 'timed out after 50ms');
  });

  it('sets tideline_dependency_up to 1 or 0 per dependency after each run', async () => {
    const registry = new Registry();
    const checks = new HealthChecks({ service: 'test', registry });
    let up = true;
    checks.register({
      name: 'kafka',
      check: async () => {
        if (!up) throw new Error('down');
      },
    });

    await checks.run();
    assert.match(await registry.metrics(), /^tideline_dependency_up\{dependency="kafka"\} 1$/m);
    up = false;
    await checks.run();
    assert.match(await registry.metrics(), /^tideline_dependency_up\{dependency="kafka"\} 0$/m);
  });

  it('refuses a second check under the same name', () => {
    const checks = new HealthChecks({ service: 'test', registry: new Registry() });
    checks.register({ name: 'kafka', check: async () => undefined });
    assert.throws(() => checks.register({ name: 'kafka', check: async () => undefined }), /already registered/);
  });
});
