import { SELF_METRIC_PREFIX } from '@tideline/contracts';
import {
  ALERT_POLICY_DEFAULTS,
  type AlertDefaultsSection,
  type AlertingSection,
  type AlertMatch,
  type AlertPolicyDefaults,
  type AlertRule,
  type AlertSeverity,
  type Sensitivity,
} from './sections/alerting.section';

/** What a rule is matched against: a series' identity. */
export interface AlertSeries {
  readonly metric: string;
  readonly host: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** The alert policy of one series, every key resolved. */
export interface ResolvedAlertPolicy {
  /** The rule that matched: its `name`, else `rules[<index>]`; `default` when none did. */
  readonly rule: string;
  readonly sensitivity: Sensitivity;
  readonly upper?: number;
  readonly lower?: number;
  readonly minDurationMs: number;
  readonly clearDurationMs: number;
  readonly severity: AlertSeverity;
  /** With `severity: auto`: critical from this many band half-widths beyond the band. */
  readonly criticalBeyondBand: number;
  /** With `severity: auto`: a warning firing this long (event time since the incident started) escalates; 0 never. */
  readonly criticalAfterMs: number;
  readonly mute: boolean;
}

/** The compiled `alerting` section. */
export interface AlertRules {
  /**
   * The policy of a series: {@link SELF_MONITORING_ALERT_POLICY} for a self-monitoring series (no rule applies to those),
   * else the first matching rule's, completed by the defaults. Allocates nothing (the policies
   * are built at compile time); costs one test per given glob of each rule tried.
   */
  resolve(series: AlertSeries): ResolvedAlertPolicy;
}

/**
 * The built-in policy of Tideline's self-monitoring series (metric under `SELF_METRIC_PREFIX`, `tideline.`), resolved
 * before any rule so that no rule or default can mute, soften or delay it: any value above 0 (e.g. series refused by a
 * cap) breaches the static limit and fires at once, critical; it resolves once the series has been calm (value 0)
 * for `clearDurationMs` of its own points' time (the baseline service publishes calm points for a while after the
 * last refusal, see apps/baseline self-monitoring), or once it has been silent for {@link SELF_MONITORING_SILENCE_MS}.
 */
export const SELF_MONITORING_ALERT_POLICY: ResolvedAlertPolicy = Object.freeze({
  rule: 'tideline.self-monitoring',
  sensitivity: 'medium',
  upper: 0,
  minDurationMs: 0,
  clearDurationMs: 15_000,
  severity: 'critical',
  criticalBeyondBand: ALERT_POLICY_DEFAULTS.criticalBeyondBand,
  criticalAfterMs: 0,
  mute: false,
});

/** The baseline service publishes a point of each of its self-monitoring series this often while it has one to tell. */
export const SELF_MONITORING_INTERVAL_MS = 5000;

/**
 * A self-monitoring series with an open alert that has sent no point for this long (its instance stopped, was killed,
 * or cannot reach Kafka) has its alert resolved by the anomaly service: five points missed, with room for 25 s of
 * clock difference between hosts (a point carries its instance's clock).
 */
export const SELF_MONITORING_SILENCE_MS = 30_000;

/** The alert defaults with every key set: each from `alerting.defaults`, else from {@link ALERT_POLICY_DEFAULTS}. */
export function effectiveAlertDefaults(defaults: AlertDefaultsSection): AlertPolicyDefaults {
  return {
    sensitivity: defaults.sensitivity ?? ALERT_POLICY_DEFAULTS.sensitivity,
    minDurationMs: defaults.minDurationMs ?? ALERT_POLICY_DEFAULTS.minDurationMs,
    clearDurationMs: defaults.clearDurationMs ?? ALERT_POLICY_DEFAULTS.clearDurationMs,
    severity: defaults.severity ?? ALERT_POLICY_DEFAULTS.severity,
    criticalBeyondBand: defaults.criticalBeyondBand ?? ALERT_POLICY_DEFAULTS.criticalBeyondBand,
    criticalAfterMs: defaults.criticalAfterMs ?? ALERT_POLICY_DEFAULTS.criticalAfterMs,
  };
}

/**
 * Compiles the `alerting` section: every glob to a test once, every rule's policy completed by the defaults once.
 *
 * @example
 * const rules = compileAlertRules({ defaults: {}, rules: [{ name: 'disks', match: { metric: 'disk.*' }, upper: 90 }] });
 * rules.resolve({ metric: 'disk.used_percent', host: 'db-1', tags: {} }); // { rule: 'disks', upper: 90, sensitivity: 'medium', ... }
 * rules.resolve({ metric: 'cpu.total', host: 'db-1', tags: {} }).rule; // 'default'
 */
export function compileAlertRules(section: AlertingSection): AlertRules {
  const defaults = effectiveAlertDefaults(section.defaults);
  const fallback: ResolvedAlertPolicy = Object.freeze({ rule: 'default', ...defaults, mute: false });
  const compiled = section.rules.map((rule, index) => ({
    matches: compileMatch(rule.match),
    policy: resolvedPolicy(rule, `rules[${index}]`, defaults),
  }));
  return {
    resolve(series: AlertSeries): ResolvedAlertPolicy {
      if (series.metric.startsWith(SELF_METRIC_PREFIX)) return SELF_MONITORING_ALERT_POLICY;
      for (const { matches, policy } of compiled) if (matches(series)) return policy;
      return fallback;
    },
  };
}

function resolvedPolicy(rule: AlertRule, position: string, defaults: AlertPolicyDefaults): ResolvedAlertPolicy {
  return Object.freeze({
    rule: rule.name ?? position,
    sensitivity: rule.sensitivity ?? defaults.sensitivity,
    ...(rule.upper !== undefined ? { upper: rule.upper } : {}),
    ...(rule.lower !== undefined ? { lower: rule.lower } : {}),
    minDurationMs: rule.minDurationMs ?? defaults.minDurationMs,
    clearDurationMs: rule.clearDurationMs ?? defaults.clearDurationMs,
    severity: rule.severity ?? defaults.severity,
    criticalBeyondBand: rule.criticalBeyondBand ?? defaults.criticalBeyondBand,
    criticalAfterMs: rule.criticalAfterMs ?? defaults.criticalAfterMs,
    mute: rule.mute ?? false,
  });
}

type StringTest = (value: string) => boolean;

function compileMatch(match: AlertMatch): (series: AlertSeries) => boolean {
  const metric = match.metric === undefined ? undefined : compileGlob(match.metric);
  const host = match.host === undefined ? undefined : compileGlob(match.host);
  const tags = Object.entries(match.tags ?? {}).map(([name, pattern]) => [name, compileGlob(pattern)] as const);
  return (series) => {
    if (metric !== undefined && !metric(series.metric)) return false;
    if (host !== undefined && !host(series.host)) return false;
    for (const [name, test] of tags) {
      const value = series.tags[name];
      if (value === undefined || !test(value)) return false;
    }
    return true;
  };
}

const REGEX_SYNTAX = /[\\^$.*+?()[\]{}|/]/g;

/**
 * A test of the whole string against a glob: `*` any run of characters (also none), `?` exactly one character
 * (code point), everything else literal. Globs without wildcards compare as strings.
 */
export function compileGlob(glob: string): StringTest {
  if (glob === '*') return () => true;
  if (!/[*?]/.test(glob)) return (value) => value === glob;
  const source = glob
    .split(/([*?])/)
    .map((part) => (part === '*' ? '.*' : part === '?' ? '.' : part.replace(REGEX_SYNTAX, '\\$&')))
    .join('');
  const regex = new RegExp(`^(?:${source})$`, 'su');
  return (value) => regex.test(value);
}
