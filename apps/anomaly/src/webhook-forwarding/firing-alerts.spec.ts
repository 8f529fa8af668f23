import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeAlertEvent } from '@tideline/testing';
import { FiringAlerts } from './firing-alerts';

describe('FiringAlerts', () => {
  it('keeps a firing alert until the resolve of the same incident', () => {
    const firing = new FiringAlerts();
    const alert = makeAlertEvent({ id: 'a'.repeat(32), series: 's1', state: 'firing', startedAt: 1000 });
    firing.update(alert);
    assert.deepEqual([...firing.values()], [alert]);
    firing.update({ ...alert, state: 'resolved', resolvedAt: 2000 });
    assert.equal(firing.size, 0);
  });

  it('ignores a resolve of an older incident of the same series', () => {
    const firing = new FiringAlerts();
    const older = makeAlertEvent({ id: 'a'.repeat(32), series: 's1', state: 'firing', startedAt: 1000 });
    const newer = makeAlertEvent({ id: 'b'.repeat(32), series: 's1', state: 'firing', startedAt: 3000 });
    firing.update(newer);
    firing.update(older);
    firing.update({ ...older, state: 'resolved', resolvedAt: 2000 });
    assert.deepEqual(
      [...firing.values()].map((alert) => alert.id),
      [newer.id],
    );
  });
});
