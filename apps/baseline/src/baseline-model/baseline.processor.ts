import { BaselineColumns, type MetricEvent } from '@tideline/contracts';
import { LineBytes } from '@tideline/influx';
import { emptyAssessment, type ClosedTrendBucket, type PointAssessment } from '@tideline/stats';
import type { ModelEntry } from './model.store';

/** What learning a batch produced. */
export interface BaselineOutput {
  /** InfluxDB lines: every raw point, the band of every point scored by a warmed-up model, and the scores. */
  readonly lines: LineBytes;
  /**
   * Every point a model learned, as judged before learning it, per series in stream order (the baselines topic),
   * gathered as columns: no object per point. Give them back with {@link BaselineProcessor.release} once published.
   */
  readonly judged: Map<ModelEntry, BaselineColumns>;
  /** Entries that learned in this batch (to checkpoint). */
  readonly learned: Set<ModelEntry>;
  /** Events whose time was not after their series' latest learned point (a redelivery, or out of order): not judged. */
  notLearned: number;
}

/**
 * An output to fill; `lines` may be a writer kept from batch to batch (the baseline service's: filled and taken
 * without an `await` between, so that batches of several partitions never share it).
 */
export function emptyBaselineOutput(lines: LineBytes = new LineBytes()): BaselineOutput {
  return { lines, judged: new Map(), learned: new Set(), notLearned: 0 };
}

export interface BaselineProcessorOptions {
  /** Write scores to InfluxDB (`anomaly_scores`). */
  readonly writeScores: boolean;
  /**
   * Event-time window of the written scores: per series, the highest-scoring point of each window is written when
   * the window closes (when a later point arrives). 0 writes every point.
   */
  readonly scoreResolutionMs: number;
}

const MAX_SPARE_COLUMNS = 4096;

/**
 * The model stage: scores one event against its series' model *before* learning it, then learns it, and appends the
 * raw point, the band and score it was judged with (InfluxDB lines), and the judged point (baselines topic) to
 * `out`. Pure apart from the entry (its state store): no I/O, no clock. A point the model does not learn (a
 * redelivery, or one older than the restored checkpoint) is written to `points` again (idempotent) and nothing else:
 * it was judged the first time.
 */
export class BaselineProcessor {
  private readonly assessment = emptyAssessment();
  private readonly closed: ClosedTrendBucket = { startMs: 0, mean: 0, count: 0 };
  /**
   * Columns of earlier batches, published and given back: reused, so a batch allocates none once warm. At most
   * {@link MAX_SPARE_COLUMNS} are kept (a batch of many series with a point or two each leaves the rest to the GC).
   */
  private readonly spare: BaselineColumns[] = [];

  constructor(private readonly options: BaselineProcessorOptions) {}

  process(entry: ModelEntry, event: MetricEvent, out: BaselineOutput): void {
    const a = this.assessment;
    entry.model.assess(event.ts, event.value, a);
    const lines = out.lines;
    lines.bytes(entry.pointLinePrefix).number(event.value).text(' ').integer(event.ts).end();
    if (!a.learned) {
      out.notLearned++;
      return;
    }
    makeFinite(a, event.value);
    entry.dirty = true;
    out.learned.add(entry);
    if (a.ready) {
      lines.bytes(entry.baselineLinePrefix).number(a.expected).text(',lower=').number(a.lower);
      lines.text(',upper=').number(a.upper).text(' ').integer(event.ts).end();
    }
    if (this.options.writeScores) this.recordScore(entry, event, a, lines);
    // the trend summary learns what the model learns, once per point; a half hour closed by this point is stored
    // (unless its float32 mean overflowed: a value beyond ±3.4e38 has no place in a projection or in line protocol)
    const c = this.closed;
    if (entry.trend !== undefined && entry.trend.update(event.ts, event.value, c) && Number.isFinite(c.mean))
      lines
        .bytes(entry.trendLinePrefix)
        .number(c.mean)
        .text(',count=')
        .integer(c.count)
        .text('i ')
        .integer(c.startMs)
        .end();
    let columns = out.judged.get(entry);
    if (columns === undefined) {
      columns = this.spare.pop() ?? new BaselineColumns();
      out.judged.set(entry, columns);
    }
    columns.push(event.ts, event.value, entry.model.observations - 1, a);
  }

  /** Takes back the judged points' columns of a batch once published (or dropped), for later batches. */
  release(out: BaselineOutput): void {
    for (const columns of out.judged.values()) {
      columns.clear();
      if (this.spare.length < MAX_SPARE_COLUMNS) this.spare.push(columns);
    }
    out.judged.clear();
  }

  /**
   * Keeps the highest score of the series' current window; writes the pending one when a point opens a new window.
   * A window of one point (or resolution 0) writes every point, one point late.
   */
  private recordScore(entry: ModelEntry, event: MetricEvent, a: PointAssessment, lines: LineBytes): void {
    const pending = entry.pendingScore;
    const resolution = this.options.scoreResolutionMs;
    if (resolution <= 0) {
      writeScore(lines, entry, event.ts, a.score, event.value, a.detector);
      return;
    }
    if (event.ts < pending.windowEnd) {
      if (a.score > pending.score) setPending(pending, event, a);
      return;
    }
    takePendingScore(entry, lines);
    pending.windowEnd = (Math.floor(event.ts / resolution) + 1) * resolution;
    setPending(pending, event, a);
  }
}

/**
 * Values near the edge of float64 (±1e308) can overflow a model's band or deviation to ±Infinity, which neither JSON
 * nor line protocol can carry: such a number becomes ±Number.MAX_VALUE (NaN: the point's value, or 0 for a score or
 * deviation), so the verdict is still published and stored rather than failing the batch.
 */
function makeFinite(a: PointAssessment, value: number): void {
  a.expected = finite(a.expected, value);
  a.lower = finite(a.lower, value);
  a.upper = finite(a.upper, value);
  a.score = finite(a.score, 0);
  a.deviation = finite(a.deviation, 0);
}

function finite(x: number, ifNaN: number): number {
  if (Number.isFinite(x)) return x;
  return Number.isNaN(x) ? ifNaN : x > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE;
}

function setPending(pending: ModelEntry['pendingScore'], event: MetricEvent, a: PointAssessment): void {
  pending.ts = event.ts;
  pending.score = a.score;
  pending.value = event.value;
  pending.detector = a.detector;
}

/** Appends the series' pending score (if any) to `lines` and clears it. */
export function takePendingScore(entry: ModelEntry, lines: LineBytes): void {
  const pending = entry.pendingScore;
  if (pending.windowEnd === Number.NEGATIVE_INFINITY) return;
  writeScore(lines, entry, pending.ts, pending.score, pending.value, pending.detector);
  pending.windowEnd = Number.NEGATIVE_INFINITY;
}

function writeScore(
  lines: LineBytes,
  entry: ModelEntry,
  ts: number,
  score: number,
  value: number,
  detector: string,
): void {
  lines.bytes(entry.scoreLinePrefix).text(detector).text(' score=').number(score).text(',value=').number(value);
  lines.text(' ').integer(ts).end();
}
