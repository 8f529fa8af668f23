import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '@tideline/config';
import { findExecutable, findRepoRoot } from '@tideline/devstack';

/** The units of deploy/systemd this test holds (the collector's has its own, beside its package). */
const APPS = ['baseline', 'anomaly', 'reporter'] as const;
const repoRoot = findRepoRoot();
const unitsDir = path.join(repoRoot, 'deploy', 'systemd');

/** A unit file as `section.key → values` (a key may repeat); comments and blank lines dropped. */
function parseUnit(text: string): Map<string, string[]> {
  const entries = new Map<string, string[]>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      continue;
    }
    const at = line.indexOf('=');
    assert.ok(at > 0 && section !== '', `not a key=value line in a section: ${line}`);
    const key = `${section}.${line.slice(0, at)}`;
    entries.set(key, [...(entries.get(key) ?? []), line.slice(at + 1)]);
  }
  return entries;
}

/** An environment file as variables (systemd's EnvironmentFile: KEY=value lines, # comments). */
function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const at = line.indexOf('=');
    assert.ok(at > 0, `not a KEY=value line: ${line}`);
    env[line.slice(0, at)] = line.slice(at + 1);
  }
  return env;
}

describe('deploy/systemd units', () => {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'tideline-units-'));
  after(() => fs.rmSync(temp, { recursive: true, force: true }));

  for (const app of APPS) {
    const unitFile = path.join(unitsDir, `tideline-${app}.service`);

    it(`tideline-${app}.service runs apps/${app}/dist/main.js as a hardened service that restarts on failure`, () => {
      const unit = parseUnit(fs.readFileSync(unitFile, 'utf8'));
      const one = (key: string) => {
        const values = unit.get(key);
        assert.equal(values?.length, 1, `${key} is set once`);
        return values[0];
      };
      assert.equal(one('Service.ExecStart'), `/usr/bin/node /opt/tideline/apps/${app}/dist/main.js`);
      assert.ok(fs.existsSync(path.join(repoRoot, 'apps', app, 'src', 'main.ts')));
      assert.equal(one('Service.EnvironmentFile'), `/etc/tideline/${app}.env`);
      assert.equal(one('Service.DynamicUser'), 'yes', 'a dedicated user');
      assert.equal(one('Service.ProtectSystem'), 'strict');
      assert.equal(one('Service.NoNewPrivileges'), 'yes');
      assert.equal(one('Service.Restart'), 'on-failure');
      assert.equal(one('Service.RestartPreventExitStatus'), '78', 'a bad config is not restarted');
      assert.equal(one('Service.CapabilityBoundingSet'), '');
      assert.equal(one('Install.WantedBy'), 'multi-user.target');
      if (app === 'reporter') {
        assert.equal(one('Service.StateDirectory'), 'tideline-reporter');
        assert.equal(one('Service.Environment'), 'TIDELINE__REPORTER__DATA_DIR=/var/lib/tideline-reporter');
      }
    });

    it(`tideline-${app}.env is a valid config of the ${app} service as it is`, () => {
      const env = parseEnvFile(fs.readFileSync(path.join(unitsDir, `tideline-${app}.env`), 'utf8'));
      assert.ok(env['KAFKA_BROKERS'], 'names the brokers');
      const config = loadConfig(app, { argv: [], env });
      assert.deepEqual(config.kafka.brokers, env['KAFKA_BROKERS']!.split(','));
    });
  }

  const systemdAnalyze = findExecutable('systemd-analyze', process.env);
  it(`passes systemd-analyze verify without a warning and rates "OK" on systemd-analyze security (${
    systemdAnalyze === undefined ? 'not installed: the parse checks above stand alone' : systemdAnalyze
  })`, () => {
    if (systemdAnalyze === undefined) return;
    for (const app of APPS) {
      // verify checks that ExecStart's program exists: point it at this Node.js; the rest is the unit as shipped
      const copy = path.join(temp, `tideline-${app}.service`);
      const text = fs.readFileSync(path.join(unitsDir, `tideline-${app}.service`), 'utf8');
      fs.writeFileSync(copy, text.replace('ExecStart=/usr/bin/node ', `ExecStart=${process.execPath} `));
      const verify: SpawnSyncReturns<string> = spawnSync(systemdAnalyze, ['verify', copy], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.equal(verify.status, 0, `${app}: ${verify.stderr}`);
      assert.equal(verify.stderr.trim(), '', `systemd-analyze verify warned about tideline-${app}.service`);
      const security: SpawnSyncReturns<string> = spawnSync(systemdAnalyze, ['security', '--offline=yes', copy], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      const level = /Overall exposure level for .*: (\d+(?:\.\d+)?) (\w+)/.exec(security.stdout);
      assert.ok(level, `no exposure level in: ${security.stdout}${security.stderr}`);
      assert.ok(Number(level[1]) <= 2, `${app}: exposure ${level[1]} ${level[2]}, expected at most 2.0 (OK)`);
    }
  });
});
