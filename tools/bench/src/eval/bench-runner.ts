/**
 * Measures a detector's update+score throughput over many interleaved series and the memory its per-series state
 * occupies. Needs `global.gc` (node --expose-gc) for the memory figure; the `bench` command re-spawns itself with it.
 */
import type { PointScorer } from '@tideline/stats';
import type { BenchSeries } from './bench-series';

export interface BenchRun {
  /** CPU time of the JavaScript thread spent feeding points (immune to other processes sharing the machine). */
  readonly cpuSeconds: number;
  readonly wallSeconds: number;
  /** Points per CPU-second of the one JavaScript thread: the "one core" throughput. */
  readonly pointsPerSecond: number;
  readonly pointsPerWallSecond: number;
  /** (heap used + external memory) after GC with all detectors alive, minus the same before creating them, per series. */
  readonly bytesPerSeries: number | null;
  /** Mean size of `snapshot()` serialised (compact bytes when offered, else JSON), when the detector has one. */
  readonly snapshotBytesPerSeries: number | null;
}

type Snapshottable = PointScorer & {
  snapshot?: () => unknown;
  snapshotBytes?: () => Uint8Array;
  toBytes?: () => Uint8Array;
};

function retained(): number | null {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return null;
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

function snapshotSize(d: Snapshottable): number | null {
  if (typeof d.snapshotBytes === 'function') return d.snapshotBytes().byteLength;
  if (typeof d.toBytes === 'function') return d.toBytes().byteLength;
  if (typeof d.snapshot === 'function') {
    const snap = d.snapshot();
    if (snap instanceof Uint8Array) return snap.byteLength;
    return Buffer.byteLength(
      JSON.stringify(snap, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v)),
    );
  }
  return null;
}

/** One run: fresh detectors for every series, every point fed in arrival order (step-major), timed as a whole. */
export function benchOnce(create: () => PointScorer, data: BenchSeries): BenchRun {
  const S = data.seriesCount;
  const T = data.pointsPerSeries;
  const before = retained();
  const detectors: PointScorer[] = new Array<PointScorer>(S);
  for (let s = 0; s < S; s++) detectors[s] = create();
  const ts = data.timestampsMs;
  const vs = data.values;
  let sink = 0;
  const cpuStart = process.threadCpuUsage();
  const start = process.hrtime.bigint();
  for (let t = 0; t < T; t++) {
    const time = ts[t]!;
    const base = t * S;
    for (let s = 0; s < S; s++) sink += detectors[s]!.scoreAndLearn(time, vs[base + s]!);
  }
  const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.threadCpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const after = retained();
  let snapshotTotal = 0;
  let snapshotCount = 0;
  for (let s = 0; s < Math.min(S, 200); s++) {
    const size = snapshotSize(detectors[s] as Snapshottable);
    if (size === null) break;
    snapshotTotal += size;
    snapshotCount++;
  }
  if (!Number.isFinite(sink)) throw new Error('a detector returned a non-finite score during the benchmark');
  return {
    cpuSeconds,
    wallSeconds,
    pointsPerSecond: (S * T) / cpuSeconds,
    pointsPerWallSecond: (S * T) / wallSeconds,
    bytesPerSeries: before === null || after === null ? null : (after - before) / S,
    snapshotBytesPerSeries: snapshotCount === 0 ? null : snapshotTotal / snapshotCount,
  };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
