import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { makeBaselinePoint } from '@tideline/testing';
import { MEASUREMENT_FIELDS, MEASUREMENT_TAGS, fieldTypesOf, lineShape, type BaselinePoint } from '@tideline/contracts';
import type { AlertLifecyclePolicy } from '../alert-lifecycle/alert-lifecycle.policy';
import { AlertDecisionProcessor, emptyDecisionOutput } from './alert-decision.processor';
import { decodeLifecycleRecord, encodeLifecycleRecord } from '../alert-lifecycle/alert-lifecycle.state';
import { SeriesLifecycleStore } from './series-lifecycle.store';

const MINUTE = 60_000;
const MEDIUM: AlertLifecyclePolicy = {
  alert: { sensitivity: 'medium' },
  criticalScore: 0.6,
  criticalBeyondBand: 1,
  criticalAfterMs: 30 * MINUTE,
  severity: 'auto',
  mute: false,
};

/**
 * Judged points: calm ones inside the band [40, 60], and breaching ones at `score` (value `high`, above the band; by
 * default 65, half a half-width beyond it).
 */
function points(scores: readonly number[], start = 0, high = 65): BaselinePoint[] {
  return scores.map((score, i) =>
    makeBaselinePoint({
      ts: (start + i) * MINUTE,
      score,
      value: score >= 0.5 ? high : 50,
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
    assert.deepEqual([firing!.value, firing!.lower, firing!.upper, firing!.expected], [65, 40, 60, 50]);
    assert.equal(firing!.id, resolved!.id);
    assert.equal(out.alertLines.length, 2);
    assert.match(
      out.alertLines[0]!,
      /^alerts,series=.*,state=firing,severity=warning,detector=spike value=65,expected=50,lower=40,upper=60,score=0\.55,id="[0-9a-f]{32}",started_at=120000i 120000$/,
    );
    assert.ok(out.alertLines[1]!.includes(`id="${firing!.id}"`));
  });

  it('is critical when the peak reaches criticalScore or a static limit is crossed, warning otherwise', () => {
    assert.equal(setup().run(points([0.1, 0.7])).alerts[0]?.severity, 'critical');
    assert.equal(setup().run(points([0.1, 0.55])).alerts[0]?.severity, 'warning');
    const limited = setup({ ...MEDIUM, alert: { sensitivity: 'medium', upperLimit: 62 } });
    assert.equal(limited.run(points([0.1, 0.55])).alerts[0]?.severity, 'critical');
    assert.equal(setup({ ...MEDIUM, severity: 'info' }).run(points([0.1, 0.9])).alerts[0]?.severity, 'info');
  });

  it('is critical at once for a value criticalBeyondBand half-widths beyond its band (magnitude), per policy', () => {
    assert.equal(setup().run(points([0.1, 0.55], 0, 70)).alerts[0]?.severity, 'critical');
    assert.equal(setup().run(points([0.1, 0.55], 0, 69)).alerts[0]?.severity, 'warning');
    const lenient = setup({ ...MEDIUM, criticalBeyondBand: 4 });
    assert.equal(lenient.run(points([0.1, 0.55], 0, 89)).alerts[0]?.severity, 'warning');
  });

  it('publishes one escalation (firing, same id, critical) when a warning lasts criticalAfterMs, then resolves as critical', () => {
    const { run } = setup({ ...MEDIUM, criticalAfterMs: 3 * MINUTE });
    const out = run(points([0.1, 0.55, 0.55, 0.55, 0.55, 0.55, 0.55, 0.1]));
    assert.deepEqual(
      out.alerts.map((a) => [a.state, a.severity, a.updatedAt / MINUTE]),
      [
        ['firing', 'warning', 1],
        ['firing', 'critical', 4],
        ['resolved', 'critical', 7],
      ],
    );
    assert.equal(new Set(out.alerts.map((a) => a.id)).size, 1);
    assert.match(out.alertLines[1]!, /,state=firing,severity=critical,/);
  });

  it('does not escalate a short blip, nor a rule with criticalAfterMs 0, nor a fixed severity', () => {
    const short = setup().run(points([0.1, 0.55, 0.55, 0.1]));
    assert.deepEqual(
      short.alerts.map((a) => [a.state, a.severity]),
      [
        ['firing', 'warning'],
        ['resolved', 'warning'],
      ],
    );
    const long = points([0.1, ...Array<number>(60).fill(0.55), 0.1]);
    assert.equal(setup({ ...MEDIUM, criticalAfterMs: 0 }).run(long).alerts.length, 2);
    const fixed = setup({ ...MEDIUM, severity: 'warning', criticalAfterMs: MINUTE }).run(long);
    assert.deepEqual(
      fixed.alerts.map((a) => a.severity),
      ['warning', 'warning'],
    );
  });

  it('publishes an escalation once: a redelivered point and a restored lifecycle do not escalate again', () => {
    const policy = { ...MEDIUM, criticalAfterMs: 2 * MINUTE };
    const { store, run } = setup(policy);
    const first = run(points([0.1, 0.55, 0.55, 0.55]));
    assert.deepEqual(
      first.alerts.map((a) => a.severity),
      ['warning', 'critical'],
    );
    assert.equal(run(points([0.55], 3)).alerts.length, 0, 'redelivered');
    const saved = store.takeChanged(first.changed)[0]!;
    const restored = new SeriesLifecycleStore(
      { get: () => decodeLifecycleRecord(encodeLifecycleRecord(saved)) },
      () => policy,
    );
    const out = emptyDecisionOutput();
    const next = points([0.55, 0.1], 4);
    for (const p of next) new AlertDecisionProcessor().process(restored.entry(0, p), p, out);
    assert.deepEqual(
      out.alerts.map((a) => [a.state, a.severity]),
      [['resolved', 'critical']],
    );
  });

  it("carries the point's tail probability into the alert (and its explanation), and omits it when the point has none", () => {
    const [calm, high] = points([0.1, 0.55]);
    const withTail = { ...high!, evidence: { ...high!.evidence, tailProbability: 2e-5 } };
    const alert = setup().run([calm!, withTail]).alerts[0]!;
    assert.equal(alert.tailProbability, 2e-5);
    assert.match(alert.explanation!, /; 1 in 50,000 under the model$/);
    assert.equal('tailProbability' in setup().run(points([0.1, 0.55])).alerts[0]!, false);
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
    // as the model judges them: every learned point carries its tail probability
    const judged = points([0.1, 0.7, 0.1]).map((p) => ({ ...p, evidence: { ...p.evidence, tailProbability: 0.3 } }));
    const out = setup().run(judged);
    assert.equal(out.alertLines.length, 2);
    for (const line of out.alertLines.map(lineShape)) {
      assert.equal(line.measurement, 'alerts');
      assert.deepEqual(fieldTypesOf(line), MEASUREMENT_FIELDS.alerts);
      assert.deepEqual(Object.keys(line.tags).sort(), [...MEASUREMENT_TAGS.alerts].sort());
    }
  });
});
