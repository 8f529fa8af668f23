// Detection-quality floor: the default detector on the whole NAB corpus, one configuration, through the same command
// a user runs. Measured with this configuration: standard 74.32, reward_low_FP 63.37, reward_low_FN 79.72, 105 of
// 116 windows detected, 394 alerts of which 235 false (libs/stats/README.md). The floors sit just under those
// figures, so a change to the detector that loses detection quality fails here, and one that gains it should raise
// them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { nabDatasetDir } from './nab-dataset-dir';

const BIN = resolve(__dirname, '../../bin/tideline.js');

interface EvalJson {
  nab: { standard: number; reward_low_FP: number; reward_low_FN: number };
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
});
