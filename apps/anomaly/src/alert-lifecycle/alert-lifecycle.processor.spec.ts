import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { alertId } from './alert-id';
import type { AlertLifecyclePolicy } from './alert-lifecycle.policy';
import { advanceLifecycle, type LifecycleStep } from './alert-lifecycle.processor';
import { decodeLifecycleRecord, encodeLifecycleRecord, initialLifecycleState } from './alert-lifecycle.state';

// 'medium': fires at a score of 0.5, clears below 0.25 (libs/stats resolveSensitivity)
const POLICY: AlertLifecyclePolicy = {
  alert: { sensitivity: 'medium' },
  criticalScore: 0.6,
  criticalBeyondBand: 1,
  criticalAfterMs: 0,
  severity: 'auto',
  mute: false,
};
const SERIES = 'cpu.total|host=web-1';
const MINUTE = 60_000;

/** Runs scores (one per minute from t = 1 min) through a fresh lifecycle; returns the steps and the final state. */
function run(scores: readonly number[], policy: AlertLifecyclePolicy = POLICY, ready = true) {
  const state = initialLifecycleState(SERIES);
  const steps: LifecycleStep[] = scores.map((score, i) =>
    advanceLifecycle(
      state,
      { ts: (i + 1) * MINUTE, value: 1, score, lower: 0, upper: 2, ready, detector: 'spike' },
      policy,
    ),
  );
  const count = (s: LifecycleStep) => steps.filter((x) => x === s).length;
  return { state, steps, fired: count('fired'), resolved: count('resolved') };
}

describe('advanceLifecycle (libs/stats alert state machine + incidents + idempotency)', () => {
  it('fires once when a score reaches the fire level and resolves on the first calm point', () => {
    const { steps, state } = run([0.1, 0.1, 0.6, 0.9, 0.3, 0.1, 0.1]);
    assert.deepEqual(steps, ['unchanged', 'unchanged', 'fired', 'unchanged', 'unchanged', 'resolved', 'unchanged']);
    assert.equal(state.machine.status, 'ok');
    assert.equal(state.incident?.startedAt, 3 * MINUTE);
    assert.equal(state.incident?.id, alertId(SERIES, 3 * MINUTE));
    assert.equal(state.incident?.peakScore, 0.9);
    assert.equal(state.incident?.firedAt, 3 * MINUTE);
    assert.equal(state.incident?.resolvedAt, 6 * MINUTE);
  });

  it('keeps one incident while scores stay between the clear and fire levels (hysteresis)', () => {
    const { fired, resolved, state } = run([0.6, 0.3, 0.4, 0.26, 0.45]);
    assert.equal(fired, 1);
    assert.equal(resolved, 0);
    assert.equal(state.machine.status, 'firing');
  });

  it('needs calm for clearDurationMs before resolving; a relapse while clearing is the same incident', () => {
    const policy = { ...POLICY, alert: { ...POLICY.alert, clearDurationMs: 2 * MINUTE } };
    const { steps, state } = run([0.6, 0.1, 0.1, 0.7, 0.1, 0.1, 0.1], policy);
    assert.deepEqual(steps, [
      'fired',
      'phase_changed',
      'unchanged',
      'phase_changed',
      'phase_changed',
      'unchanged',
      'resolved',
    ]);
    assert.equal(state.incident?.resolvedAt, 5 * MINUTE, 'from the first point of the clearing that completed');
  });

  it('does not fire a breach shorter than minDurationMs, and forgets it', () => {
    const policy = { ...POLICY, alert: { ...POLICY.alert, minDurationMs: 2 * MINUTE } };
    const short = run([0.6, 0.6, 0.1], policy);
    assert.deepEqual(short.steps, ['phase_changed', 'unchanged', 'phase_changed']);
    assert.equal(short.state.incident, null);
    const long = run([0.6, 0.6, 0.6], policy);
    assert.deepEqual(long.steps, ['phase_changed', 'unchanged', 'fired']);
    assert.equal(long.state.incident?.startedAt, MINUTE, 'the incident starts at its first breaching point');
  });

  it('keeps an open incident while the value stays outside the band, even when its score is calm', () => {
    const state = initialLifecycleState(SERIES);
    const at = (ts: number, value: number, score: number) =>
      advanceLifecycle(state, { ts, value, score, lower: 0, upper: 2, ready: true, detector: 'spike' }, POLICY);
    assert.equal(at(1, 50, 0.9), 'fired');
    assert.equal(at(2, 50, 0.05), 'unchanged', 'still far above the band');
    assert.equal(at(3, 50, 0.05), 'unchanged');
    assert.equal(at(4, 1, 0.05), 'resolved', 'back inside the band and calm');
    assert.equal(state.incident?.resolvedAt, 4);
    assert.equal(at(5, 50, 0.1), 'unchanged', 'outside the band alone does not open an incident');
  });

  it('ignores a redelivered point (event time not after the last one)', () => {
    const state = initialLifecycleState(SERIES);
    const at = (ts: number, score: number) =>
      advanceLifecycle(state, { ts, value: 1, score, lower: 0, upper: 2, ready: true, detector: 'spike' }, POLICY);
    assert.equal(at(1000, 0.9), 'fired');
    assert.equal(at(1000, 0.9), 'unchanged');
    assert.equal(at(500, 0.0), 'unchanged');
    assert.equal(state.machine.status, 'firing');
  });

  it('never moves on points of a model that is still warming up', () => {
    assert.equal(run([0.9, 0.9], POLICY, false).fired, 0);
  });

  it('gives the same incident id to the same series and start however the scores differ', () => {
    assert.equal(run([0.1, 0.6]).state.incident?.id, run([0.2, 0.99]).state.incident?.id);
    assert.notEqual(alertId(SERIES, 1), alertId(SERIES, 2));
    assert.match(alertId(SERIES, 1), /^[0-9a-f]{32}$/);
  });

  it('round-trips a series record through its persisted encoding (NaN and -Infinity included)', () => {
    const fresh = initialLifecycleState(SERIES);
    assert.deepEqual(decodeLifecycleRecord(encodeLifecycleRecord(fresh)), fresh);
    const { state } = run([0.1, 0.6]);
    assert.deepEqual(decodeLifecycleRecord(Buffer.from(encodeLifecycleRecord(state))), state);
  });

  it('reads a version-1 record (lifecycle with the model the service no longer keeps), so an upgrade keeps incidents', () => {
    const { state } = run([0.1, 0.6]);
    const v1 = JSON.parse(encodeLifecycleRecord(state)) as Record<string, unknown>;
    v1['schema'] = 'tideline.alert-state/1';
    v1['model'] = { kind: 'k', lastTs: 5, observations: 2, state: 'AAAA' };
    assert.deepEqual(decodeLifecycleRecord(JSON.stringify(v1)), state);
  });
});
