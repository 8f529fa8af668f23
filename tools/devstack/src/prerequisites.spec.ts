import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  checkInfluxdInstallable,
  findExecutable,
  parseJavaMajorVersion,
  PrerequisiteError,
  requireJava17,
  requireMaven,
} from './prerequisites';

describe('parseJavaMajorVersion', () => {
  const cases: [string, number][] = [
    ['openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment (build 17.0.15+6-Debian-1deb12u1)', 17],
    ['java version "1.8.0_292"\nJava(TM) SE Runtime Environment', 8],
    ['openjdk version "11.0.2" 2019-01-15', 11],
    ['openjdk version "21" 2023-09-19', 21],
    ['openjdk version "25-ea" 2025-09-16', 25],
  ];
  for (const [output, major] of cases) {
    it(`reads Java ${major} from ${JSON.stringify(output.split('\n')[0])}`, () => {
      assert.equal(parseJavaMajorVersion(output), major);
    });
  }

  it('returns undefined when there is no version string', () => {
    assert.equal(parseJavaMajorVersion('bash: java: command not found'), undefined);
  });
});

describe('tool checks', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tideline-prereq-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function fakeTool(name: string, script: string): void {
    fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  }

  it('finds an executable on PATH and skips a non-executable file of the same name', () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'tideline-prereq-'));
    fs.writeFileSync(path.join(other, 'tool-x'), 'not executable', { mode: 0o644 });
    fakeTool('tool-x', 'exit 0');
    assert.equal(findExecutable('tool-x', { PATH: `${other}:${dir}` }), path.join(dir, 'tool-x'));
    assert.equal(findExecutable('tool-y', { PATH: dir }), undefined);
    fs.rmSync(other, { recursive: true, force: true });
  });

  it('rejects Java 11 saying that 17 is needed and how to install it', () => {
    fakeTool('java', 'echo \'openjdk version "11.0.2" 2019-01-15\' >&2');
    assert.throws(
      () => requireJava17({ PATH: dir }),
      (error: unknown) =>
        error instanceof PrerequisiteError &&
        /Java 17 or newer/.test(error.message) &&
        /openjdk-17/.test(error.message),
    );
  });

  it('accepts Java 17 and prefers JAVA_HOME over PATH', () => {
    const javaHome = fs.mkdtempSync(path.join(os.tmpdir(), 'tideline-jdk-'));
    fs.mkdirSync(path.join(javaHome, 'bin'));
    fs.writeFileSync(path.join(javaHome, 'bin', 'java'), '#!/bin/sh\necho \'openjdk version "17.0.15"\' >&2\n', {
      mode: 0o755,
    });
    assert.equal(requireJava17({ PATH: dir, JAVA_HOME: javaHome }), path.join(javaHome, 'bin', 'java'));
    fs.rmSync(javaHome, { recursive: true, force: true });
  });

  it('says to install Java, Maven, or InfluxDB when they are missing', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'tideline-empty-'));
    assert.throws(() => requireJava17({ PATH: empty }), /Java was not found: install a Java 17\+ runtime/);
    assert.throws(() => requireMaven({ PATH: empty }), /Maven \(mvn\) was not found: install Maven/);
    if (!fs.existsSync('/usr/bin/influxd')) {
      assert.throws(() => checkInfluxdInstallable({ PATH: empty }), /influxd\) was not found: install InfluxDB 1\.x/);
    }
    fs.rmSync(empty, { recursive: true, force: true });
  });
});
