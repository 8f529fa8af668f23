import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { makeBaselinePoint } from '@tideline/testing';
import { MEASUREMENT_FIELDS, MEASUREMENT_TAGS, fieldTypesOf, lineShape, type BaselinePoint } from '@tideline/contracts';
import type { AlertLifecyclePolicy } from '../alert-lifecycle/alert-lifecycle.policy';
import { AlertDecisionProcessor, emptyDecisionOutput } from './alert-decision.processor';
import { SeriesLifecycleStore } from './series-lifecycle.store';

const MINUTE = 60_000;
const MEDIUM: AlertLifecyclePolicy = {
  alert: { sensitivity: 'medium' },
  criticalScore: 0.6,
  severity: 'auto',
  mute: false,
};

/** Judged points: calm ones inside the band [40, 60], and breaching ones at `score` (value 90, above the band). */
function points(scores: readonly number[], start = 0): BaselinePoint[] {
  return scores.map((score, i) =>
    makeBaselinePoint({
      ts: (start + i) * MINUTE,
      score,
      value: score >= 0.5 ? 90 : 50,
      detector: score >= 0.5 ? 'spike' : 'none',
    }),
  );
}

function setup(policy: AlertLifecyclePolicy = MEDIUM) {
  const store = new SeriesLifecycleStore({ get: () => undefined }, () => policy);
  const processor = new AlertDecisionProcessor();
  const run = (list: readonly BaselinePoint[]) => {
    const out = emptyDecisionOutput();
    for (const p of list) processor.process(store.entry(0, p), p, out);
    return out;
  };
  return { store, run };
}

describe('AlertDecisionProcessor (the decision stage)', () => {
  it('fires once and resolves once, with the band of the judged point and the same id in the alerts line', () => {
    const out = setup().run(points([0.1, 0.1, 0.55, 0.52, 0.1, 0.1]));
    assert.deepEqual(
      out.alerts.map((a) => [a.state, a.startedAt / MINUTE]),
      [
        ['firing', 2],
        ['resolved', 2],
      ],
    );
    const [firing, resolved] = out.alerts;
    assert.deepEqual([firing!.value, firing!.lower, firing!.upper, firing!.expected], [90, 40, 60, 50]);
    assert.equal(firing!.id, resolved!.id);
    assert.equal(out.alertLines.length, 2);
    assert.match(
      out.alertLines[0]!,
      /^alerts,series=.*,state=firing,severity=warning,detector=spike value=90,expected=50,lower=40,upper=60,score=0\.55,id="[0-9a-f]{32}",started_at=120000i 120000$/,
    );
    assert.ok(out.alertLines[1]!.includes(`id="${firing!.id}"`));
  });

  it('is critical when the peak reaches criticalScore or a static limit is crossed, warning otherwise', () => {
    assert.equal(setup().run(points([0.1, 0.7])).alerts[0]?.severity, 'critical');
    assert.equal(setup().run(points([0.1, 0.55])).alerts[0]?.severity, 'warning');
    const limited = setup({ ...MEDIUM, alert: { sensitivity: 'medium', upperLimit: 80 } });
    assert.equal(limited.run(points([0.1, 0.55])).alerts[0]?.severity, 'critical');
    assert.equal(setup({ ...MEDIUM, severity: 'info' }).run(points([0.1, 0.9])).alerts[0]?.severity, 'info');
  });

  it('tracks but does not publish the incidents of a muted series', () => {
    const { store, run } = setup({ ...MEDIUM, mute: true });
    const out = run(points([0.1, 0.9]));
    assert.equal(out.alerts.length, 0);
    assert.equal(store.takeChanged(out.changed)[0]?.machine.status, 'firing');
  });

  it('persists a lifecycle at once when it changes, and ignores a redelivered point', () => {
    const { store, run } = setup();
    const first = run(points([0.1, 0.9]));
    assert.equal(store.takeChanged(first.changed).length, 1);
    const again = run(points([0.9], 1));
    assert.equal(again.alerts.length, 0);
    assert.equal(store.takeChanged(again.changed).length, 0);
  });

  it('does not move on points of a model still warming up', () => {
    const { run } = setup();
    const warming = points([0.1, 0.9, 0.9]).map((p) => ({ ...p, ready: false }));
    assert.equal(run(warming).alerts.length, 0);
  });

  it('writes exactly the fields and tags libs/contracts declares for alerts (what the reporter reads)', () => {
    const out = setup().run(points([0.1, 0.7, 0.1]));
    assert.equal(out.alertLines.length, 2);
    for (const line of out.alertLines.map(lineShape)) {
      assert.equal(line.measurement, 'alerts');
      assert.deepEqual(fieldTypesOf(line), MEASUREMENT_FIELDS.alerts);
      assert.deepEqual(Object.keys(line.tags).sort(), [...MEASUREMENT_TAGS.alerts].sort());
    }
  });
});
