import { FleetPrior, type PointAssessment, type SeriesModel, type SeriesModelFactory } from '@tideline/stats';

/**
 * The baseline service's fleet priors, one per metric name (libs/stats' {@link FleetPrior}): a series of a metric
 * the fleet already knows (the same metric on other hosts) starts from what is usual for that metric instead of from
 * nothing, and each series teaches its metric's prior once, when it has learned its own references. Kept in memory
 * per instance, beside the models: after a restart the restored series teach it again as their points arrive.
 *
 * The hook is the model factory (see {@link SeriesPolicies.modelsFor}), so the model store needs no change.
 */
export class FleetPriors {
  private readonly byMetric = new Map<string, FleetPrior>();

  /** The metric's prior (created empty on first use). */
  of(metric: string): FleetPrior {
    let prior = this.byMetric.get(metric);
    if (prior === undefined) this.byMetric.set(metric, (prior = new FleetPrior()));
    return prior;
  }

  /** `base` for series of `metric`: a new model starts from the metric's prior; every model teaches it once. */
  factoryFor(metric: string, base: SeriesModelFactory): SeriesModelFactory {
    const fleet = this.of(metric);
    return {
      kind: base.kind,
      create: () => {
        const model = base.create();
        const prior = fleet.prior();
        if (prior !== undefined) model.applyPrior?.(prior);
        return new TeachingModel(model, fleet);
      },
      restore: (bytes) => new TeachingModel(base.restore(bytes), fleet),
    };
  }
}

/** A series model that hands its metric's fleet prior what it learned, once, as soon as it has learned it. */
class TeachingModel implements SeriesModel {
  private taught: boolean;

  constructor(
    private readonly model: SeriesModel,
    private readonly fleet: FleetPrior,
  ) {
    this.taught = model.priorSample === undefined;
  }

  get observations(): number {
    return this.model.observations;
  }

  get lastTs(): number {
    return this.model.lastTs;
  }

  assess(ts: number, value: number, out: PointAssessment): void {
    this.model.assess(ts, value, out);
    if (this.taught || !out.learned) return;
    const sample = this.model.priorSample!();
    if (sample === undefined) return;
    this.fleet.update(sample);
    this.taught = true;
  }

  snapshot(): Uint8Array {
    return this.model.snapshot();
  }
}
