import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  SELF_MONITORING_ALERT_POLICY,
  SELF_MONITORING_INTERVAL_MS,
  SELF_MONITORING_SILENCE_MS,
} from '@tideline/config';
import { SELF_METRIC_NAMES, selfMonitoringPoint, seriesKey, type BaselinePoint } from '@tideline/contracts';
import { makeBaselinePoint } from '@tideline/testing';
import { lifecyclePolicyOf } from '../alert-lifecycle/alert-lifecycle.policy';
import { initialLifecycleState } from '../alert-lifecycle/alert-lifecycle.state';
import { AlertDecisionProcessor, emptyDecisionOutput, type DecisionOutput } from './alert-decision.processor';
import { SeriesLifecycleStore } from './series-lifecycle.store';
import { silenceResolution } from './silent-self-series';

const T0 = 1_700_000_000_000;
const tags = { group: 'tideline-baseline', service: 'baseline' };
const SELF = seriesKey({ metric: SELF_METRIC_NAMES.cardinalityExceeded, host: 'node-1', tags });

/** A point of the self-monitoring series as the baseline service publishes it: `refused` events since the last one. */
function selfPoint(ts: number, refused: number): BaselinePoint {
  return selfMonitoringPoint(
    { series: SELF, host: 'node-1', metric: SELF_METRIC_NAMES.cardinalityExceeded, tags },
    ts,
    refused,
  );
}

/** A user series' policy: the built-in one without its static limit (it fires on the score alone). */
const { upper: _upper, ...USER_RULE } = SELF_MONITORING_ALERT_POLICY;

function setup() {
  const store = new SeriesLifecycleStore({ get: () => undefined }, (point) =>
    lifecyclePolicyOf(
      point.metric === SELF_METRIC_NAMES.cardinalityExceeded ? SELF_MONITORING_ALERT_POLICY : USER_RULE,
      0.6,
    ),
  );
  const processor = new AlertDecisionProcessor();
  const run = (list: readonly BaselinePoint[]): DecisionOutput => {
    const out = emptyDecisionOutput();
    for (const p of list) processor.process(store.entry(0, p), p, out);
    return out;
  };
  return { store, run };
}

describe('silenceResolution (a self-monitoring series whose instance went silent)', () => {
  it('resolves the open alert once the series has sent nothing for SELF_MONITORING_SILENCE_MS, with the same id', () => {
    const { store, run } = setup();
    const refusing = [0, 1, 2].map((i) => selfPoint(T0 + i * SELF_MONITORING_INTERVAL_MS, 3));
    const fired = run(refusing);
    assert.deepEqual(
      fired.alerts.map((a) => [a.state, a.severity]),
      [['firing', 'critical']],
    );
    const state = store.partitions.get(SELF)!.lifecycle;
    const last = T0 + 2 * SELF_MONITORING_INTERVAL_MS;
    assert.equal(state.lastTs, last);

    assert.equal(silenceResolution(state, last + SELF_MONITORING_SILENCE_MS - 1), undefined, 'not silent long enough');
    const calm = silenceResolution(state, last + SELF_MONITORING_SILENCE_MS)!;
    assert.deepEqual(
      calm.map((p) => [p.ts - last, p.value, p.score, p.series, p.host, p.metric, p.tags]),
      [
        [SELF_MONITORING_INTERVAL_MS, 0, 0, SELF, 'node-1', SELF_METRIC_NAMES.cardinalityExceeded, tags],
        [SELF_MONITORING_SILENCE_MS, 0, 0, SELF, 'node-1', SELF_METRIC_NAMES.cardinalityExceeded, tags],
      ],
    );
    const resolved = run(calm);
    assert.deepEqual(
      resolved.alerts.map((a) => [a.id, a.state, a.resolvedAt]),
      [[fired.alerts[0]!.id, 'resolved', last + SELF_MONITORING_INTERVAL_MS]],
    );
    assert.equal(silenceResolution(state, last + 10 * SELF_MONITORING_SILENCE_MS), undefined, 'resolved: nothing open');
    assert.deepEqual(run(calm).alerts, [], 'a second copy of the same points changes nothing');
  });

  it('resolves a clearing under way too, from where its calm began', () => {
    const { store, run } = setup();
    run([selfPoint(T0, 2), selfPoint(T0 + SELF_MONITORING_INTERVAL_MS, 0)]);
    const state = store.partitions.get(SELF)!.lifecycle;
    assert.equal(state.machine.status, 'clearing');
    const resolved = run(silenceResolution(state, state.lastTs + SELF_MONITORING_SILENCE_MS)!);
    assert.deepEqual(
      resolved.alerts.map((a) => [a.state, a.resolvedAt]),
      [['resolved', T0 + SELF_MONITORING_INTERVAL_MS]],
    );
  });

  it('leaves user series, series without an open alert and series heard from recently alone', () => {
    const user = { ...initialLifecycleState(seriesKey({ metric: 'cpu', host: 'a' })), lastTs: T0 };
    user.machine = { status: 'firing', sinceMs: T0, firedAtMs: T0, peakScore: 1 };
    assert.equal(silenceResolution(user, T0 + 100 * SELF_MONITORING_SILENCE_MS), undefined);
    const calm = { ...initialLifecycleState(SELF), lastTs: T0 };
    assert.equal(silenceResolution(calm, T0 + 100 * SELF_MONITORING_SILENCE_MS), undefined);
    const recent = { ...calm, machine: { status: 'firing' as const, sinceMs: T0, firedAtMs: T0, peakScore: 1 } };
    assert.equal(silenceResolution(recent, T0 + SELF_MONITORING_SILENCE_MS - 1), undefined);
  });

  it('persists every point of a self-monitoring series (its latest time is what tells silence), only changes of others', () => {
    const { run } = setup();
    assert.equal(run([selfPoint(T0, 1)]).alerts.length, 1);
    assert.equal(run([selfPoint(T0 + 5000, 1)]).changed.size, 1, 'still firing: persisted all the same');
    assert.equal(run([selfPoint(T0 + 5000, 1)]).changed.size, 0, 'a redelivered point moves nothing, persists nothing');
    const user = (ts: number) => makeBaselinePoint({ ts, value: 100, score: 1, detector: 'spike' });
    assert.equal(run([user(T0)]).alerts.length, 1);
    assert.equal(run([user(T0 + 60_000)]).changed.size, 0, 'a user series still firing has nothing to persist');
  });
});
