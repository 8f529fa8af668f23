import { resolveSensitivity, type Sensitivity } from './resolve-sensitivity';
import type { PointAssessment, SeriesModel, SeriesModelFactory } from './series-model';
import { TidelineDetector, type DetectorPrior, type ExpectedBand } from './tideline-detector';

/**
 * A series model backed by libs/stats' {@link TidelineDetector}: robust (seasonal) levels, CUSUM, drift, per-series
 * normalised scores, its band from `explain` at `bandConfidence`. Snapshots are the detector's exact bytes.
 */
class TidelineSeriesModel implements SeriesModel {
  private last: number;
  private readonly band: ExpectedBand = { expected: 0, lower: 0, upper: 0 };
  /** Times the detector threw and was replaced by a new one (a corrupt or incompatible restored state). */
  resets = 0;

  constructor(
    private detector: TidelineDetector,
    private readonly bandConfidence: number,
  ) {
    this.last = detector.count === 0 ? Number.NEGATIVE_INFINITY : detector.explain(bandConfidence).timestampMs;
  }

  get observations(): number {
    return this.detector.count;
  }

  get lastTs(): number {
    return this.last;
  }

  assess(ts: number, value: number, out: PointAssessment): void {
    try {
      this.assessWith(this.detector, ts, value, out);
    } catch {
      // A state the detector cannot work with must not stop the stream: the series relearns from here.
      this.resets++;
      this.detector = new TidelineDetector();
      this.last = Number.NEGATIVE_INFINITY;
      this.assessWith(this.detector, ts, value, out);
    }
  }

  private assessWith(d: TidelineDetector, ts: number, value: number, out: PointAssessment): void {
    out.ready = d.count >= d.options.warmUpPoints;
    if (!(ts > this.last)) {
      d.predictInto(ts, this.bandConfidence, this.band);
      out.expected = this.band.expected;
      out.lower = this.band.lower;
      out.upper = this.band.upper;
      out.score = 0;
      out.detector = 'none';
      out.deviation = 0;
      out.tailProbability = 1;
      out.learned = false;
      return;
    }
    out.score = d.scoreAndLearn(ts, value);
    const e = d.explain(this.bandConfidence);
    out.expected = e.expected;
    out.lower = e.lower;
    out.upper = e.upper;
    out.detector = e.detector;
    out.deviation = e.severity;
    out.seasonality = e.seasonality;
    out.tailProbability = e.tailProbability;
    out.learned = true;
    this.last = ts;
  }

  snapshot(): Uint8Array {
    return this.detector.toBytes();
  }

  applyPrior(prior: DetectorPrior): boolean {
    return this.detector.applyPrior(prior);
  }

  priorSample(): DetectorPrior | undefined {
    return this.detector.priorSample();
  }
}

/**
 * The model every series gets: the one default detector configuration of libs/stats (the one the NAB evaluation
 * measures), its band drawn at the confidence of the series' alerting sensitivity. The baseline service runs it and
 * checkpoints its bytes; the anomaly service runs no model. The kind names the state layout (its size), so a
 * snapshot written by a build with another layout is relearned rather than misread.
 */
export function createSeriesModelFactory(sensitivity: Sensitivity = 'medium'): SeriesModelFactory {
  const bandConfidence = resolveSensitivity(sensitivity).bandConfidence;
  return {
    kind: `tideline-detector/${new TidelineDetector().toBytes().byteLength}`,
    create: () => new TidelineSeriesModel(new TidelineDetector(), bandConfidence),
    restore: (bytes) => new TidelineSeriesModel(TidelineDetector.fromBytes(bytes), bandConfidence),
  };
}
