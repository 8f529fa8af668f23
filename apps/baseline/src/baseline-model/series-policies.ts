import { compileAlertRules, type AlertRules, type AlertingSection } from '@tideline/config';
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

  constructor(section: AlertingSection) {
    this.rules = compileAlertRules(section);
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
