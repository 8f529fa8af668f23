import type { AlertEvent, MetricEvent } from '@tideline/contracts';
import { buildAlertEvent } from '../alert-lifecycle/alert-event.builder';
import type { AlertLifecyclePolicy } from '../alert-lifecycle/alert-lifecycle.policy';
import { advanceLifecycle, type LifecyclePoint } from '../alert-lifecycle/alert-lifecycle.processor';
import { emptyAssessment } from '@tideline/stats';
import type { SeriesEntry } from './series.store';

/** What scoring a batch produced: InfluxDB lines of the scores, alert events, and the entries it touched. */
export interface ScoringOutput {
  readonly scoreLines: string[];
  readonly alerts: AlertEvent[];
  readonly touched: Set<SeriesEntry>;
}

export function emptyScoringOutput(): ScoringOutput {
  return { scoreLines: [], alerts: [], touched: new Set() };
}

export interface ScoringOptions {
  readonly policy: AlertLifecyclePolicy;
  /** Emit score lines (`anomaly_scores`). */
  readonly writeScores: boolean;
  /**
   * Event-time window of the written scores: per series, the highest-scoring point of each window is written when
   * the window closes (when a later point arrives). 0 writes every point.
   */
  readonly scoreResolutionMs: number;
}

/**
 * Scores one event against its series' model, then lets the model learn it and the alert lifecycle advance; appends
 * what came out to `out`. The state it touches is the series' entry (model and lifecycle): nothing else, no I/O, no
 * clock, so the same entries and events always give the same output. No allocation per point except the score line
 * and, rarely, an alert.
 */
export class ScoringProcessor {
  private readonly assessment = emptyAssessment();
  /** Reused for every point: a {@link LifecyclePoint} the processor rewrites in place. */
  private readonly point: { -readonly [K in keyof LifecyclePoint]: LifecyclePoint[K] } = {
    ts: 0,
    value: 0,
    score: 0,
    lower: 0,
    upper: 0,
    ready: false,
    detector: '',
  };

  constructor(private readonly options: ScoringOptions) {}

  /**
   * Keeps the highest score of the series' current window; writes the pending one when a point opens a new window.
   * A window of one point (or resolution 0) writes every point, one point late.
   */
  private recordScore(entry: SeriesEntry, event: MetricEvent, out: ScoringOutput): void {
    const a = this.assessment;
    const pending = entry.pendingScore;
    const resolution = this.options.scoreResolutionMs;
    if (resolution <= 0) {
      out.scoreLines.push(scoreLine(entry, event.ts, a.score, event.value, a.detector));
      return;
    }
    if (event.ts < pending.windowEnd) {
      if (a.score > pending.score) {
        pending.ts = event.ts;
        pending.score = a.score;
        pending.value = event.value;
        pending.detector = a.detector;
      }
      return;
    }
    takePendingScore(entry, out.scoreLines);
    pending.windowEnd = (Math.floor(event.ts / resolution) + 1) * resolution;
    pending.ts = event.ts;
    pending.score = a.score;
    pending.value = event.value;
    pending.detector = a.detector;
  }

  process(entry: SeriesEntry, event: MetricEvent, out: ScoringOutput): void {
    const a = this.assessment;
    entry.model.assess(event.ts, event.value, a);
    out.touched.add(entry);
    // a redelivered point keeps the score written the first time
    if (!a.learned) return;
    entry.modelChanged = true;
    if (this.options.writeScores) this.recordScore(entry, event, out);
    const point = this.point;
    point.ts = event.ts;
    point.value = event.value;
    point.score = a.score;
    point.lower = a.lower;
    point.upper = a.upper;
    point.ready = a.ready;
    point.detector = a.detector;
    const step = advanceLifecycle(entry.lifecycle, point, this.options.policy);
    if (step === 'unchanged') return;
    entry.lifecycleChanged = true;
    if (step === 'phase_changed') return;
    const incident = entry.lifecycle.incident!;
    out.alerts.push(
      buildAlertEvent({
        series: entry.series,
        host: entry.host,
        metric: entry.metric,
        tags: entry.tags,
        state: step === 'fired' ? 'firing' : 'resolved',
        incident,
        ts: event.ts,
        value: event.value,
        score: a.score,
        expected: a.expected,
        lower: a.lower,
        upper: a.upper,
        criticalScore: this.options.policy.criticalScore,
      }),
    );
  }
}

/** Appends the series' pending score (if any) to `lines` and clears it. */
export function takePendingScore(entry: SeriesEntry, lines: string[]): void {
  const pending = entry.pendingScore;
  if (pending.windowEnd === Number.NEGATIVE_INFINITY) return;
  lines.push(scoreLine(entry, pending.ts, pending.score, pending.value, pending.detector));
  pending.windowEnd = Number.NEGATIVE_INFINITY;
}

function scoreLine(entry: SeriesEntry, ts: number, score: number, value: number, detector: string): string {
  return `${entry.scoreLinePrefix},detector=${detector} score=${score},value=${value} ${ts}`;
}
