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
  // Detector scores of alerts are r/(r+1) with r the surprise relative to what the series usually does:
  // 0.5 = as unusual as this series' own 99.8th percentile or its recent maximum.
  low: { fireLevel: 0.7, clearLevel: 0.35, bandConfidence: 0.999 },
  medium: { fireLevel: 0.5, clearLevel: 0.25, bandConfidence: 0.99 },
  high: { fireLevel: 0.4, clearLevel: 0.2, bandConfidence: 0.95 },
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
