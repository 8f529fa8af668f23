import {
  compileAlertRules,
  compileGlob,
  type AlertRules,
  type AlertingSection,
  type ReporterLimit,
} from '@tideline/config';
import type { MetricEvent } from '@tideline/contracts';
import { createSeriesModelFactory, type SeriesModelFactory } from '@tideline/stats';
import { FleetPriors } from './fleet-priors';

/**
 * Which model a series gets: the one model family of libs/stats, its band drawn at the band confidence of the
 * sensitivity the series' alert rule gives it (`alerting`, the same rules the anomaly service decides with), so the
 * band stored for a point is the band on its alert at any sensitivity. A new series starts from its metric's fleet
 * prior ({@link FleetPriors}).
 */
export class SeriesPolicies {
  private readonly rules: AlertRules;
  private readonly factories = new Map<string, SeriesModelFactory>();
  /** Per metric name: what its series have learned is usual (in memory, per instance). */
  readonly priors = new FleetPriors();

  private readonly limits: readonly {
    readonly metric: (s: string) => boolean;
    readonly host: (s: string) => boolean;
  }[];

  constructor(section: AlertingSection, limits: readonly Pick<ReporterLimit, 'metric' | 'hosts'>[] = []) {
    this.rules = compileAlertRules(section);
    this.limits = limits.map((l) => ({
      metric: compileGlob(l.metric),
      host: l.hosts === undefined ? () => true : compileGlob(l.hosts),
    }));
  }

  /**
   * Whether a series keeps a trend summary: its metric (and host) match a limit of `reporter.limits`, as the
   * reporter's projections pick their series. Asked once per series, when its model enters memory.
   */
  keepsTrend(event: Pick<MetricEvent, 'metric' | 'host'>): boolean {
    return this.limits.some((l) => l.metric(event.metric) && l.host(event.host));
  }

  modelsFor(event: Pick<MetricEvent, 'metric' | 'host' | 'tags'>): SeriesModelFactory {
    const { sensitivity } = this.rules.resolve(event);
    const key = `${String(sensitivity)}\u0000${event.metric}`;
    let factory = this.factories.get(key);
    if (factory === undefined) {
      factory = this.priors.factoryFor(event.metric, createSeriesModelFactory(sensitivity));
      this.factories.set(key, factory);
    }
    return factory;
  }
}
