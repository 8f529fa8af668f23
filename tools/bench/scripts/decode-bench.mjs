#!/usr/bin/env node
// Micro-benchmark of metric event decoding (the anomaly service's hot path): zod alone vs the hand-written fast path,
// side by side in one process, alternating, median of 5 runs each. Needs a build: `npx tsc -b libs/contracts`.
//
//   node tools/bench/scripts/decode-bench.mjs [--events 200000] [--runs 5] [--json]
import { createRequire } from 'node:module';
import { parseArgs, TextEncoder } from 'node:util';

const require = createRequire(import.meta.url);
const { decodeMetricEvent, decodeMetricEventWithZod } = require('@tideline/contracts');

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    runs: { type: 'string', default: '5' },
    json: { type: 'boolean', default: false },
  },
});
const events = Number(values.events);
const runs = Number(values.runs);
if (!Number.isInteger(events) || events < 1 || !Number.isInteger(runs) || runs < 1) {
  process.stderr.write('decode-bench: --events and --runs must be positive integers\n');
  process.exit(2);
}

// Events shaped like the collector's and the e2e bench's: 3 tags, a unit half the time, 2,000 distinct series.
const NOW = 1_767_225_600_000;
const encoder = new TextEncoder();
const records = Array.from({ length: 2000 }, (_, i) =>
  encoder.encode(
    JSON.stringify({
      schema: 'tideline.metric/1',
      metric: `bench.metric_${i % 50}`,
      host: `host-${i % 40}`,
      value: Math.sin(i) * 1000,
      ts: NOW - i,
      tags: { region: 'eu-west-1', service: `svc-${i % 7}`, instance: `i-${i}` },
      ...(i % 2 === 0 ? { unit: 'ms' } : {}),
      source: 'collector',
    }),
  ),
);

const variants = {
  zod: (bytes) => decodeMetricEventWithZod(bytes, { nowMs: NOW }),
  fast: (bytes) => decodeMetricEvent(bytes, { nowMs: NOW }),
};

function run(decode) {
  let accepted = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < events; i++) if (decode(records[i % records.length]).ok) accepted++;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (accepted !== events) throw new Error(`only ${accepted} of ${events} events decoded`);
  return events / seconds;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// warm up both paths so neither run pays for JIT compilation
for (const decode of Object.values(variants)) run(decode);
const samples = { zod: [], fast: [] };
for (let r = 0; r < runs; r++) for (const [name, decode] of Object.entries(variants)) samples[name].push(run(decode));

const result = {
  events,
  runs,
  eventBytes: Math.round(records.reduce((sum, b) => sum + b.byteLength, 0) / records.length),
  node: process.version,
  opsPerSecond: { zod: Math.round(median(samples.zod)), fast: Math.round(median(samples.fast)) },
  samples: { zod: samples.zod.map(Math.round), fast: samples.fast.map(Math.round) },
};
result.speedup = Number((result.opsPerSecond.fast / result.opsPerSecond.zod).toFixed(2));
if (values.json) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const n = (x) => x.toLocaleString('en-US');
  process.stdout.write(
    [
      `decode ${n(events)} metric events (${result.eventBytes} bytes, Uint8Array, with nowMs), median of ${runs} runs, ${process.version}`,
      `  zod only    ${n(result.opsPerSecond.zod).padStart(12)} ops/s   runs: ${result.samples.zod.map(n).join(', ')}`,
      `  fast path   ${n(result.opsPerSecond.fast).padStart(12)} ops/s   runs: ${result.samples.fast.map(n).join(', ')}`,
      `  speed-up    ${result.speedup}x`,
      '',
    ].join('\n'),
  );
}
