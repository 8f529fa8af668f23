import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { appEnvironment, appServices } from './app-services';
import { reporterEnvironment, resolveCommandConfig } from './command-config';
import { resolveStackSettings, StackSettingsError } from '@tideline/devstack';

const REPO = '/repo';
const resolve = (env: Record<string, string>, argv: string[] = []) =>
  resolveCommandConfig(env, { argv, cwd: '/work', repoRoot: REPO });

function configFile(yaml: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'tideline-command-config-')), 'tideline.yaml');
  writeFileSync(path, yaml);
  return path;
}

describe('resolveCommandConfig (replay, alerts, report)', () => {
  it('uses the local stack on its default ports when nothing is set', () => {
    const { config } = resolve({});
    assert.deepEqual(config.kafka.brokers, ['127.0.0.1:19092']);
    assert.equal(config.influx.url, 'http://127.0.0.1:18086');
  });

  it('follows TIDELINE_KAFKA_PORT and TIDELINE_INFLUX_PORT, as `tideline up` and `status` do', () => {
    const env = { TIDELINE_KAFKA_PORT: '29092', TIDELINE_INFLUX_PORT: '28086' };
    const { config, stack } = resolve(env);
    assert.deepEqual(config.kafka.brokers, ['127.0.0.1:29092']);
    assert.equal(config.influx.url, 'http://127.0.0.1:28086');
    // the very addresses `tideline up` gives the services it starts
    const [collector] = appServices({});
    const started = appEnvironment(collector!, resolveStackSettings(env, REPO), env);
    assert.deepEqual(config.kafka.brokers, [started['KAFKA_BROKERS']]);
    assert.equal(config.influx.url, started['INFLUX_URL']);
    assert.equal(stack.ports.kafka, 29092);
  });

  it('keeps an address set on purpose: KAFKA_BROKERS, INFLUX_URL, TIDELINE__ variables, the config file', () => {
    const ports = { TIDELINE_KAFKA_PORT: '29092', TIDELINE_INFLUX_PORT: '28086' };
    const fromEnv = resolve({ ...ports, KAFKA_BROKERS: 'kafka-1:9092,kafka-2:9092', INFLUX_URL: 'http://influx:8086' });
    assert.deepEqual(fromEnv.config.kafka.brokers, ['kafka-1:9092', 'kafka-2:9092']);
    assert.equal(fromEnv.config.influx.url, 'http://influx:8086');
    const file = configFile('kafka:\n  brokers: [kafka-3:9092]\n');
    assert.deepEqual(resolve({ ...ports, TIDELINE_CONFIG: file }).config.kafka.brokers, ['kafka-3:9092']);
    assert.deepEqual(resolve(ports, ['node', 'tideline', 'report', '--config', file]).config.kafka.brokers, [
      'kafka-3:9092',
    ]);
    // a file that sets other things leaves the stack's addresses in place
    const other = configFile('influx:\n  database: other\n');
    const withOther = resolve({ ...ports, TIDELINE_CONFIG: other }).config;
    assert.deepEqual(withOther.kafka.brokers, ['127.0.0.1:29092']);
    assert.equal(withOther.influx.database, 'other');
  });

  it('refuses a bad port naming the variable, before anything connects', () => {
    assert.throws(() => resolve({ TIDELINE_KAFKA_PORT: '99999' }), StackSettingsError);
    assert.throws(() => resolve({ TIDELINE_KAFKA_PORT: '99999' }), /TIDELINE_KAFKA_PORT="99999"/);
  });
});

describe('reporterEnvironment (tideline up and tideline report share the reports folder)', () => {
  const stack = resolveStackSettings({ TIDELINE_HOME: '/h' }, REPO);

  it('puts the reports under TIDELINE_HOME while reporter.dataDir is left at its default', () => {
    assert.deepEqual(reporterEnvironment(stack, {}), { TIDELINE__REPORTER__DATA_DIR: '/h/reporter' });
    const [, , , reporter] = appServices({});
    assert.equal(appEnvironment(reporter!, stack, {})['TIDELINE__REPORTER__DATA_DIR'], '/h/reporter');
    // the default home is where the default `.tideline/reporter` (relative to the repository) pointed already
    assert.deepEqual(reporterEnvironment(resolveStackSettings({}, REPO), {}), {
      TIDELINE__REPORTER__DATA_DIR: '/repo/.tideline/reporter',
    });
  });

  it('keeps a reporter.dataDir set in the environment or the config file', () => {
    assert.deepEqual(reporterEnvironment(stack, { TIDELINE__REPORTER__DATA_DIR: '/srv/reports' }), {});
    const file = configFile('reporter:\n  dataDir: /srv/reports\n');
    assert.deepEqual(reporterEnvironment(stack, { TIDELINE_CONFIG: file }), {});
    assert.deepEqual(reporterEnvironment(stack, {}, ['--config', file]), {});
  });
});
