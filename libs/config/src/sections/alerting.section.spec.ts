import { describe, it, after } from 'node:test';
import { configError, temporaryConfigFiles } from '../testing/config-files';
import assert from 'node:assert/strict';
import { compileAlertRules } from '../alert-rules';
import { loadConfig } from '../load-config';
import { ALERT_POLICY_DEFAULTS } from './alerting.section';

const files = temporaryConfigFiles('tideline-alerting');
const yamlFile = files.yamlFile;
after(() => files.cleanUp());

const RULES_YAML = `alerting:
  defaults: { minDurationMs: 60000 }
  rules:
    - name: disks
      match: { metric: 'disk.*', host: 'db-*', tags: { mount: '/var*' } }
      sensitivity: high
      upper: 90
      lower: 5
      severity: critical
    - match: {}
      mute: true
`;

describe('the alerting section', () => {
  it('is in the baseline and the anomaly configs, read from the file, with the same rules in both', () => {
    const path = yamlFile('rules.yaml', RULES_YAML);
    for (const app of ['baseline', 'anomaly'] as const) {
      const config = loadConfig(app, { argv: [], env: {}, configPath: path });
      const rules = compileAlertRules(config.alerting);
      assert.deepEqual(rules.resolve({ metric: 'disk.used', host: 'db-2', tags: { mount: '/var/lib' } }), {
        rule: 'disks',
        sensitivity: 'high',
        upper: 90,
        lower: 5,
        minDurationMs: 60_000,
        clearDurationMs: 0,
        severity: 'critical',
        criticalBeyondBand: 2,
        criticalAfterMs: 1_800_000,
        mute: false,
      });
      assert.equal(rules.resolve({ metric: 'cpu.total', host: 'db-2', tags: {} }).rule, 'rules[1]');
    }
  });

  it('defaults to no rules and the built-in defaults when the config says nothing', () => {
    for (const app of ['baseline', 'anomaly'] as const) {
      const { alerting } = loadConfig(app, { argv: [], env: {} });
      assert.deepEqual(alerting.rules, []);
      assert.deepEqual(compileAlertRules(alerting).resolve({ metric: 'cpu.total', host: 'h', tags: {} }), {
        rule: 'default',
        ...ALERT_POLICY_DEFAULTS,
        mute: false,
      });
    }
  });

  it('rejects a bad sensitivity in the second rule naming alerting.rules[1].sensitivity, the rule and the file', () => {
    const path = yamlFile(
      'bad-sensitivity.yaml',
      "alerting:\n  rules:\n    - match: { metric: 'cpu.*' }\n    - name: disks\n      match: { metric: 'disk.*' }\n      sensitivity: extreme\n",
    );
    const error = configError(() => loadConfig('anomaly', { argv: [], env: {}, configPath: path }));
    assert.equal(error.key, 'alerting.rules.sensitivity');
    assert.ok(
      error.message.startsWith(
        `alerting.rules[1].sensitivity (rules[1] is "disks"; in ${path}) is invalid: got "extreme"`,
      ),
      error.message,
    );
    assert.match(error.message, /allowed: low, medium, high, or a number in \(0, 1\]$/);
  });

  it('rejects a criticalBeyondBand of 0 naming the rule and the key, and a fractional criticalAfterMs', () => {
    const path = yamlFile(
      'bad-critical.yaml',
      "alerting:\n  rules:\n    - name: disks\n      match: { metric: 'disk.*' }\n      criticalBeyondBand: 0\n",
    );
    const error = configError(() => loadConfig('anomaly', { argv: [], env: {}, configPath: path }));
    assert.ok(
      error.message.startsWith(`alerting.rules[0].criticalBeyondBand (rules[0] is "disks"; in ${path}) is invalid`),
      error.message,
    );
    const late = yamlFile('bad-after.yaml', 'alerting:\n  defaults:\n    criticalAfterMs: 1.5\n');
    const after = configError(() => loadConfig('anomaly', { argv: [], env: {}, configPath: late }));
    assert.match(after.message, /^alerting\.defaults\.criticalAfterMs/);
  });

  it('rejects a sensitivity of 0 and above 1', () => {
    for (const sensitivity of [0, 1.5]) {
      const path = yamlFile('range.yaml', `alerting:\n  rules:\n    - match: {}\n      sensitivity: ${sensitivity}\n`);
      const error = configError(() => loadConfig('baseline', { argv: [], env: {}, configPath: path }));
      assert.match(error.message, /^alerting\.rules\[0\]\.sensitivity \(in .*\) is invalid/);
    }
  });

  it('rejects lower >= upper naming the rule', () => {
    const path = yamlFile(
      'limits.yaml',
      'alerting:\n  rules:\n    - name: disks\n      match: {}\n      upper: 5\n      lower: 5\n',
    );
    const error = configError(() => loadConfig('baseline', { argv: [], env: {}, configPath: path }));
    assert.match(
      error.message,
      /^alerting\.rules\[0\]\.lower \(rules\[0\] is "disks"; in .*limits\.yaml\) is invalid: got 5 \(must be below upper \(5\)\)/,
    );
  });

  it('rejects an unknown key in a rule or its match, listing the known keys', () => {
    const typo = yamlFile('typo.yaml', 'alerting:\n  rules:\n    - match: {}\n      sensitivty: high\n');
    const error = configError(() => loadConfig('anomaly', { argv: [], env: {}, configPath: typo }));
    assert.match(
      error.message,
      /^alerting\.rules\[0\]\.sensitivty \(in .*\) is not a known key; allowed: keys name, match,/,
    );
    const inMatch = yamlFile('typo-match.yaml', "alerting:\n  rules:\n    - match: { metrics: 'cpu.*' }\n");
    assert.match(
      configError(() => loadConfig('anomaly', { argv: [], env: {}, configPath: inMatch })).message,
      /^alerting\.rules\[0\]\.match\.metrics \(in .*\) is not a known key; allowed: keys metric, host, tags/,
    );
  });

  it('requires a match in every rule', () => {
    const path = yamlFile('no-match.yaml', 'alerting:\n  rules:\n    - name: loose\n      sensitivity: low\n');
    const error = configError(() => loadConfig('anomaly', { argv: [], env: {}, configPath: path }));
    assert.match(error.message, /^alerting\.rules\[0\]\.match \(rules\[0\] is "loose"; in .*\) is required/);
  });

  it('refuses a sensitivity in anomaly.lifecycle (it moved to alerting, which both services read)', () => {
    const path = yamlFile('old.yaml', 'anomaly:\n  lifecycle:\n    sensitivity: high\n    criticalScore: 0.9\n');
    const error = configError(() => loadConfig('anomaly', { argv: [], env: {}, configPath: path }));
    assert.match(
      error.message,
      /^anomaly\.lifecycle\.sensitivity \(in .*\) was removed: sensitivity is set once for both services in alerting\.defaults\.sensitivity .*; allowed: keys criticalScore/,
    );
  });

  it('sets the defaults from the environment, a numeric sensitivity as a number', () => {
    const config = loadConfig('baseline', {
      argv: [],
      env: { TIDELINE__ALERTING__DEFAULTS__SENSITIVITY: '0.7', TIDELINE__ALERTING__DEFAULTS__SEVERITY: 'warning' },
    });
    assert.equal(config.alerting.defaults.sensitivity, 0.7);
    assert.equal(config.alerting.defaults.severity, 'warning');
    const named = loadConfig('baseline', { argv: [], env: { TIDELINE__ALERTING__DEFAULTS__SENSITIVITY: 'high' } });
    assert.equal(named.alerting.defaults.sensitivity, 'high');
  });
});
