import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The baseline service's counters on `/metrics`. */
export class BaselineMetrics {
  readonly events: Counter;
  readonly deadLettered: Counter<'reason'>;
  readonly stringFieldsSkipped: Counter;
  readonly checkpoints: Counter;
  readonly pointsPublished: Counter;
  readonly notLearned: Counter;
  readonly batchSeconds: Histogram;
  readonly series: Gauge;
  readonly modelsRestored: Gauge;
  readonly checkpointTableEntries: Gauge;
  readonly influxDropped: Gauge;
  readonly seriesRefused: Counter<'cap'>;
  readonly seriesEvicted: Gauge<'reason'>;
  readonly influxPointsRejected: Counter<'reason'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.events = new Counter({
      name: 'tideline_baseline_events_learned_total',
      help: 'Metric events fed to the series models.',
      registers,
    });
    this.deadLettered = new Counter({
      name: 'tideline_baseline_records_dead_lettered_total',
      help: 'Records of the metrics topic that could not be decoded, by reason (sent to the dead-letter topic when baseline.deadLetter is on).',
      labelNames: ['reason'],
      registers,
    });
    this.stringFieldsSkipped = new Counter({
      name: 'tideline_baseline_string_fields_skipped_total',
      help: 'String fields of line-protocol lines that also carry numbers: not measurements, so not scored (a line of only strings is dead-lettered no_numeric_field).',
      registers,
    });
    this.checkpoints = new Counter({
      name: 'tideline_baseline_checkpoints_total',
      help: 'Model checkpoints written.',
      registers,
    });
    this.pointsPublished = new Counter({
      name: 'tideline_baseline_points_published_total',
      help: 'Judged points published to the baselines topic (one per point a model learned).',
      registers,
    });
    this.notLearned = new Counter({
      name: 'tideline_baseline_events_not_learned_total',
      help: "Metric events whose time was not after their series' latest learned point (a redelivery, or events of a series out of order): stored in points, not judged or published again.",
      registers,
    });
    this.batchSeconds = new Histogram({
      name: 'tideline_baseline_batch_seconds',
      help: 'Time to score and learn one batch, publish it, write it to InfluxDB and checkpoint it.',
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.series = new Gauge({ name: 'tideline_baseline_series', help: 'Series models in memory.', registers });
    this.modelsRestored = new Gauge({
      name: 'tideline_baseline_models_restored',
      help: 'Series models restored from a checkpoint since start.',
      registers,
    });
    this.checkpointTableEntries = new Gauge({
      name: 'tideline_baseline_checkpoint_table_entries',
      help: 'Series with a checkpoint in the checkpoint table (on disk, baseline.checkpointTableDir): every series ever checkpointed.',
      registers,
    });
    this.influxDropped = new Gauge({
      name: 'tideline_baseline_influx_points_dropped',
      help: 'Points dropped or rejected by the InfluxDB writer since start.',
      registers,
    });
    this.seriesRefused = new Counter({
      name: 'tideline_baseline_series_refused_total',
      help: 'Events of new series refused (dead-lettered cardinality_exceeded) because a series cap is reached, by cap (limits.maxActiveSeries, limits.maxSeriesPerHost).',
      labelNames: ['cap'],
      registers,
    });
    this.seriesEvicted = new Gauge({
      name: 'tideline_baseline_series_evicted',
      help: 'Series models that left memory since start, by reason (idle: limits.idleEvictionMs; lru: limits.maxSeriesInMemory); they reload from their checkpoint.',
      labelNames: ['reason'],
      registers,
    });
    this.influxPointsRejected = new Counter({
      name: 'tideline_baseline_influx_points_rejected_total',
      help: 'Points InfluxDB refused one by one (partial writes), sent to the points dead-letter topic, by InfluxDB reason.',
      labelNames: ['reason'],
      registers,
    });
  }
}
