/** How eager alerting is: a named level or a number in (0, 1] (the score at which an alert fires). */
export type Sensitivity = 'low' | 'medium' | 'high' | number;

/** Score levels and band width that a sensitivity stands for. */
export interface SensitivityLevels {
  /** Score at or above which a point counts towards firing. */
  fireLevel: number;
  /** Score below which a point counts towards clearing (hysteresis: below `fireLevel`). */
  clearLevel: number;
  /** Confidence of the expected band shown with an alert. */
  bandConfidence: number;
}

const NAMED: Record<'low' | 'medium' | 'high', SensitivityLevels> = {
  // The detector scores its alerts r/(r + 1), r being the surprise relative to what this series usually does
  // (r = 1: as unusual as its own ~99.7th percentile and its recent maximum), so every detector alert is ≥ 0.5;
  // other points score 0.3·r/(r + 1) < 0.3.
  // Alerts per 1,000 points of white noise (16 × 21 days at 5 minutes, `tideline eval --false-alerts`): low 0,
  // medium 0.11, high 0.21; every alert is also beyond the 1 − 1e-5 tail of its statistic under the model.
  // low: only alerts at least 1.5× beyond the series' usual extremes.
  low: { fireLevel: 0.6, clearLevel: 0.25, bandConfidence: 0.999 },
  // medium: the detector's own alerts (the configuration scored on NAB).
  medium: { fireLevel: 0.5, clearLevel: 0.25, bandConfidence: 0.99 },
  // high: also near-alerts (r ≥ 0.875) and the aftershocks the detector suppresses.
  high: { fireLevel: 0.14, clearLevel: 0.07, bandConfidence: 0.95 },
};

/**
 * Maps a sensitivity (per metric or group) to the score levels the alert state machine uses. A number is the fire
 * level itself; its clear level is half of it (hysteresis).
 *
 * Complexity: O(1).
 *
 * @example
 * ```ts
 * resolveSensitivity('medium'); // { fireLevel: 0.5, clearLevel: 0.25, bandConfidence: 0.99 }
 * resolveSensitivity(0.8).clearLevel; // 0.4
 * ```
 */
export function resolveSensitivity(sensitivity: Sensitivity): SensitivityLevels {
  if (typeof sensitivity === 'number') {
    if (!(sensitivity > 0 && sensitivity <= 1)) {
      throw new RangeError(`sensitivity must be 'low', 'medium', 'high' or a number in (0, 1], got ${sensitivity}`);
    }
    return { fireLevel: sensitivity, clearLevel: sensitivity / 2, bandConfidence: 0.99 };
  }
  const named = NAMED[sensitivity];
  if (named === undefined) {
    throw new RangeError(
      `sensitivity must be 'low', 'medium', 'high' or a number in (0, 1], got ${String(sensitivity)}`,
    );
  }
  return { ...named };
}
