#!/usr/bin/env node
// Micro-benchmark of the baselines record (the baseline service encodes every judged point, the anomaly service
// decodes it): JSON tideline.baseline/2 vs binary tideline.baseline/3, side by side in one process, alternating,
// median of 5 runs each, for records of 10 and 200 points. Needs a build: `npx tsc -b libs/contracts`.
//
//   node tools/bench/scripts/baseline-codec-bench.mjs [--points 2000000] [--runs 5] [--json]
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const {
  BASELINE_JSON_SCHEMA,
  baselinePointsOf,
  baselineRecordOf,
  decodeBaselineRecord,
  encodeEvent,
} = require('@tideline/contracts');

const { values } = parseArgs({
  options: {
    points: { type: 'string', default: '2000000' },
    runs: { type: 'string', default: '5' },
    json: { type: 'boolean', default: false },
  },
});
const totalPoints = Number(values.points);
const runs = Number(values.runs);
if (!Number.isInteger(totalPoints) || totalPoints < 1 || !Number.isInteger(runs) || runs < 1) {
  process.stderr.write('baseline-codec-bench: --points and --runs must be positive integers\n');
  process.exit(2);
}

// judged points shaped like the e2e bench's: one tag-less series per host, values with 17 significant digits
const NOW = 1_767_225_600_000;
function recordsOf(size) {
  return Array.from({ length: 200 }, (_, r) =>
    baselineRecordOf(
      Array.from({ length: size }, (_, i) => ({
        series: `bench.latency|host=bench-${r}`,
        host: `bench-${r}`,
        metric: 'bench.latency',
        tags: {},
        ts: NOW + i * 1000,
        value: 100 + Math.sin(i),
        expected: 100 + Math.cos(i) / 3,
        lower: 97.5 + Math.cos(i) / 3,
        upper: 102.5 + Math.cos(i) / 3,
        score: Math.abs(Math.sin(i * r)) / 2,
        detector: i % 50 === 0 ? 'spike' : 'none',
        ready: true,
        evidence: { deviation: Math.sin(i) * 2, seasonality: 'none', observations: 40 + i, tailProbability: 0.4 },
      })),
    ),
  );
}

function variantsOf(size) {
  const binary = recordsOf(size);
  const json = binary.map((record) => ({ ...record, schema: BASELINE_JSON_SCHEMA }));
  const encoded = { json: json.map(encodeEvent), binary: binary.map(encodeEvent) };
  const decode = (list) => () => {
    let points = 0;
    for (let i = 0; i < list.length; i++) {
      const decoded = decodeBaselineRecord(list[i]);
      if (!decoded.ok) throw new Error(decoded.error.message);
      points += baselinePointsOf(decoded.value).length;
    }
    return points;
  };
  const encode = (list) => () => {
    let points = 0;
    for (let i = 0; i < list.length; i++) if (encodeEvent(list[i]).byteLength > 0) points += size;
    return points;
  };
  return {
    bytesPerPoint: {
      json: Math.round(encoded.json.reduce((s, b) => s + b.byteLength, 0) / json.length / size),
      binary: Math.round(encoded.binary.reduce((s, b) => s + b.byteLength, 0) / binary.length / size),
    },
    variants: {
      'encode json': encode(json),
      'encode binary': encode(binary),
      'decode json': decode(encoded.json),
      'decode binary': decode(encoded.binary),
    },
  };
}

/** Points per second of one variant over --points points. */
function run(pass) {
  let points = 0;
  const start = process.hrtime.bigint();
  while (points < totalPoints) points += pass();
  return points / (Number(process.hrtime.bigint() - start) / 1e9);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const result = { points: totalPoints, runs, node: process.version, sizes: {} };
for (const size of [10, 200]) {
  const { bytesPerPoint, variants } = variantsOf(size);
  // warm up every variant so none pays for JIT compilation
  for (const pass of Object.values(variants)) run(pass);
  const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
  for (let r = 0; r < runs; r++) for (const [name, pass] of Object.entries(variants)) samples[name].push(run(pass));
  const nsPerPoint = Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, 1e9 / median(s)]));
  result.sizes[size] = {
    bytesPerPoint,
    nsPerPoint: Object.fromEntries(Object.entries(nsPerPoint).map(([k, v]) => [k, Math.round(v)])),
    speedup: {
      encode: Number((nsPerPoint['encode json'] / nsPerPoint['encode binary']).toFixed(2)),
      decode: Number((nsPerPoint['decode json'] / nsPerPoint['decode binary']).toFixed(2)),
    },
  };
}
if (values.json) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const lines = [
    `baselines records, ns per point, median of ${runs} runs over ${totalPoints} points, ${process.version}`,
  ];
  for (const [size, r] of Object.entries(result.sizes)) {
    const ns = r.nsPerPoint;
    lines.push(
      `  ${size} points a record: encode JSON ${ns['encode json']} / binary ${ns['encode binary']} (${r.speedup.encode}x),` +
        ` decode+points JSON ${ns['decode json']} / binary ${ns['decode binary']} (${r.speedup.decode}x);` +
        ` ${r.bytesPerPoint.json} / ${r.bytesPerPoint.binary} bytes a point`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
