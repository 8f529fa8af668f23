import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { alertingSectionSchema } from '@tideline/config';
import { emptyAssessment, mulberry32 } from '@tideline/stats';
import { SeriesPolicies } from './series-policies';

const MIN5 = 300_000;
const T0 = Date.UTC(2024, 0, 1);

function gaussian(r: () => number): number {
  const u = Math.max(r(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

const event = (host: string, metric: string) => ({ host, metric, tags: {} });

/** Feeds N(50, 5²) to a new series of `metric` on `host`; returns the band width at the last point. */
function feed(policies: SeriesPolicies, host: string, metric: string, points: number, seed: number): number {
  const model = policies.modelsFor(event(host, metric)).create();
  const r = mulberry32(seed);
  const a = emptyAssessment();
  for (let i = 0; i < points; i++) model.assess(T0 + i * MIN5, 50 + 5 * gaussian(r), a);
  return a.upper - a.lower;
}

describe('SeriesPolicies fleet priors', () => {
  it('starts a new host’s series of a metric the fleet knows from its prior: a narrower warm-up band than a cold one', () => {
    const policies = new SeriesPolicies(alertingSectionSchema.parse({}));
    for (let h = 0; h < 3; h++) feed(policies, `web-${h}`, 'cpu.percent', 400, 100 + h);
    assert.equal(policies.priors.of('cpu.percent').series, 3, 'each mature series taught the prior once');
    const known = feed(policies, 'web-9', 'cpu.percent', 40, 9);
    const unknown = feed(policies, 'web-9', 'disk.io_wait_ms', 40, 9);
    assert.equal(policies.priors.of('disk.io_wait_ms').series, 0);
    assert.ok(known < unknown, `band ${known} with the prior, ${unknown} without`);
  });

  it('lets a series restored from its checkpoint teach the prior once it has learned its own references', () => {
    const policies = new SeriesPolicies(alertingSectionSchema.parse({}));
    const factory = policies.modelsFor(event('db-1', 'mem.used_percent'));
    const model = factory.create();
    const a = emptyAssessment();
    const r = mulberry32(5);
    for (let i = 0; i < 200; i++) model.assess(T0 + i * MIN5, 50 + 5 * gaussian(r), a);
    const restored = factory.restore(model.snapshot());
    assert.equal(policies.priors.of('mem.used_percent').series, 0, 'not yet learned');
    for (let i = 200; i < 400; i++) restored.assess(T0 + i * MIN5, 50 + 5 * gaussian(r), a);
    assert.equal(policies.priors.of('mem.used_percent').series, 1);
  });
});
