import assert from 'node:assert/strict';
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ReportLeases } from './report-lease.store';

describe('ReportLeases', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tideline-leases-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lets exactly one of many instances claim a tick', async () => {
    const instances = Array.from({ length: 8 }, (_, i) => new ReportLeases(dir, 60_000, `instance-${i}`));
    const leases = await Promise.all(instances.map((l) => l.tryClaim('weekly-20261123T0800Z')));
    assert.equal(leases.filter((l) => l !== undefined).length, 1);
  });

  it('takes over a claim whose owner stopped heartbeating, but never a completed one', async () => {
    const a = new ReportLeases(dir, 1_000, 'a');
    const b = new ReportLeases(dir, 1_000, 'b');
    const lease = await a.tryClaim('r1');
    assert.ok(lease);
    assert.equal(await b.tryClaim('r1'), undefined, 'fresh claim is respected');
    const old = new Date(Date.now() - 10_000);
    await utimes(join(a.dir, 'r1.claim'), old, old);
    assert.ok(await b.tryClaim('r1'), 'stale claim is taken over');

    const done = await a.tryClaim('r2');
    await done!.complete();
    await utimes(join(a.dir, 'r2.claim'), old, old);
    assert.equal(await b.tryClaim('r2'), undefined, 'a completed tick is never redone');
  });
});
