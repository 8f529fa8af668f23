import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDownResult, formatDuration, formatStatus, formatUpResult, upJson, upSucceeded } from './report';

describe('report', () => {
  it('formats durations in ms below a second and in tenths of seconds above', () => {
    assert.equal(formatDuration(850), '850 ms');
    assert.equal(formatDuration(7_440), '7.4 s');
  });

  it('names the failed component, the reason and the log file', () => {
    const lines = formatUpResult(
      { name: 'kafka', outcome: 'failed', reason: 'not ready after 60 s', logFile: '/h/run/kafka.log' },
      '127.0.0.1:19092',
    );
    assert.match(lines[0] ?? '', /^kafka\s+FAILED: not ready after 60 s$/);
    assert.match(lines[1] ?? '', /log: \/h\/run\/kafka\.log$/);
  });

  it('leaves out the log file when the failure came before anything was started', () => {
    const result = {
      name: 'kafka',
      outcome: 'failed',
      reason: 'Java was not found',
      logFile: '/h/run/kafka.log',
    } as const;
    assert.equal(formatUpResult(result, 'a', false).length, 1);
  });

  it('says when a server was already answering and is left alone', () => {
    const [line] = formatUpResult(
      { name: 'influxdb', outcome: 'external', detail: 'HTTP 204' },
      'http://127.0.0.1:18086',
    );
    assert.match(line ?? '', /not started by tideline/);
  });

  it('reports down outcomes and status states', () => {
    assert.equal(
      formatDownResult({ name: 'kafka', outcome: 'stopped', pid: 12, ms: 2_300 }),
      'kafka      stopped (pid 12) in 2.3 s',
    );
    assert.match(formatDownResult({ name: 'kafka', outcome: 'external' }), /left running/);
    const [stopped] = formatStatus({
      name: 'kafka',
      address: 'a',
      healthy: false,
      detail: 'connection refused',
      logFile: 'l',
    });
    assert.match(stopped ?? '', /^kafka\s+stopped\s+a\s+connection refused$/);
    const [unhealthy] = formatStatus({
      name: 'kafka',
      address: 'a',
      healthy: false,
      pid: 3,
      detail: 'd',
      logFile: 'l',
    });
    assert.match(unhealthy ?? '', /UNHEALTHY/);
  });

  it('lists in JSON exactly the components this call started', () => {
    const results = [
      { name: 'kafka', outcome: 'started', pid: 1, ms: 5, detail: '' },
      { name: 'influxdb', outcome: 'already-running', pid: 2, detail: '' },
    ] as const;
    assert.equal(upSucceeded(results), true);
    const parsed = JSON.parse(upJson(results, { KAFKA_BROKERS: '127.0.0.1:19092' })) as {
      ok: boolean;
      started: string[];
      env: Record<string, string>;
    };
    assert.deepEqual(parsed.started, ['kafka']);
    assert.deepEqual(parsed.env, { KAFKA_BROKERS: '127.0.0.1:19092' });
    assert.equal(parsed.ok, true);
    assert.equal(upSucceeded([{ name: 'kafka', outcome: 'failed', reason: 'x', logFile: 'l' }]), false);
  });
});
