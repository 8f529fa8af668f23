// Detection-quality floor: the default detector on the whole NAB corpus, one configuration, through the same command
// a user runs. Measured with this configuration: standard 74.32, reward_low_FP 63.37, reward_low_FN 79.72, 105 of
// 116 windows detected, 394 alerts of which 235 false (libs/stats/README.md). The floors sit just under those
// figures, so a change to the detector that loses detection quality fails here, and one that gains it should raise
// them. Cross-validated (`--cv 5`, seed 1, the grid in detector-registry.ts): 74.30 / 60.43 / 79.70, 105 of 116
// windows, 393 alerts of which 235 false. The peers out of sample (`--compare --cv 5`): windowed Gaussian 39.65,
// Holt-Winters 38.90, ZMS 33.44 standard.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { nabDatasetDir } from './nab-dataset-dir';

const BIN = resolve(__dirname, '../../bin/tideline.js');

interface NabJson {
  nab: { standard: number; reward_low_FP: number; reward_low_FN: number };
}

interface EvalJson extends NabJson {
  windows: { total: number; detected: number; detected_early: number };
  alerts: { raised: number; false: number };
}

describe('default detector on the NAB corpus', () => {
  it('scores at least 74.0 standard / 63.0 low-FP / 79.5 low-FN and finds at least 105 of 116 windows', () => {
    const nabDir = nabDatasetDir();
    const run = spawnSync(process.execPath, [BIN, 'eval', nabDir, '--json'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout) as EvalJson;
    assert.ok(out.nab.standard >= 74.0, `standard ${out.nab.standard}`);
    assert.ok(out.nab.reward_low_FP >= 63.0, `reward_low_FP ${out.nab.reward_low_FP}`);
    assert.ok(out.nab.reward_low_FN >= 79.5, `reward_low_FN ${out.nab.reward_low_FN}`);
    assert.equal(out.windows.total, 116);
    assert.ok(out.windows.detected >= 105, `windows detected ${out.windows.detected}`);
    assert.ok(out.alerts.false <= 240, `false alerts ${out.alerts.false} of ${out.alerts.raised}`);
  });

  it('scores at least 74.0 standard / 60.0 low-FP / 79.5 low-FN out of sample (5 folds) and finds 105 windows', () => {
    const run = spawnSync(process.execPath, [BIN, 'eval', nabDatasetDir(), '--cv', '5', '--json'], {
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    const cv = (JSON.parse(run.stdout) as { cross_validated: NabJson & { windows: { detected: number } } })
      .cross_validated;
    assert.ok(cv.nab.standard >= 74.0, `standard ${cv.nab.standard}`);
    assert.ok(cv.nab.reward_low_FP >= 60.0, `reward_low_FP ${cv.nab.reward_low_FP}`);
    assert.ok(cv.nab.reward_low_FN >= 79.5, `reward_low_FN ${cv.nab.reward_low_FN}`);
    assert.ok(cv.windows.detected >= 105, `windows detected ${cv.windows.detected}`);
  });

  it('beats every peer (windowed Gaussian, Holt-Winters, ZMS) out of sample on the standard profile (5 folds)', () => {
    const run = spawnSync(process.execPath, [BIN, 'eval', nabDatasetDir(), '--compare', '--cv', '5', '--json'], {
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout) as { detectors: { detector: string; cross_validated: NabJson }[] };
    const cv = new Map(out.detectors.map((d) => [d.detector, d.cross_validated.nab.standard]));
    assert.deepEqual([...cv.keys()], ['tideline', 'windowed-gaussian', 'holt-winters', 'zms']);
    for (const [peer, score] of cv) {
      if (peer !== 'tideline')
        assert.ok(cv.get('tideline')! > score, `tideline ${cv.get('tideline')} vs ${peer} ${score}`);
    }
  });
});
