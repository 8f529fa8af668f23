import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { lastRun, parseTimeoutSeconds, timeoutSecondsOption } from './console-output';

describe('console output', () => {
  it('shows only the log lines of the last start, not those of earlier runs', () => {
    const lines = [
      '--- 2026-11-27T05:35:44.894Z starting: node apps/collector/dist/main.js',
      'old line',
      '--- 2026-11-27T05:36:08.423Z starting: node apps/collector/dist/main.js',
      'invalid configuration: log.level',
    ];
    assert.deepEqual(lastRun(lines), lines.slice(2));
    assert.deepEqual(lastRun(['no marker']), ['no marker']);
  });

  it('reads --timeout in seconds and rejects what is not a positive number', () => {
    assert.equal(parseTimeoutSeconds('90'), 90_000);
    assert.equal(parseTimeoutSeconds('0.5'), 500);
    assert.throws(() => parseTimeoutSeconds('0'), /positive number of seconds/);
    assert.throws(() => parseTimeoutSeconds('soon'), /positive number of seconds/);
  });

  it('shows the --timeout default in seconds in --help (it showed 60000) and parses seconds to ms', () => {
    const command = new Command('up').addOption(timeoutSecondsOption('how long to wait', 60_000)).exitOverride();
    assert.match(command.helpInformation(), /--timeout <seconds>\s+how long to wait \(default: 60\)/);
    command.parse(['--timeout', '90'], { from: 'user' });
    assert.equal(command.opts()['timeout'], 90_000);
    assert.equal(
      new Command('up').addOption(timeoutSecondsOption('x', 60_000)).parse([], { from: 'user' }).opts()['timeout'],
      60_000,
    );
  });
});
