import { SELF_MONITORING_INTERVAL_MS, SELF_MONITORING_SILENCE_MS } from '@tideline/config';
import { SELF_METRIC_PREFIX, selfMonitoringPoint, seriesKeyParts, type BaselinePoint } from '@tideline/contracts';
import type { AlertLifecycleState } from '../alert-lifecycle/alert-lifecycle.state';

/**
 * The calm points that resolve the open alert of a self-monitoring series (`tideline.*`) whose instance has gone
 * silent: no point for `SELF_MONITORING_SILENCE_MS` (libs/config) of processing time `nowMs` after its latest one,
 * which carries its instance's clock. Undefined for any other series, one without an open incident (firing or
 * clearing), or one heard from recently.
 *
 * Two calm points (value 0, score 0, inside the band [0, 0]): one when its next point was due (latest +
 * `SELF_MONITORING_INTERVAL_MS`), one at latest + `SELF_MONITORING_SILENCE_MS`. They are further apart than the
 * built-in policy's `clearDurationMs`, so the lifecycle resolves on them, with `resolvedAt` the due time (or the start
 * of a clearing already under way). They follow from the state alone: every instance that finds the same silence
 * derives the same points, and a copy processed after the first changes nothing (its points are not after the
 * lifecycle's latest). Pure: the time comes in as `nowMs`.
 */
export function silenceResolution(state: AlertLifecycleState, nowMs: number): BaselinePoint[] | undefined {
  if (!state.series.startsWith(SELF_METRIC_PREFIX)) return undefined;
  const { status } = state.machine;
  if (status !== 'firing' && status !== 'clearing') return undefined;
  if (!(nowMs - state.lastTs >= SELF_MONITORING_SILENCE_MS)) return undefined;
  const parts = seriesKeyParts(state.series);
  if (parts === undefined) return undefined;
  return [SELF_MONITORING_INTERVAL_MS, SELF_MONITORING_SILENCE_MS].map((afterMs) =>
    selfMonitoringPoint({ series: state.series, ...parts }, state.lastTs + afterMs, 0),
  );
}
