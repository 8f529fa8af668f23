import { hostname } from 'node:os';
import { SELF_MONITORING_ALERT_POLICY, SELF_MONITORING_INTERVAL_MS } from '@tideline/config';
import {
  SELF_METRIC_NAMES,
  baselineRecordOf,
  selfMonitoringPoint,
  seriesKey,
  type BaselinePoint,
  type BaselineRecord,
} from '@tideline/contracts';

/**
 * Calm points (value 0) go on this long after the last refusal: four times the built-in policy's `clearDurationMs`
 * (15 s), so the anomaly service sees enough calm to resolve the alert; then the series falls silent.
 */
export const SELF_MONITORING_CALM_MS = 4 * SELF_MONITORING_ALERT_POLICY.clearDurationMs;

export interface CardinalityMonitorOptions {
  readonly service: string;
  readonly consumerGroup: string;
  /** Publishes one judged-point record on the baselines topic (keyed by its series). */
  readonly publish: (record: BaselineRecord) => Promise<void>;
  /** A publish failed: its refusals are published with the next point. */
  readonly onError: (error: unknown) => void;
  readonly intervalMs?: number;
  readonly calmMs?: number;
  readonly now?: () => number;
}

/**
 * Tideline's self-monitoring series `tideline.cardinality_exceeded|host=<this host>|group=…|service=…` (the reserved
 * `tideline.` prefix: no user series can feed or imitate it), published as judged points on the baselines topic like
 * every other series, so the anomaly service decides, publishes and resolves its alert with the normal lifecycle
 * (built-in policy `SELF_MONITORING_ALERT_POLICY`: critical, fires at the first refusal). From the first refusal, one
 * point every {@link SELF_MONITORING_INTERVAL_MS}: value = events of new series refused since the previous point, score
 * 1 and the band [0, 0] when any were, else value 0 and score 0; after {@link SELF_MONITORING_CALM_MS} without a
 * refusal the points stop until the next one. An instance that stops while its alert is open (even killed) sends no calm
 * points: the anomaly service resolves the alert once the series has been silent for `SELF_MONITORING_SILENCE_MS`.
 */
export class CardinalityMonitor {
  readonly host = hostname();
  readonly tags: Readonly<Record<string, string>>;
  readonly series: string;
  private readonly intervalMs: number;
  private readonly calmMs: number;
  private readonly now: () => number;
  /** Refusals of this instance run so far, and how many of them a published point carries. */
  private total = 0;
  private reported = 0;
  private lastRefusalMs = Number.NEGATIVE_INFINITY;
  private lastTs = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(private readonly options: CardinalityMonitorOptions) {
    this.intervalMs = options.intervalMs ?? SELF_MONITORING_INTERVAL_MS;
    this.calmMs = options.calmMs ?? SELF_MONITORING_CALM_MS;
    this.now = options.now ?? Date.now;
    this.tags = { group: options.consumerGroup, service: options.service };
    this.series = seriesKey({ metric: SELF_METRIC_NAMES.cardinalityExceeded, host: this.host, tags: this.tags });
  }

  /** After each batch: the refusals of this instance run so far. A new refusal starts the points (one at once). */
  observe(refusedSoFar: number): void {
    this.total = refusedSoFar;
    if (this.total > this.reported && this.timer === undefined) {
      this.timer = setInterval(() => void this.tick(), this.intervalMs);
      this.timer.unref();
      void this.tick();
    }
  }

  /** Publishes the next point (or stops, once calm long enough). Skipped while the previous publish is pending. */
  async tick(): Promise<void> {
    if (this.busy) return;
    const nowMs = Math.max(this.now(), this.lastTs + 1);
    const refused = this.total - this.reported;
    if (refused > 0) this.lastRefusalMs = nowMs;
    else if (nowMs - this.lastRefusalMs > this.calmMs) {
      this.stop();
      return;
    }
    this.busy = true;
    try {
      await this.options.publish(baselineRecordOf([this.point(nowMs, refused)]));
      this.reported += refused;
      this.lastTs = nowMs;
    } catch (error) {
      this.options.onError(error);
    } finally {
      this.busy = false;
    }
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The judged point at `ts` (processing time: the series has no event time of its own). */
  point(ts: number, refused: number): BaselinePoint {
    return selfMonitoringPoint(
      { series: this.series, host: this.host, metric: SELF_METRIC_NAMES.cardinalityExceeded, tags: this.tags },
      ts,
      refused,
    );
  }
}
