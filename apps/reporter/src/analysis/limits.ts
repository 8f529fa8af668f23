import type { LimitRef } from '../report/report.schema';

/** One configured limit (from `reporter.limits`): a metric name or glob, optionally only for some hosts. */
export interface LimitRule {
  /** Metric name or glob (`*` any characters, `?` one), e.g. `disk.used_percent` or `latency.*`. */
  readonly metric: string;
  /** Host glob; default every host. */
  readonly hosts?: string;
  readonly limit: number;
  readonly kind: 'capacity' | 'slo';
  readonly label?: string;
}

/** Glob → anchored RegExp (`*`, `?`; everything else literal). */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** Resolves the limit of a series: the first rule whose metric and host globs match, in config order. */
export class LimitResolver {
  private readonly compiled: { rule: LimitRule; metric: RegExp; hosts?: RegExp; index: number }[];

  constructor(rules: readonly LimitRule[]) {
    this.compiled = rules.map((rule, index) => ({
      rule,
      index,
      metric: globToRegExp(rule.metric),
      ...(rule.hosts ? { hosts: globToRegExp(rule.hosts) } : {}),
    }));
  }

  get isEmpty(): boolean {
    return this.compiled.length === 0;
  }

  resolve(metric: string, host: string): LimitRef | undefined {
    for (const c of this.compiled) {
      if (!c.metric.test(metric)) continue;
      if (c.hosts && !c.hosts.test(host)) continue;
      return {
        kind: c.rule.kind,
        limit: c.rule.limit,
        label: c.rule.label ?? (c.rule.kind === 'slo' ? `SLO ${c.rule.limit}` : `limit ${c.rule.limit}`),
        source: `reporter.limits[${c.index}]`,
      };
    }
    return undefined;
  }

  /**
   * An InfluxQL regex that selects the metrics any rule may match, so the trend query reads only those series
   * (`metric =~ /^(disk\.used_percent|latency\..*)$/`).
   */
  metricRegex(): string | undefined {
    if (this.compiled.length === 0) return undefined;
    const parts = this.compiled.map((c) => c.metric.source.slice(1, -1));
    return `^(${[...new Set(parts)].join('|')})$`;
  }
}
