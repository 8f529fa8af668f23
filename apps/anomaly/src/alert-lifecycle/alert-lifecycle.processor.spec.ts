import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { alertId } from './alert-id';
import type { AlertLifecyclePolicy } from './alert-lifecycle.policy';
import { advanceLifecycle, type LifecycleStep } from './alert-lifecycle.processor';
import { initialLifecycleState, decodeLifecycleState, encodeLifecycleState } from './alert-lifecycle.state';

const POLICY: AlertLifecyclePolicy = {
  enterScore: 0.99,
  exitScore: 0.9,
  minFiringPoints: 1,
  minFiringMs: 0,
  resolvePoints: 3,
  resolveMs: 0,
  criticalScore: 0.9999,
};
const SERIES = 'cpu.total|host=web-1';

/** Runs scores (one per minute from t=60000) through a fresh lifecycle; returns the steps and the final state. */
function run(scores: readonly number[], policy: AlertLifecyclePolicy = POLICY, ready = true) {
  const state = initialLifecycleState(SERIES);
  const steps: LifecycleStep[] = scores.map((score, i) =>
    advanceLifecycle(state, { ts: (i + 1) * 60_000, score, ready, detector: 'd' }, policy),
  );
  return {
    state,
    steps,
    fired: steps.filter((s) => s === 'fired').length,
    resolved: steps.filter((s) => s === 'resolved').length,
  };
}

describe('advanceLifecycle', () => {
  it('fires once when a score reaches enterScore and resolves after resolvePoints normal points', () => {
    const { steps, state } = run([0.1, 0.1, 0.995, 0.999, 0.95, 0.1, 0.2, 0.3, 0.1]);
    assert.deepEqual(steps, [
      'unchanged',
      'unchanged',
      'fired',
      'unchanged',
      'unchanged',
      'phase_changed',
      'unchanged',
      'resolved',
      'unchanged',
    ]);
    assert.equal(state.phase, 'normal');
    assert.equal(state.incident?.startedAt, 180_000);
    assert.equal(state.incident?.id, alertId(SERIES, 180_000));
    assert.equal(state.incident?.peakScore, 0.999);
    assert.equal(state.since, 360_000, 'the first normal point is when it resolved');
  });

  it('keeps one incident while scores stay between exitScore and enterScore (hysteresis)', () => {
    const { fired, resolved, state } = run([0.995, 0.95, 0.93, 0.91, 0.95, 0.92]);
    assert.equal(fired, 1);
    assert.equal(resolved, 0);
    assert.equal(state.phase, 'firing');
  });

  it('returns from recovering to firing without a second alert when the series relapses', () => {
    const { fired, resolved, steps } = run([0.995, 0.1, 0.1, 0.995, 0.1, 0.1, 0.1]);
    assert.equal(fired, 1);
    assert.equal(resolved, 1);
    assert.equal(steps[3], 'phase_changed');
  });

  it('does not fire an incident shorter than minFiringPoints, and drops it silently', () => {
    const policy = { ...POLICY, minFiringPoints: 3 };
    const short = run([0.995, 0.995, 0.1, 0.1], policy);
    assert.equal(short.fired, 0);
    assert.equal(short.state.phase, 'normal');
    assert.equal(short.state.incident, null);
    const long = run([0.995, 0.995, 0.95], policy);
    assert.deepEqual(long.steps, ['phase_changed', 'unchanged', 'fired']);
  });

  it('waits for minFiringMs of event time before firing', () => {
    const policy = { ...POLICY, minFiringMs: 120_000 };
    assert.deepEqual(run([0.995, 0.995, 0.995], policy).steps, ['phase_changed', 'unchanged', 'fired']);
  });

  it('ignores a redelivered point (event time not after the last one)', () => {
    const state = initialLifecycleState(SERIES);
    assert.equal(advanceLifecycle(state, { ts: 1000, score: 0.995, ready: true, detector: 'd' }, POLICY), 'fired');
    assert.equal(advanceLifecycle(state, { ts: 1000, score: 0.995, ready: true, detector: 'd' }, POLICY), 'unchanged');
    assert.equal(advanceLifecycle(state, { ts: 500, score: 0.1, ready: true, detector: 'd' }, POLICY), 'unchanged');
    assert.equal(state.phase, 'firing');
  });

  it('never moves on points of a model that is still warming up', () => {
    assert.equal(run([0.999, 0.999], POLICY, false).fired, 0);
  });

  it('gives the same incident id to the same series and start, whatever the order of processing', () => {
    assert.equal(run([0.1, 0.995]).state.incident?.id, run([0.2, 0.999]).state.incident?.id);
    assert.notEqual(alertId(SERIES, 1), alertId(SERIES, 2));
    assert.match(alertId(SERIES, 1), /^[0-9a-f]{32}$/);
  });

  it('round-trips a state through its persisted encoding, including the initial -Infinity', () => {
    const fresh = initialLifecycleState(SERIES);
    assert.deepEqual(decodeLifecycleState(encodeLifecycleState(fresh)), fresh);
    const { state } = run([0.995, 0.1]);
    assert.deepEqual(decodeLifecycleState(Buffer.from(encodeLifecycleState(state))), state);
  });
});
