// Oracles: normal CDF values from SciPy (`scipy.stats.norm.cdf(2) = 0.9772498680518208`,
// `norm.cdf(1) = 0.8413447460685429`, `norm.cdf(1.959963984540054) = 0.975`), and NAB's own published per-row
// outputs of this detector (results/windowedGaussian in the NAB corpus, NAB commit ea702d7).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { WindowedGaussianDetector } from './windowed-gaussian';

function close(actual: number, expected: number, tol = 1e-15): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} vs ${expected}`);
}

describe('WindowedGaussianDetector', () => {
  it('scores the first point 0 and then 1 − Q(|z|) against the mean and population std of earlier points', () => {
    const d = new WindowedGaussianDetector();
    assert.equal(d.scoreAndLearn(0, 0), 0);
    d.scoreAndLearn(1, 2); // window [0, 2]: mean 1, population std 1
    close(d.scoreAndLearn(2, 3), 0.9772498680518208);
  });

  it('reflects values below the mean, so a dip scores like a spike of the same size', () => {
    const up = new WindowedGaussianDetector();
    const down = new WindowedGaussianDetector();
    for (const d of [up, down]) {
      d.scoreAndLearn(0, 0);
      d.scoreAndLearn(1, 2);
    }
    close(up.scoreAndLearn(2, 1 + 1.959963984540054), 0.975, 1e-12);
    close(down.scoreAndLearn(2, 1 - 1.959963984540054), 0.975, 1e-12);
  });

  it('replaces a zero standard deviation by 1e-6', () => {
    const d = new WindowedGaussianDetector();
    d.scoreAndLearn(0, 5);
    d.scoreAndLearn(1, 5);
    close(d.scoreAndLearn(2, 5.000001), 0.8413447460685429, 1e-9);
  });

  it('once the window is full, refreshes its statistics only every stepSize points', () => {
    const d = new WindowedGaussianDetector({ windowSize: 4, stepSize: 2 });
    for (const [i, v] of [1, 2, 3, 4].entries()) d.scoreAndLearn(i, v); // mean 2.5, std √1.25
    const oneSd = 2.5 + Math.sqrt(1.25);
    d.scoreAndLearn(4, 100); // waits in the step buffer: statistics unchanged
    close(d.scoreAndLearn(5, oneSd), 0.8413447460685429, 1e-12);
    // Window is now [3, 4, 100, oneSd]; 2.5 + √1.25 lies below its mean, far from the old statistics.
    assert.notEqual(d.scoreAndLearn(6, oneSd), 0.8413447460685429);
  });

  it('returns scores in [0, 1] for any finite input (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 300 }), (xs) => {
        const d = new WindowedGaussianDetector({ windowSize: 50, stepSize: 10 });
        xs.forEach((x, i) => {
          const s = d.scoreAndLearn(i, x);
          assert.ok(s >= 0 && s <= 1, String(s));
        });
      }),
    );
  });
});

// The NAB corpus shipped in the repository (datasets/nab; its per-row results are gzipped), or $TIDELINE_NAB_DIR.
const nabDir = process.env['TIDELINE_NAB_DIR'] || resolve(__dirname, '../../../datasets/nab');

describe('WindowedGaussianDetector against NAB published outputs', () => {
  it('reproduces every per-row anomaly_score of results/windowedGaussian (12 significant digits) to 1e-11', () => {
    const root = join(nabDir, 'results', 'windowedGaussian');
    let rows = 0;
    let ones = 0;
    let worst = 0;
    for (const category of readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory())) {
      for (const name of readdirSync(join(root, category.name))) {
        const bytes = readFileSync(join(root, category.name, name));
        const lines = (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8').trim().split(/\r?\n/);
        const header = lines[0]!.split(',');
        const valueCol = header.indexOf('value');
        const scoreCol = header.indexOf('anomaly_score');
        const d = new WindowedGaussianDetector();
        for (let i = 1; i < lines.length; i++) {
          const cells = lines[i]!.split(',');
          const published = Number(cells[scoreCol]);
          // NAB's stored CSVs keep 12 significant digits; compare like with like.
          const ours = Number(d.scoreAndLearn(i, Number(cells[valueCol])).toPrecision(12));
          worst = Math.max(worst, Math.abs(ours - published));
          assert.equal(ours === 1, published === 1, `${name} row ${i}: ${ours} vs ${published}`);
          if (ours === 1) ones++;
          rows++;
        }
      }
    }
    assert.equal(rows, 365558);
    // SCORING.md §7.2: 1,108 rows round to exactly 1.0.
    assert.equal(ones, 1108);
    assert.ok(worst <= 1e-11, `largest difference ${worst}`);
  });
});
