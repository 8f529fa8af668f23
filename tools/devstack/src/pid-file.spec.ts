import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { cmdlineMatches, isOurProcess, ownedPid, parsePidFile, parseProcStat, writePidFile } from './pid-file';

describe('parsePidFile', () => {
  it('reads a positive integer, ignoring surrounding whitespace', () => {
    assert.equal(parsePidFile('1234\n'), 1234);
    assert.equal(parsePidFile('  42  '), 42);
  });

  for (const bad of ['', 'abc', '0', '-5', '12 34', '1.5', '99999999999999999999']) {
    it(`treats ${JSON.stringify(bad)} as no pid`, () => assert.equal(parsePidFile(bad), undefined));
  }
});

describe('cmdlineMatches', () => {
  const cmdline = ['/usr/bin/java', '-cp', '/h/kafka-libs/*', 'kafka.Kafka', '/h/kafka/server.properties', ''].join(
    '\0',
  );

  it('finds the marker in the NUL-separated arguments', () => {
    assert.equal(cmdlineMatches(cmdline, '/h/kafka/server.properties'), true);
  });

  it('does not match another stack home, an empty cmdline (zombie, kernel thread) or an empty marker', () => {
    assert.equal(cmdlineMatches(cmdline, '/other/kafka/server.properties'), false);
    assert.equal(cmdlineMatches('', '/h/kafka/server.properties'), false);
    assert.equal(cmdlineMatches(cmdline, ''), false);
  });
});

describe('parseProcStat', () => {
  it('reads the state after the last ")" even when the process name contains spaces and parentheses', () => {
    assert.equal(parseProcStat('1234 (java) S 1 1234 1234 0 -1'), 'running');
    assert.equal(parseProcStat('77 (my (odd) name) R 1 77'), 'running');
  });

  it('reports zombies and dead processes as such, and garbage as gone', () => {
    assert.equal(parseProcStat('1234 (java) Z 1 1234'), 'zombie');
    assert.equal(parseProcStat('1234 (java) X 1 1234'), 'zombie');
    assert.equal(parseProcStat('garbage'), 'gone');
  });
});

describe('ownedPid', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tideline-pid-'));
  const sleeper = spawn('sleep', ['300'], { stdio: 'ignore' });
  after(() => {
    sleeper.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a pid whose command line carries the marker', () => {
    const file = path.join(dir, 'ok.pid');
    writePidFile(file, sleeper.pid as number);
    assert.equal(ownedPid(file, 'sleep'), sleeper.pid);
  });

  it('ignores a live pid that belongs to some other program (a stale, reused pid)', () => {
    const file = path.join(dir, 'stale.pid');
    writePidFile(file, sleeper.pid as number);
    assert.equal(ownedPid(file, '/h/kafka/server.properties'), undefined);
    assert.equal(isOurProcess(sleeper.pid as number, '/h/kafka/server.properties'), false);
  });

  it('ignores a pid that no longer exists and a missing or garbled pid file', () => {
    const gone = path.join(dir, 'gone.pid');
    fs.writeFileSync(gone, '999999999\n');
    assert.equal(ownedPid(gone, 'sleep'), undefined);
    const garbled = path.join(dir, 'garbled.pid');
    fs.writeFileSync(garbled, 'not a pid');
    assert.equal(ownedPid(garbled, 'sleep'), undefined);
    assert.equal(ownedPid(path.join(dir, 'missing.pid'), 'sleep'), undefined);
  });
});
