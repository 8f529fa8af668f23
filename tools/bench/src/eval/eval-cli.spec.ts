// End-to-end: a tiny NAB-layout dataset in a temporary folder, run through `tideline eval` and `tideline nab-score`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// The checkout's `tideline` (tools/tideline.js): the product command with these development commands.
const BIN = resolve(__dirname, '../../../tideline.js');

interface CrossValidatedJson {
  folds: number;
  seed: number;
  grid: string[];
  nab: Record<string, number>;
  windows: { total: number };
  per_fold: { files: string[]; chosen: Record<string, { setting: string }> }[];
}

interface CompareEntryJson {
  detector: string;
  in_sample: {
    nab: Record<string, number>;
    alerts: { precision: number | null; false_per_1000_points: number };
  };
  cross_validated: { nab: Record<string, number> };
}

function tideline(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** 3 files of 400 five-minute points: a clean sine, and two with a spike inside a labelled window. */
function writeDataset(dir: string): void {
  const labels: Record<string, [string, string][]> = {};
  const stamp = (i: number) =>
    new Date(Date.UTC(2020, 0, 1) + i * 300_000).toISOString().replace('T', ' ').slice(0, 19);
  for (const [name, spike] of [
    ['quiet.csv', -1],
    ['spiky.csv', 300],
    ['late.csv', 350],
  ] as const) {
    const lines = ['timestamp,value'];
    for (let i = 0; i < 400; i++)
      lines.push(`${stamp(i)},${(10 + Math.sin(i / 10) + (i === spike ? 50 : 0)).toFixed(6)}`);
    mkdirSync(join(dir, 'data', 'cat'), { recursive: true });
    writeFileSync(join(dir, 'data', 'cat', name), lines.join('\r\n'));
    labels[`cat/${name}`] = spike < 0 ? [] : [[`${stamp(spike - 10)}.000000`, `${stamp(spike + 9)}.000000`]];
  }
  mkdirSync(join(dir, 'labels'));
  writeFileSync(join(dir, 'labels', 'combined_windows.json'), JSON.stringify(labels));
}

describe('tideline eval / nab-score on a small NAB-layout dataset', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tideline-eval-'));
    writeDataset(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the documented --json shape and finds both spikes with the windowed Gaussian', () => {
    const r = tideline('eval', dir, '--detector', 'windowed-gaussian', '--json', '--write-results', join(dir, 'out'));
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, Record<string, number>>;
    for (const k of ['standard', 'reward_low_FP', 'reward_low_FN']) assert.equal(typeof out['nab']![k], 'number');
    assert.deepEqual([out['windows']!['total'], out['windows']!['detected'], out['alerts']!['false']], [2, 2, 0]);
    assert.equal(typeof out['alerts']!['raised'], 'number');
    assert.equal(typeof out['windows']!['detected_early'], 'number');

    // The written results rescore to the same figures.
    const s = tideline('nab-score', join(dir, 'out', 'windowed-gaussian'), '--dataset', dir, '--json');
    assert.equal(s.status, 0, s.stderr);
    assert.deepEqual((JSON.parse(s.stdout) as { nab: unknown }).nab, out['nab']);
  });

  it('runs the peers by name (holt-winters, zms) and each finds both spikes', () => {
    for (const detector of ['holt-winters', 'zms']) {
      const r = tideline('eval', dir, '--detector', detector, '--json');
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout) as Record<string, Record<string, number>>;
      assert.equal(out['detector'], detector);
      // Holt-Winters echoes a spike (it enters the level and the trend), so its false alerts are not asserted.
      assert.equal(out['windows']!['detected'], 2, detector);
    }
  });

  it('adds the cross-validated figures with --cv: every file held out once, a setting and threshold per fold', () => {
    const r = tideline('eval', dir, '--detector', 'windowed-gaussian', '--cv', '3', '--json');
    assert.equal(r.status, 0, r.stderr);
    const cv = (JSON.parse(r.stdout) as { cross_validated: CrossValidatedJson }).cross_validated;
    assert.equal(cv.folds, 3);
    assert.equal(cv.seed, 1);
    assert.deepEqual(cv.grid, ['default', 'windowSize=400', 'windowSize=1600']);
    for (const k of ['standard', 'reward_low_FP', 'reward_low_FN']) assert.equal(typeof cv.nab[k], 'number');
    assert.deepEqual(cv.per_fold.flatMap((f) => f.files).sort(), ['cat/late.csv', 'cat/quiet.csv', 'cat/spiky.csv']);
    for (const f of cv.per_fold) assert.ok(cv.grid.includes(f.chosen['standard']!.setting));
    assert.equal(cv.windows.total, 2);
  });

  it('prints every compared detector side by side with --compare, precision and false alerts per 1,000 points', () => {
    const r = tideline('eval', dir, '--compare', '--cv', '3', '--json');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { detectors: CompareEntryJson[] };
    assert.deepEqual(
      out.detectors.map((d) => d.detector),
      ['tideline', 'windowed-gaussian', 'holt-winters', 'zms'],
    );
    for (const d of out.detectors) {
      assert.equal(typeof d.in_sample.nab['standard'], 'number');
      assert.equal(typeof d.in_sample.alerts.false_per_1000_points, 'number');
      assert.ok(d.in_sample.alerts.precision === null || typeof d.in_sample.alerts.precision === 'number');
      assert.equal(typeof d.cross_validated.nab['standard'], 'number');
    }
    const human = tideline('eval', dir, '--compare');
    assert.equal(human.status, 0, human.stderr);
    assert.match(human.stdout, /detector\s+standard\s+low-FP\s+low-FN\s+windows\s+precision\s+false\/1k pts/);
    assert.match(human.stdout, /^windowed-gaussian\s+\S+\s+\S+\s+\S+\s+2\/2\s+1\.000\s+0\.000$/m);
  });

  it('prints false alerts per 1,000 points in the first 200 points and after with --false-alerts', () => {
    const r = tideline('eval', dir, '--false-alerts', '--json');
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as {
      first_points: number;
      rates: { source: string; level: string; first: { points: number }; all: { per_1000_points: number } }[];
    };
    assert.equal(report.first_points, 200);
    const noise = report.rates.filter((x) => x.source.startsWith('white noise'));
    assert.deepEqual(
      noise.map((x) => x.level),
      ['low', 'medium', 'high'],
    );
    assert.ok(noise[1]!.all.per_1000_points <= 0.2, 'white noise at medium');
    assert.equal(report.rates.filter((x) => x.source.startsWith('synthetic fleet')).length, 2);
    const dataset = report.rates.find((x) => x.source.includes(dir))!;
    assert.equal(dataset.first.points, 3 * 200, 'the dataset: 3 files');
  });

  it('rejects --cv below 2 with a message naming the option', () => {
    const r = tideline('eval', dir, '--cv', '1');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--cv must be an integer ≥ 2, got "1"/);
  });

  it('runs the null detector to exactly 0 on every profile', () => {
    const r = tideline('eval', dir, '--detector', 'null', '--json');
    assert.deepEqual((JSON.parse(r.stdout) as { nab: unknown }).nab, {
      standard: 0,
      reward_low_FP: 0,
      reward_low_FN: 0,
    });
  });

  it('rejects an unknown detector with a message naming the choices and a non-zero exit', () => {
    const r = tideline('eval', dir, '--detector', 'nope');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /unknown detector "nope"; choose one of: tideline, windowed-gaussian/);
  });
});
