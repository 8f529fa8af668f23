/** NAB's application profiles (`config/profiles.json`): weights of a true positive, false positive and missed window. */
export type NabProfileName = 'standard' | 'reward_low_FP_rate' | 'reward_low_FN_rate';

export interface NabProfile {
  readonly name: NabProfileName;
  /** A_TP: value of detecting a window at its first row. */
  readonly tpWeight: number;
  /** A_FP: cost of a detection far from any window. */
  readonly fpWeight: number;
  /** A_FN: cost of a window with no detection. */
  readonly fnWeight: number;
}

export const NAB_PROFILE_NAMES: readonly NabProfileName[] = ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'];

/** The NAB v1.1 weights (tnWeight is never used by the scoring, so it is not carried). */
export const NAB_PROFILES: readonly NabProfile[] = [
  { name: 'standard', tpWeight: 1, fpWeight: 0.11, fnWeight: 1 },
  { name: 'reward_low_FP_rate', tpWeight: 1, fpWeight: 0.22, fnWeight: 1 },
  { name: 'reward_low_FN_rate', tpWeight: 1, fpWeight: 0.11, fnWeight: 2 },
];

/** Short keys used in `--json` output: `reward_low_FP_rate` → `reward_low_FP`. */
export function profileShortName(name: NabProfileName): 'standard' | 'reward_low_FP' | 'reward_low_FN' {
  return name === 'standard' ? 'standard' : name === 'reward_low_FP_rate' ? 'reward_low_FP' : 'reward_low_FN';
}
