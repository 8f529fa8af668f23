import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  SELF_MONITORING_ALERT_POLICY,
  compileAlertRules,
  compileGlob,
  effectiveAlertDefaults,
  type AlertSeries,
} from './alert-rules';
import { alertingSectionSchema, type AlertingSection } from './sections/alerting.section';

/** A section as the config loader hands it over: parsed by the section's schema. */
function section(input: unknown): AlertingSection {
  return alertingSectionSchema.parse(input);
}

function series(metric: string, host = 'web-1', tags: Record<string, string> = {}): AlertSeries {
  return { metric, host, tags };
}

describe('compileAlertRules', () => {
  it('gives a series no rule matches the built-in defaults under the name "default"', () => {
    const rules = compileAlertRules(section({}));
    assert.deepEqual(rules.resolve(series('cpu.total')), {
      rule: 'default',
      sensitivity: 'medium',
      minDurationMs: 0,
      clearDurationMs: 0,
      severity: 'auto',
      criticalBeyondBand: 2,
      criticalAfterMs: 1_800_000,
      mute: false,
    });
  });

  it('applies the first matching rule, not a later and more specific one', () => {
    const rules = compileAlertRules(
      section({
        rules: [
          { name: 'all-disks', match: { metric: 'disk.*' }, sensitivity: 'low' },
          { name: 'db-disks', match: { metric: 'disk.*', host: 'db-*' }, sensitivity: 'high' },
        ],
      }),
    );
    const policy = rules.resolve(series('disk.used_percent', 'db-1'));
    assert.equal(policy.rule, 'all-disks');
    assert.equal(policy.sensitivity, 'low');
  });

  it('matches a rule with only a metric glob whatever the host and tags', () => {
    const rules = compileAlertRules(section({ rules: [{ match: { metric: 'mem.*' }, upper: 95 }] }));
    for (const s of [series('mem.used', 'web-1'), series('mem.used', 'db-7', { region: 'eu' })]) {
      const policy = rules.resolve(s);
      assert.equal(policy.rule, 'rules[0]', 'an unnamed rule is named by its position');
      assert.equal(policy.upper, 95);
    }
    assert.equal(rules.resolve(series('cpu.total')).rule, 'default');
  });

  it('requires every tag glob to match, and a series without the tag does not match', () => {
    const rules = compileAlertRules(
      section({ rules: [{ name: 'var', match: { tags: { mount: '/var*', fs: 'ext?' } }, severity: 'critical' }] }),
    );
    assert.equal(rules.resolve(series('disk.used', 'db-1', { mount: '/var/lib', fs: 'ext4' })).rule, 'var');
    assert.equal(rules.resolve(series('disk.used', 'db-1', { mount: '/var', fs: 'ext4' })).rule, 'var');
    assert.equal(rules.resolve(series('disk.used', 'db-1', { mount: '/home', fs: 'ext4' })).rule, 'default');
    assert.equal(rules.resolve(series('disk.used', 'db-1', { mount: '/var', fs: 'xfs' })).rule, 'default');
    assert.equal(rules.resolve(series('disk.used', 'db-1', { mount: '/var/lib' })).rule, 'default');
  });

  it('matches every series with an empty match', () => {
    const rules = compileAlertRules(section({ rules: [{ name: 'everything', match: {}, mute: true }] }));
    const policy = rules.resolve(series('anything', 'anywhere', { a: 'b' }));
    assert.equal(policy.rule, 'everything');
    assert.equal(policy.mute, true);
  });

  it("fills a rule's missing keys from alerting.defaults, and the defaults' missing keys from the built-ins", () => {
    const rules = compileAlertRules(
      section({
        defaults: { sensitivity: 0.7, minDurationMs: 60_000 },
        rules: [{ name: 'disks', match: { metric: 'disk.*' }, clearDurationMs: 120_000, lower: 5 }],
      }),
    );
    assert.deepEqual(rules.resolve(series('disk.free')), {
      rule: 'disks',
      sensitivity: 0.7,
      lower: 5,
      minDurationMs: 60_000,
      clearDurationMs: 120_000,
      severity: 'auto',
      criticalBeyondBand: 2,
      criticalAfterMs: 1_800_000,
      mute: false,
    });
    assert.deepEqual(rules.resolve(series('cpu.total')), {
      rule: 'default',
      sensitivity: 0.7,
      minDurationMs: 60_000,
      clearDurationMs: 0,
      severity: 'auto',
      criticalBeyondBand: 2,
      criticalAfterMs: 1_800_000,
      mute: false,
    });
  });

  it('takes criticalBeyondBand and criticalAfterMs per rule, else from alerting.defaults', () => {
    const rules = compileAlertRules(
      section({
        defaults: { criticalAfterMs: 600_000 },
        rules: [{ name: 'disks', match: { metric: 'disk.*' }, criticalBeyondBand: 3, criticalAfterMs: 0 }],
      }),
    );
    const disks = rules.resolve(series('disk.free'));
    assert.deepEqual([disks.criticalBeyondBand, disks.criticalAfterMs], [3, 0]);
    const other = rules.resolve(series('cpu.total'));
    assert.deepEqual([other.criticalBeyondBand, other.criticalAfterMs], [2, 600_000]);
  });

  it('returns the same policy object for every series of a rule (built once, at compile time)', () => {
    const rules = compileAlertRules(section({ rules: [{ match: { metric: 'disk.*' } }] }));
    assert.equal(rules.resolve(series('disk.a')), rules.resolve(series('disk.b')));
    assert.equal(rules.resolve(series('cpu.a')), rules.resolve(series('cpu.b')));
    assert.ok(Object.isFrozen(rules.resolve(series('disk.a'))));
  });
});

