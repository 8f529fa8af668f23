/** Which metrics a collector publishes: globs over the metric name. */
export interface MetricFilterSpec {
  /** Publish only metrics matching one of these; empty publishes every metric. */
  readonly allow: readonly string[];
  /** Never publish metrics matching one of these; wins over `allow`. */
  readonly deny: readonly string[];
}

/**
 * Compiles allow/deny globs into a predicate over metric names. `*` matches any run of characters (dots included,
 * so `disk.*` covers `disk.read_bytes_per_sec`), `?` exactly one; everything else is literal and the whole name must
 * match. Deny wins over allow.
 *
 * @example compileMetricFilter({ allow: ['cpu.*', 'mem.*'], deny: ['cpu.core.*'] })('cpu.core.usage_percent') // false
 */
export function compileMetricFilter(spec: MetricFilterSpec): (metric: string) => boolean {
  const allow = spec.allow.map(globToRegExp);
  const deny = spec.deny.map(globToRegExp);
  return (metric) =>
    !deny.some((pattern) => pattern.test(metric)) &&
    (allow.length === 0 || allow.some((pattern) => pattern.test(metric)));
}

export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const char of glob) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}
