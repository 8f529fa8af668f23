import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { INITIAL_ALERT_STATE, stepAlert, type AlertPolicy, type AlertState } from './alert-state-machine';
import { resolveSensitivity } from './resolve-sensitivity';

function run(policy: AlertPolicy, points: [number, number, number][]): string[] {
  let s: AlertState = INITIAL_ALERT_STATE;
  const out: string[] = [];
  for (const [t, score, value] of points) {
    const r = stepAlert(s, { timestampMs: t, score, value }, policy);
    s = r.state;
    out.push(r.transition === 'none' ? s.status : r.transition);
  }
  return out;
}

describe('stepAlert', () => {
  it('fires only after the minimum duration of breaching', () => {
    const out = run({ sensitivity: 'medium', minDurationMs: 120 }, [
      [0, 0.9, 1],
      [60, 0.2, 1],
      [120, 0.9, 1],
      [180, 0.9, 1],
      [240, 0.9, 1],
    ]);
    assert.deepEqual(out, ['pending', 'ok', 'pending', 'pending', 'fired']);
  });

  it('clears with hysteresis: a score between the clear and fire levels keeps the alert', () => {
    const out = run({ sensitivity: 'medium', clearDurationMs: 60 }, [
      [0, 0.9, 1],
      [60, 0.4, 1], // below fire (0.5), above clear (0.25): still firing
      [120, 0.1, 1],
      [180, 0.1, 1],
    ]);
    assert.deepEqual(out, ['fired', 'firing', 'clearing', 'cleared']);
  });

  it('fires on a static limit whatever the score, and names the reason', () => {
    const r = stepAlert(
      INITIAL_ALERT_STATE,
      { timestampMs: 0, score: 0, value: 95 },
      { sensitivity: 'low', upperLimit: 90 },
    );
    assert.equal(r.transition, 'fired');
    assert.equal(r.reason, 'upper_limit');
  });

  it('returns to firing without a new alert when breaching resumes while clearing', () => {
    const out = run({ sensitivity: 'high', clearDurationMs: 600 }, [
      [0, 0.9, 1],
      [60, 0.0, 1],
      [120, 0.9, 1],
    ]);
    assert.deepEqual(out, ['fired', 'clearing', 'firing']);
  });
});

describe('resolveSensitivity', () => {
  it('orders the named levels from eager to reluctant', () => {
    assert.ok(resolveSensitivity('high').fireLevel < resolveSensitivity('medium').fireLevel);
    assert.ok(resolveSensitivity('medium').fireLevel < resolveSensitivity('low').fireLevel);
  });
  it('accepts a number in (0, 1] and rejects others', () => {
    assert.equal(resolveSensitivity(0.8).clearLevel, 0.4);
    assert.throws(() => resolveSensitivity(1.5), /sensitivity/);
  });
});
