// Expected figures are counted by hand from the definitions in detection-report.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { detectionReport } from './detection-report';
import { rowUnits, type WindowSpan } from './nab-scorer';

function run(n: number, windows: WindowSpan[], detected: number[], probation = 0) {
  const scores = new Float64Array(n);
  for (const d of detected) scores[d] = 0.9;
  const file = { key: 'a.csv', scores, windows };
  return detectionReport([file], [rowUnits(n, windows, probation)], 0.9);
}

describe('detectionReport', () => {
  it('counts runs of consecutive detections as alerts, false when no row is inside a window', () => {
    // Window rows 5..9. Alerts: rows 2-3 (false), rows 7-10 (true: overlaps the window), row 15 (false).
    const r = run(20, [{ start: 5, end: 9 }], [2, 3, 7, 8, 9, 10, 15]);
    assert.deepEqual(r.alerts, {
      raised: 3,
      true: 1,
      false: 2,
      precision: 1 / 3,
      false_per_file: 2,
      false_per_1000_points: 100,
      files_with_false_alerts: 1,
    });
    assert.deepEqual(r.rows, { scorable: 20, detections: 7, inside_windows: 3 });
  });

  it('measures how far into the window the first detection came, and calls it early before the midpoint', () => {
    // Windows 10..19 (first detection at 12: fraction 0.2, early) and 30..39 (at 36: 0.6, late); 50..59 missed.
    const r = run(
      80,
      [
        { start: 10, end: 19 },
        { start: 30, end: 39 },
        { start: 50, end: 59 },
      ],
      [12, 13, 36],
    );
    assert.equal(r.windows.total, 3);
    assert.equal(r.windows.detected, 2);
    assert.equal(r.windows.detected_early, 1);
    assert.equal(r.windows.missed, 1);
    assert.ok(Math.abs(r.windows.mean_fraction_elapsed! - 0.4) < 1e-12);
    assert.ok(Math.abs(r.windows.median_fraction_elapsed! - 0.4) < 1e-12);
    assert.equal(r.alerts.false, 0);
  });

  it('ignores probationary rows: a detection there is neither an alert nor a window hit', () => {
    const r = run(40, [{ start: 20, end: 29 }], [1, 2, 25], 10);
    assert.equal(r.alerts.raised, 1);
    assert.equal(r.rows.scorable, 30);
    assert.equal(r.windows.detected, 1);
  });

  it('reports no precision and no fractions when nothing is detected', () => {
    const r = run(30, [{ start: 10, end: 19 }], []);
    assert.equal(r.alerts.precision, null);
    assert.equal(r.windows.mean_fraction_elapsed, null);
    assert.equal(r.windows.missed, 1);
  });
});
