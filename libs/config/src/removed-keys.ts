/**
 * Keys an earlier version read and this one refuses, each with what took its place: a config file written for an
 * earlier version then stops with the reason instead of a bare "is not a known key".
 */
export const REMOVED_KEYS: Readonly<Record<string, string>> = {
  'baseline.topics.alerts':
    'the baseline service no longer writes the alerts topic (its self-monitoring travels as judged points on the baselines topic); delete the key',
  'anomaly.lifecycle.sensitivity':
    'sensitivity is set once for both services in alerting.defaults.sensitivity or per rule in alerting.rules[].sensitivity',
};
