import { describe, it, after } from 'node:test';
import { dirname, join } from 'node:path';
import { configError, temporaryConfigFiles } from './testing/config-files';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { z } from 'zod';
import { DEFAULT_INFLUX_DATABASE } from '@tideline/contracts';
import { defineAppConfig } from './apps';
import { DEFAULT_HTTP_PORTS, DEFAULTS } from './defaults';
import { CONFIG_ERROR_EXIT_CODE, loadConfig, loadConfigWith } from './load-config';
import { genericEnvKeyPath, genericEnvVariable } from './env-mapping';

const files = temporaryConfigFiles('tideline-config');
const yamlFile = files.yamlFile;
after(() => files.cleanUp());

describe('loadConfig', () => {
  it('gives every service its defaults: local stack addresses and its own HTTP port', () => {
    for (const app of ['collector', 'baseline', 'anomaly', 'reporter'] as const) {
      const config = loadConfig(app, { env: {}, argv: [] });
      assert.deepEqual(config.kafka.brokers, ['127.0.0.1:19092']);
      assert.equal(config.influx.url, 'http://127.0.0.1:18086');
      assert.equal(config.influx.database, DEFAULT_INFLUX_DATABASE);
      assert.equal(config.http.port, DEFAULT_HTTP_PORTS[app]);
      assert.equal(config.log.level, 'info');
    }
    assert.deepEqual(DEFAULT_HTTP_PORTS, { collector: 8710, baseline: 8711, anomaly: 8712, reporter: 8713 });
  });

  it('maps the well-known environment variables', () => {
    const config = loadConfig('baseline', {
      argv: [],
      env: {
        KAFKA_BROKERS: '10.0.0.1:9092, 10.0.0.2:9092',
        INFLUX_URL: 'https://influx.example:8086',
        INFLUX_DATABASE: 'metrics',
        INFLUX_USERNAME: 'writer',
        INFLUX_PASSWORD: 's3cret',
        HTTP_PORT: '9001',
        LOG_LEVEL: 'debug',
      },
    });
    assert.deepEqual(config.kafka.brokers, ['10.0.0.1:9092', '10.0.0.2:9092']);
    assert.equal(config.influx.url, 'https://influx.example:8086');
    assert.equal(config.influx.database, 'metrics');
    assert.equal(config.influx.username, 'writer');
    assert.equal(config.influx.password, 's3cret');
    assert.equal(config.http.port, 9001);
    assert.equal(config.log.level, 'debug');
  });

  it('maps TIDELINE__SECTION__KEY to section.camelKey, with numbers coerced', () => {
    assert.deepEqual(genericEnvKeyPath('TIDELINE__INFLUX__TIMEOUT_MS'), ['influx', 'timeoutMs']);
    assert.equal(genericEnvVariable(['influx', 'timeoutMs']), 'TIDELINE__INFLUX__TIMEOUT_MS');
    assert.equal(genericEnvKeyPath('TIDELINE_CONFIG'), undefined);
    const config = loadConfig('reporter', {
      argv: [],
      env: { TIDELINE__INFLUX__TIMEOUT_MS: '2500', TIDELINE__KAFKA__CLIENT_ID: 'reporter-7' },
    });
    assert.equal(config.influx.timeoutMs, 2500);
    assert.equal(config.kafka.clientId, 'reporter-7');
  });

  it('layers defaults < YAML file < environment', () => {
    const path = yamlFile(
      'layers.yaml',
      'kafka:\n  brokers: [file-broker:9092]\n  clientId: from-file\ninflux:\n  database: filedb\n',
    );
    const config = loadConfig('anomaly', { argv: [], env: { TIDELINE_CONFIG: path, INFLUX_DATABASE: 'envdb' } });
    assert.deepEqual(config.kafka.brokers, ['file-broker:9092']); // file over default
    assert.equal(config.kafka.clientId, 'from-file');
    assert.equal(config.influx.database, 'envdb'); // env over file
    assert.equal(config.influx.url, DEFAULTS.influx.url); // default where neither says
  });

  it('takes the file from --config (both spellings) over TIDELINE_CONFIG', () => {
    const fromFlag = yamlFile('flag.yaml', 'http:\n  port: 9100\n');
    const fromEnv = yamlFile('env.yaml', 'http:\n  port: 9200\n');
    const env = { TIDELINE_CONFIG: fromEnv };
    assert.equal(loadConfig('collector', { env, argv: ['node', 'main.js', '--config', fromFlag] }).http.port, 9100);
    assert.equal(loadConfig('collector', { env, argv: ['node', 'main.js', `--config=${fromFlag}`] }).http.port, 9100);
    assert.equal(loadConfig('collector', { env, argv: [] }).http.port, 9200);
  });

  it('ignores empty variables and variables for sections the app does not have', () => {
    const config = loadConfig('cli', {
      argv: [],
      env: { HTTP_PORT: '1', KAFKA_BROKERS: '', TIDELINE__HTTP__PORT: '2' },
    });
    assert.deepEqual(config.kafka.brokers, ['127.0.0.1:19092']);
    assert.equal('http' in config, false);
  });

  it('reads one file for every app: a section another app reads is left to it, a section no app reads is refused', () => {
    const shared = yamlFile(
      'shared.yaml',
      'kafka:\n  clientId: shared\nalerting:\n  defaults: { sensitivity: high }\nanomaly:\n  lifecycle: { criticalScore: 0.9 }\n',
    );
    for (const app of ['collector', 'baseline', 'anomaly', 'reporter', 'cli'] as const)
      assert.equal(loadConfig(app, { argv: [], env: {}, configPath: shared }).kafka.clientId, 'shared', app);
    assert.equal(
      loadConfig('baseline', { argv: [], env: {}, configPath: shared }).alerting.defaults.sensitivity,
      'high',
    );
    assert.equal('anomaly' in loadConfig('baseline', { argv: [], env: {}, configPath: shared }), false);
    const typo = yamlFile('typo.yaml', 'alertng:\n  rules: []\n');
    const error = configError(() => loadConfig('baseline', { argv: [], env: {}, configPath: typo }));
    assert.match(error.message, /^alertng \(in .*\) is not a known key/);
  });

  it('names what took the place of a key an earlier version read (baseline.topics.alerts), instead of "not a known key"', () => {
    const older = yamlFile('older.yaml', 'baseline:\n  topics:\n    alerts: tideline.alerts.v1\n');
    const error = configError(() => loadConfig('baseline', { argv: [], env: {}, configPath: older }));
    assert.match(
      error.message,
      /^baseline\.topics\.alerts \(in .*\) was removed: the baseline service no longer writes/,
    );
  });

  it("gives the baseline service the reporter's limits, leaving the rest of the reporter section (mail, schedule) to the reporter", () => {
    const shared = yamlFile(
      'reporter-shared.yaml',
      "reporter:\n  limits: [{ metric: 'disk.*', hosts: 'db-*', limit: 90 }]\n  smtp: { host: mail.internal }\n  schedule: { cron: '0 6 * * 1' }\n",
    );
    const baseline = loadConfig('baseline', { argv: [], env: {}, configPath: shared });
    assert.deepEqual(baseline.reporter.limits, [{ metric: 'disk.*', hosts: 'db-*', limit: 90, kind: 'capacity' }]);
    assert.equal(loadConfig('reporter', { argv: [], env: {}, configPath: shared }).reporter.limits[0]!.limit, 90);
    const defaults = loadConfig('baseline', { argv: [], env: {} });
    assert.deepEqual(
      defaults.reporter.limits.map((l) => l.metric),
      ['disk.used_percent', 'mem.used_percent'],
    );
    const bad = yamlFile('reporter-bad.yaml', "reporter:\n  limits: [{ metric: 'disk.*', limit: 'full' }]\n");
    assert.match(
      configError(() => loadConfig('baseline', { argv: [], env: {}, configPath: bad })).message,
      /^reporter\.limits\[0\]\.limit .* is invalid/,
    );
  });

  it('never repeats a password in an error: URL credentials are masked, secret keys not shown', () => {
    const url = configError(() =>
      loadConfig('baseline', { argv: [], env: { INFLUX_URL: 'ftp://admin:hunter2@influx.internal:8086' } }),
    );
    assert.doesNotMatch(url.message, /hunter2/);
    assert.match(url.message, /ftp:\/\/\*\*\*@influx\.internal/);
    const secret = configError(() =>
      loadConfig('anomaly', {
        argv: [],
        env: {},
        configPath: yamlFile('secret.yaml', 'anomaly:\n  webhooks:\n    - { name: a, url: "http://x", secret: 42 }\n'),
      }),
    );
    assert.doesNotMatch(secret.message, /42/);
    assert.match(secret.message, /a secret, not shown/);
  });

  it('rejects a non-numeric port naming the env variable, the key and the allowed range', () => {
    const error = configError(() => loadConfig('collector', { argv: [], env: { HTTP_PORT: 'eighty' } }));
    assert.equal(error.key, 'http.port');
    assert.match(error.message, /^http\.port \(env HTTP_PORT\) is invalid: got "eighty"/);
    assert.match(error.message, /allowed: an integer port 1-65535/);
  });

  it('rejects an unknown log level listing the allowed levels', () => {
    const error = configError(() => loadConfig('reporter', { argv: [], env: { LOG_LEVEL: 'loud' } }));
    assert.equal(error.key, 'log.level');
    assert.match(error.message, /env LOG_LEVEL/);
    assert.match(error.message, /allowed: one of fatal, error, warn, info, debug, trace/);
  });

  it('rejects an empty broker list and a broker without a port', () => {
    const empty = configError(() => loadConfig('collector', { argv: [], env: { KAFKA_BROKERS: ' , ' } }));
    assert.equal(empty.key, 'kafka.brokers');
    assert.match(empty.message, /env KAFKA_BROKERS.*at least one broker/);
    const noPort = configError(() => loadConfig('collector', { argv: [], env: { KAFKA_BROKERS: 'kafka-1' } }));
    assert.equal(noPort.key, 'kafka.brokers');
    assert.match(noPort.message, /got "kafka-1".*host:port/);
  });

  it('names the file when a bad value comes from it', () => {
    const path = yamlFile('bad-url.yaml', 'influx:\n  url: ftp://nowhere\n');
    const error = configError(() => loadConfig('baseline', { argv: [], env: {}, configPath: path }));
    assert.equal(error.key, 'influx.url');
    assert.ok(error.message.includes(`(in ${path})`), error.message);
    assert.match(error.message, /allowed: an http\(s\) URL/);
  });

  it('rejects a key left empty in the file as required, saying where else to set it', () => {
    const path = yamlFile('empty-url.yaml', 'influx:\n  url:\n');
    const error = configError(() => loadConfig('baseline', { argv: [], env: {}, configPath: path }));
    assert.equal(error.key, 'influx.url');
    assert.match(error.message, /is required/);
  });

  it('reports a missing required key with the env variable that sets it', () => {
    const schema = defineAppConfig({ alerts: z.object({ webhookUrl: z.url().describe('an http(s) URL') }).strict() });
    const error = configError(() => loadConfigWith(schema, { argv: [], env: {} }));
    assert.equal(error.key, 'alerts.webhookUrl');
    assert.equal(
      error.message,
      'alerts.webhookUrl (set it in the config file, or env TIDELINE__ALERTS__WEBHOOK_URL) is required; allowed: an http(s) URL',
    );
  });

  it('rejects a misspelt key in the file or env listing the known keys', () => {
    const path = yamlFile('typo.yaml', 'kafka:\n  broker: [a:1]\n');
    const error = configError(() => loadConfig('collector', { argv: [], env: {}, configPath: path }));
    assert.equal(error.key, 'kafka.broker');
    assert.match(error.message, /is not a known key; allowed: keys brokers, clientId/);
    const fromEnv = configError(() => loadConfig('collector', { argv: [], env: { TIDELINE__KAFKA__BROKER: 'a:1' } }));
    assert.match(fromEnv.message, /^kafka\.broker \(env TIDELINE__KAFKA__BROKER\) is not a known key/);
  });

  it('reports an unreadable or malformed file naming it', () => {
    const missing = join(dirname(yamlFile('present.yaml', '')), 'missing.yaml');
    assert.match(
      configError(() => loadConfig('collector', { argv: [], env: { TIDELINE_CONFIG: missing } })).message,
      /missing\.yaml.*TIDELINE_CONFIG.*ENOENT/,
    );
    const broken = yamlFile('broken.yaml', 'kafka: [unclosed\n');
    assert.match(
      configError(() => loadConfig('collector', { argv: [], env: {}, configPath: broken })).message,
      /not valid YAML/,
    );
    const list = yamlFile('list.yaml', '- a\n- b\n');
    assert.match(
      configError(() => loadConfig('collector', { argv: [], env: {}, configPath: list })).message,
      /must be a YAML mapping/,
    );
  });
});

