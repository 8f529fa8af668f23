import type { NabProfile } from './nab-profiles';

/**
 * NAB's published 0–100 score (SCORING.md §4.8): 100·(raw − null)/(perfect − null), where the null detector never
 * detects (raw = −A_FN per window) and the perfect one detects every window on its first row (raw = A_TP per window).
 * @example normaliseScore(-24.0131054891, standardProfile, 116) // 39.6495...
 */
export function normaliseScore(raw: number, profile: NabProfile, windowCount: number): number {
  const nullScore = -profile.fnWeight * windowCount;
  const perfect = profile.tpWeight * windowCount;
  return (100 * (raw - nullScore)) / (perfect - nullScore);
}
