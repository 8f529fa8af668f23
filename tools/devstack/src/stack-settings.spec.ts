import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULTS } from '@tideline/config';
import {
  DEFAULT_STACK_PORTS,
  influxUrl,
  kafkaBrokers,
  resolveStackSettings,
  StackSettingsError,
} from './stack-settings';

describe('resolveStackSettings', () => {
  it('puts everything under <repo>/.tideline on the default loopback ports when the environment is empty', () => {
    const settings = resolveStackSettings({}, '/repo');
    assert.equal(settings.paths.home, '/repo/.tideline');
    assert.equal(settings.paths.runDir, '/repo/.tideline/run');
    assert.equal(settings.paths.kafkaLibs, '/repo/.tideline/kafka-libs');
    assert.equal(settings.paths.pom, '/repo/tools/devstack/kafka/pom.xml');
    assert.deepEqual(settings.ports, { kafka: 19092, kafkaController: 19093, influx: 18086, influxRpc: 18088 });
    assert.equal(kafkaBrokers(settings), '127.0.0.1:19092');
    assert.equal(influxUrl(settings), 'http://127.0.0.1:18086');
  });

  it('agrees with the addresses the apps default to in @tideline/config', () => {
    const settings = resolveStackSettings({}, '/repo');
    assert.deepEqual([kafkaBrokers(settings)], [...DEFAULTS.kafka.brokers]);
    assert.equal(influxUrl(settings), DEFAULTS.influx.url);
  });

  it('takes TIDELINE_HOME (relative to the working directory) and every port from the environment', () => {
    const settings = resolveStackSettings(
      {
        TIDELINE_HOME: 'tmp/home',
        TIDELINE_KAFKA_PORT: '29092',
        TIDELINE_KAFKA_CONTROLLER_PORT: '29093',
        TIDELINE_INFLUX_PORT: '28086',
        TIDELINE_INFLUX_RPC_PORT: '28088',
      },
      '/repo',
      '/cwd',
    );
    assert.equal(settings.paths.home, '/cwd/tmp/home');
    assert.equal(settings.paths.kafkaServerProperties, '/cwd/tmp/home/kafka/server.properties');
    assert.deepEqual(settings.ports, { kafka: 29092, kafkaController: 29093, influx: 28086, influxRpc: 28088 });
  });

  for (const bad of ['0', '65536', 'abc', '19092.5', '-1']) {
    it(`rejects TIDELINE_KAFKA_PORT="${bad}" naming the variable and the allowed range`, () => {
      assert.throws(
        () => resolveStackSettings({ TIDELINE_KAFKA_PORT: bad }, '/repo'),
        (error: unknown) =>
          error instanceof StackSettingsError &&
          /TIDELINE_KAFKA_PORT/.test(error.message) &&
          /1 to 65535/.test(error.message),
      );
    });
  }

  it('listens and advertises on 127.0.0.1 by default, and hands the advertised address to clients', () => {
    assert.deepEqual(resolveStackSettings({}, '/repo').kafkaListener, {
      bind: '127.0.0.1',
      advertisedHost: '127.0.0.1',
    });
    const other = resolveStackSettings(
      { TIDELINE_KAFKA_BIND: '127.0.0.1', TIDELINE_KAFKA_ADVERTISED_HOST: 'localhost' },
      '/repo',
    );
    assert.deepEqual(other.kafkaListener, { bind: '127.0.0.1', advertisedHost: 'localhost' });
    assert.equal(kafkaBrokers(other), 'localhost:19092');
    assert.equal(influxUrl(other), 'http://127.0.0.1:18086');
  });

  it('advertises the bind address when only TIDELINE_KAFKA_BIND is set', () => {
    const settings = resolveStackSettings({ TIDELINE_KAFKA_BIND: '::1' }, '/repo');
    assert.equal(kafkaBrokers(settings), '[::1]:19092');
  });

  it('needs TIDELINE_KAFKA_ADVERTISED_HOST with a wildcard bind, naming both variables', () => {
    assert.throws(
      () => resolveStackSettings({ TIDELINE_KAFKA_BIND: '0.0.0.0' }, '/repo'),
      (error: unknown) =>
        error instanceof StackSettingsError &&
        /TIDELINE_KAFKA_BIND=0\.0\.0\.0/.test(error.message) &&
        /TIDELINE_KAFKA_ADVERTISED_HOST/.test(error.message),
    );
  });

  for (const [variable, bad] of [
    ['TIDELINE_KAFKA_BIND', 'localhost'],
    ['TIDELINE_KAFKA_BIND', '300.1.1.1'],
    ['TIDELINE_KAFKA_ADVERTISED_HOST', '0.0.0.0'],
    ['TIDELINE_KAFKA_ADVERTISED_HOST', 'kafka one'],
    ['TIDELINE_KAFKA_ADVERTISED_HOST', 'host:19092'],
  ] as const) {
    it(`rejects ${variable}="${bad}" naming the variable`, () => {
      assert.throws(
        () => resolveStackSettings({ [variable]: bad }, '/repo'),
        (error: unknown) => error instanceof StackSettingsError && error.message.startsWith(`${variable}="${bad}"`),
      );
    });
  }

  it('rejects two components on the same port, naming both variables', () => {
    assert.throws(
      () => resolveStackSettings({ TIDELINE_INFLUX_PORT: String(DEFAULT_STACK_PORTS.kafka) }, '/repo'),
      /TIDELINE_INFLUX_PORT and TIDELINE_KAFKA_PORT are both 19092/,
    );
  });
});