describe('loadConfigOrExit', () => {
  const script = `require(${JSON.stringify(join(__dirname, '..', 'dist', 'index.js'))}).loadConfigOrExit('collector'); console.log('started');`;
  const run = (env: Record<string, string>, args: string[] = []) =>
    spawnSync(process.execPath, ['-e', script, '--', ...args], {
      env: { PATH: process.env['PATH'] ?? '', ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('starts with a valid config', () => {
    const child = run({});
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout.trim(), 'started');
  });

  it('exits non-zero naming the key when a value is invalid', () => {
    const child = run({ HTTP_PORT: '99999' });
    assert.equal(child.status, CONFIG_ERROR_EXIT_CODE);
    assert.equal(child.stdout, '', 'the app must not start');
    assert.match(child.stderr, /tideline collector: invalid configuration: http\.port \(env HTTP_PORT\) is invalid/);
    assert.match(child.stderr, /allowed: an integer port 1-65535/);
  });

  it('exits non-zero naming the key when a required key is missing from the --config file', () => {
    const path = yamlFile('missing-brokers.yaml', 'kafka:\n  brokers:\n');
    const child = run({}, ['--config', path]);
    assert.equal(child.status, CONFIG_ERROR_EXIT_CODE);
    assert.match(child.stderr, /kafka\.brokers \(in .*missing-brokers\.yaml\) is required/);
  });
});
