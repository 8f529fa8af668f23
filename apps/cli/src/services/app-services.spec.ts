import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appComponents, appEnvironment, appServices } from './app-services';
import { resolveStackSettings } from '@tideline/devstack';

describe('app services', () => {
  const settings = resolveStackSettings(
    { TIDELINE_HOME: '/h', TIDELINE_KAFKA_PORT: '29092', TIDELINE_INFLUX_PORT: '28086' },
    '/repo',
  );

  it('runs the four services on ports 8710-8713, each movable by TIDELINE_<NAME>_PORT', () => {
    assert.deepEqual(
      appServices({}).map(({ name, port }) => [name, port]),
      [
        ['collector', 8710],
        ['baseline', 8711],
        ['anomaly', 8712],
        ['reporter', 8713],
      ],
    );
    assert.equal(appServices({ TIDELINE_REPORTER_PORT: '9713' }).find((app) => app.name === 'reporter')?.port, 9713);
  });

  it('passes KAFKA_BROKERS, INFLUX_URL and HTTP_PORT of this stack, overriding inherited ones', () => {
    const [collector] = appServices({});
    assert.ok(collector);
    const env = appEnvironment(collector, settings, {
      PATH: '/bin',
      KAFKA_BROKERS: 'elsewhere:9092',
      INFLUX_URL: 'http://elsewhere',
      HTTP_PORT: '1',
    });
    assert.equal(env['KAFKA_BROKERS'], '127.0.0.1:29092');
    assert.equal(env['INFLUX_URL'], 'http://127.0.0.1:28086');
    assert.equal(env['HTTP_PORT'], '8710');
    assert.equal(env['PATH'], '/bin');
  });

  it('runs each app from its compiled entry point, with pid and log files under <home>/run', () => {
    const [collector] = appComponents(settings, {});
    assert.ok(collector);
    assert.equal(collector.pidFile, '/h/run/collector.pid');
    assert.equal(collector.logFile, '/h/run/collector.log');
    assert.deepEqual(collector.spawnSpec().args, ['--enable-source-maps', '/repo/apps/collector/dist/main.js']);
    assert.equal(collector.address, 'http://127.0.0.1:8710/health');
  });
});
