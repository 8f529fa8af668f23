/**
 * Operator-facing figures of one detector run at one threshold, complementing the NAB score: how many anomaly
 * windows were caught and how early, and how many alerts were raised and how many of them were false. Pure.
 *
 * Definitions (only rows at or after each file's probationary period count, as in NAB):
 * - detection: a row whose score is ≥ the threshold (the one optimised for NAB's standard profile).
 * - window detected: at least one detection inside the window [L, R].
 * - fraction elapsed at first detection: (i − L) / w for the first detection i in the window, w = R − L + 1;
 *   0 = on the window's first row. Windows are centred on the labelled anomaly, so a fraction below 0.5 means the
 *   detection came before the labelled onset: that is "detected early".
 * - alert: a maximal run of consecutive detected rows in one file (an alert fires on the first detection and clears
 *   at the first row below the threshold).
 * - false alert: an alert none of whose rows lies inside a window. precision = true alerts / alerts raised.
 */
import type { RowUnits, ScoredFile } from './nab-scorer';

export interface DetectionReport {
  readonly threshold: number;
  readonly windows: {
    readonly total: number;
    readonly detected: number;
    readonly detected_early: number;
    readonly missed: number;
    /** Mean and median over detected windows of the fraction elapsed at first detection; null if none detected. */
    readonly mean_fraction_elapsed: number | null;
    readonly median_fraction_elapsed: number | null;
  };
  readonly alerts: {
    readonly raised: number;
    readonly true: number;
    readonly false: number;
    readonly precision: number | null;
    readonly false_per_file: number;
    readonly false_per_1000_points: number;
    /** Files with at least one false alert. */
    readonly files_with_false_alerts: number;
  };
  readonly rows: { readonly scorable: number; readonly detections: number; readonly inside_windows: number };
}

export interface FileDetections {
  readonly key: string;
  readonly alerts: number;
  readonly falseAlerts: number;
  readonly windows: number;
  readonly windowsDetected: number;
}

export function detectionReport(
  files: readonly ScoredFile[],
  units: readonly RowUnits[],
  threshold: number,
): DetectionReport & { readonly perFile: readonly FileDetections[] } {
  const fractions: number[] = [];
  let windowsTotal = 0;
  let early = 0;
  let raised = 0;
  let falseAlerts = 0;
  let scorable = 0;
  let detections = 0;
  let inside = 0;
  const perFile: FileDetections[] = [];
  files.forEach((file, f) => {
    const u = units[f]!;
    const n = u.windowOf.length;
    const firstDetection = new Int32Array(file.windows.length).fill(-1);
    let fileAlerts = 0;
    let fileFalse = 0;
    let inAlert = false;
    let alertTouchesWindow = false;
    const closeAlert = () => {
      if (!inAlert) return;
      fileAlerts++;
      if (!alertTouchesWindow) fileFalse++;
      inAlert = false;
    };
    for (let i = u.probation; i < n; i++) {
      scorable++;
      const w = u.windowOf[i]!;
      if (file.scores[i]! >= threshold) {
        detections++;
        if (!inAlert) {
          inAlert = true;
          alertTouchesWindow = false;
        }
        if (w >= 0) {
          inside++;
          alertTouchesWindow = true;
          if (firstDetection[w] === -1) firstDetection[w] = i;
        }
      } else closeAlert();
    }
    closeAlert();
    let fileWindows = 0;
    let fileDetected = 0;
    file.windows.forEach((win, k) => {
      if (!u.scorable[k]) return;
      fileWindows++;
      const first = firstDetection[k]!;
      if (first < 0) return;
      fileDetected++;
      const fraction = (first - win.start) / (win.end - win.start + 1);
      fractions.push(fraction);
      if (fraction < 0.5) early++;
    });
    windowsTotal += fileWindows;
    raised += fileAlerts;
    falseAlerts += fileFalse;
    perFile.push({
      key: file.key,
      alerts: fileAlerts,
      falseAlerts: fileFalse,
      windows: fileWindows,
      windowsDetected: fileDetected,
    });
  });
  const sorted = [...fractions].sort((a, b) => a - b);
  const median =
    sorted.length === 0
      ? null
      : sorted.length % 2 === 1
        ? sorted[(sorted.length - 1) / 2]!
        : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  return {
    threshold,
    windows: {
      total: windowsTotal,
      detected: fractions.length,
      detected_early: early,
      missed: windowsTotal - fractions.length,
      mean_fraction_elapsed: fractions.length === 0 ? null : fractions.reduce((a, b) => a + b, 0) / fractions.length,
      median_fraction_elapsed: median,
    },
    alerts: {
      raised,
      true: raised - falseAlerts,
      false: falseAlerts,
      precision: raised === 0 ? null : (raised - falseAlerts) / raised,
      false_per_file: files.length === 0 ? 0 : falseAlerts / files.length,
      false_per_1000_points: scorable === 0 ? 0 : (1000 * falseAlerts) / scorable,
      files_with_false_alerts: perFile.filter((p) => p.falseAlerts > 0).length,
    },
    rows: { scorable, detections, inside_windows: inside },
    perFile,
  };
}