describe('the self-monitoring policy', () => {
  it('applies to every tideline.* series before any rule, so a catch-all rule or defaults cannot mute or soften it', () => {
    const rules = compileAlertRules(
      section({
        defaults: { severity: 'info', minDurationMs: 600_000 },
        rules: [{ name: 'all', match: { metric: '*' }, mute: true, severity: 'warning' }],
      }),
    );
    const policy = rules.resolve(series('tideline.cardinality_exceeded', 'web-1', { service: 'baseline' }));
    assert.equal(policy, SELF_MONITORING_ALERT_POLICY);
    assert.equal(policy.severity, 'critical');
    assert.equal(policy.mute, false);
    assert.equal(policy.upper, 0);
    assert.equal(rules.resolve(series('tidelinex.cpu')).rule, 'all');
  });
});

describe('compileGlob', () => {
  it('treats regex specials literally: cpu.total does not match cpuXtotal', () => {
    assert.equal(compileGlob('cpu.total')('cpu.total'), true);
    assert.equal(compileGlob('cpu.total')('cpuXtotal'), false);
    assert.equal(compileGlob('cpu.*')('cpuXtotal'), false);
    assert.equal(compileGlob('cpu.*')('cpu.total'), true);
    for (const literal of ['a+b', '(x)|y', '[ab]', 'a{2}', '^$', 'a\\d', '/var/*/log']) {
      const withStar = `${literal}*`;
      assert.equal(compileGlob(withStar)(`${literal}-tail`), true, withStar);
    }
    assert.equal(compileGlob('a+b*')('aab'), false);
    assert.equal(compileGlob('[ab]*')('a'), false);
    assert.equal(compileGlob('(x)|y*')('y'), false);
  });

  it('matches the whole string: * any run (also none), ? exactly one character', () => {
    const disk = compileGlob('disk.*');
    assert.equal(disk('disk.'), true);
    assert.equal(disk('xdisk.used'), false);
    assert.equal(compileGlob('disk')('disk.used'), false);
    const oneChar = compileGlob('db-?');
    assert.equal(oneChar('db-1'), true);
    assert.equal(oneChar('db-'), false);
    assert.equal(oneChar('db-12'), false);
    assert.equal(oneChar('db-é'), true);
    assert.equal(compileGlob('*')(''), true);
    assert.equal(compileGlob('a*b*c')('a-x-b-y-c'), true);
    assert.equal(compileGlob('a*b*c')('a-x-c'), false);
  });
});

describe('effectiveAlertDefaults', () => {
  it('takes each key from alerting.defaults, else the built-in default', () => {
    assert.deepEqual(effectiveAlertDefaults({ minDurationMs: 5, sensitivity: 'high' }), {
      sensitivity: 'high',
      minDurationMs: 5,
      clearDurationMs: 0,
      severity: 'auto',
      criticalBeyondBand: 2,
      criticalAfterMs: 1_800_000,
    });
    assert.deepEqual(effectiveAlertDefaults({}), {
      sensitivity: 'medium',
      minDurationMs: 0,
      clearDurationMs: 0,
      severity: 'auto',
      criticalBeyondBand: 2,
      criticalAfterMs: 1_800_000,
    });
  });
});
