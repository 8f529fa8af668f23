#!/usr/bin/env node
// Compares two builds of @tideline/stats' TidelineDetector: whether they give the same results (bit for bit), and
// their speed side by side in one process. For changes meant to make the detector faster without changing what it
// computes. Build the other version in a worktree first, e.g.
//
//   git worktree add /tmp/tideline-before <commit> && (cd /tmp/tideline-before && npm ci)
//   node tools/bench/scripts/detector-compare.mjs /tmp/tideline-before/libs/stats/dist libs/stats/dist [--nab <nab-dir>] [--json]
//
// scores: every point of every NAB file (when --nab is given) and of 300 synthetic series × 3,000 points, with the
//   default options: score, explanation (every 97th point and every alert), baseline() and expected() at the end.
// speed: two sets of 10,000 detectors (allocated interleaved, so neither gets the better memory) fed the same four
//   days of 5-minute points in 24 alternating chunks of 48 steps; CPU time per chunk; the median of the per-chunk
//   ratios is robust to the machine's speed changing during the run, which absolute figures on a shared machine are
//   not.
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    nab: { type: 'string' },
    series: { type: 'string', default: '10000' },
    json: { type: 'boolean', default: false },
  },
});
if (positionals.length !== 2) {
  process.stderr.write(
    'usage: node tools/bench/scripts/detector-compare.mjs <before-stats-dist> <after-stats-dist> [--nab DIR]\n',
  );
  process.exit(2);
}
const [Before, After] = positionals.map((dir) => require(resolve(dir, 'index.js')).TidelineDetector);
const { generateBenchSeries } = require('../dist/eval/bench-series.js');

// --- scores -----------------------------------------------------------------------------------------------------
let points = 0;
const differences = [];
function compare(label, ts, xs) {
  const a = new Before();
  const b = new After();
  const differ = (what, i, x, y) => {
    differences.push({ series: label, point: i, what, before: x, after: y });
    return true;
  };
  for (let i = 0; i < ts.length; i++) {
    const sa = a.scoreAndLearn(ts[i], xs[i]);
    const sb = b.scoreAndLearn(ts[i], xs[i]);
    points++;
    if (!Object.is(sa, sb) && differ('score', i, sa, sb)) return;
    if (i % 97 === 0 || sa >= 0.5) {
      const ea = a.explain();
      const eb = b.explain();
      for (const key of Object.keys(ea))
        if (!Object.is(ea[key], eb[key]) && differ(`explain.${key}`, i, ea[key], eb[key])) return;
    }
  }
  const end = ts[ts.length - 1] + 3_600_000;
  for (const [what, x, y] of [
    ['baseline', a.baseline(), b.baseline()],
    ['expected', a.expected(end), b.expected(end)],
  ]) {
    if (JSON.stringify(x) !== JSON.stringify(y)) differ(what, ts.length, x, y);
  }
}
function csvFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? csvFiles(join(dir, e.name)) : e.name.endsWith('.csv') ? [join(dir, e.name)] : [],
  );
}
if (values.nab !== undefined) {
  for (const file of csvFiles(join(values.nab, 'data'))) {
    const rows = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    compare(
      file,
      rows.map((r) => Date.parse(`${r[0].replace(' ', 'T')}Z`)),
      rows.map((r) => Number(r[1])),
    );
  }
}
{
  const S = 300;
  const T = 3000;
  const data = generateBenchSeries({ seriesCount: S, pointsPerSeries: T, seed: 7 });
  for (let s = 0; s < S; s++) {
    const xs = new Float64Array(T);
    for (let t = 0; t < T; t++) xs[t] = data.values[t * S + s];
    compare(`synthetic ${s}`, data.timestampsMs, xs);
  }
}

// --- speed ------------------------------------------------------------------------------------------------------
const S = Number(values.series);
// Chunks of at least 480,000 points (≥ 0.3 s of CPU time: the thread CPU clock is too coarse for shorter ones).
const CHUNK = Math.max(48, Math.ceil(480_000 / S));
const T = 24 * CHUNK;
const data = generateBenchSeries({ seriesCount: S, pointsPerSeries: T });
const setA = [];
const setB = [];
for (let i = 0; i < S; i++) {
  setA.push(new Before());
  setB.push(new After());
}
function chunk(detectors, t0) {
  const start = process.threadCpuUsage();
  let sink = 0;
  for (let t = t0; t < t0 + CHUNK; t++) {
    const time = data.timestampsMs[t];
    const base = t * S;
    for (let s = 0; s < S; s++) sink += detectors[s].scoreAndLearn(time, data.values[base + s]);
  }
  const cpu = process.threadCpuUsage(start);
  if (!Number.isFinite(sink)) throw new Error('non-finite score');
  return (S * CHUNK) / ((cpu.user + cpu.system) / 1e6);
}
const before = [];
const after = [];
for (let t0 = 0, k = 0; t0 + CHUNK <= T; t0 += CHUNK, k++) {
  if (k % 2 === 0) {
    before.push(chunk(setA, t0));
    after.push(chunk(setB, t0));
  } else {
    after.push(chunk(setB, t0));
    before.push(chunk(setA, t0));
  }
}
const median = (xs) => {
  const s = [...xs].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ratios = before.map((x, i) => after[i] / x);
const result = {
  scores: { points, identical: differences.length === 0, differences: differences.slice(0, 10) },
  speed: {
    series: S,
    chunks: ratios.length,
    median_ratio_after_to_before: median(ratios),
    before_points_per_second: median(before),
    after_points_per_second: median(after),
  },
};
if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
else {
  process.stdout.write(
    `scores: ${result.scores.identical ? 'identical' : `${differences.length} series differ, first: ${JSON.stringify(differences[0])}`} over ${points.toLocaleString('en')} points\n` +
      `speed: after/before ${result.speed.median_ratio_after_to_before.toFixed(3)} (median of ${ratios.length} chunk ratios; ` +
      `before ${(result.speed.before_points_per_second / 1e6).toFixed(3)} M, after ${(result.speed.after_points_per_second / 1e6).toFixed(3)} M points/s, ${S} series)\n`,
  );
}
process.exitCode = differences.length === 0 ? 0 : 1;
