import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The anomaly service's counters on `/metrics` (registered in the service's own prom-client registry). */
export class AnomalyMetrics {
  readonly events: Counter;
  readonly rejected: Counter<'reason'>;
  readonly alerts: Counter<'state' | 'severity'>;
  readonly statesPersisted: Counter;
  readonly snapshotFailures: Counter;
  readonly batchSeconds: Histogram;
  readonly series: Gauge;
  readonly openIncidents: Gauge;
  readonly modelsStarted: Gauge<'from'>;
  readonly scoresDropped: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.events = new Counter({
      name: 'tideline_anomaly_events_scored_total',
      help: 'Metric events scored.',
      registers,
    });
    this.rejected = new Counter({
      name: 'tideline_anomaly_records_rejected_total',
      help: 'Records of the metrics topic that could not be decoded (dead-lettered when anomaly.deadLetter is on, else skipped; the baseline service dead-letters them).',
      labelNames: ['reason'],
      registers,
    });
    this.alerts = new Counter({
      name: 'tideline_anomaly_alerts_total',
      help: 'Alert events published.',
      labelNames: ['state', 'severity'],
      registers,
    });
    this.statesPersisted = new Counter({
      name: 'tideline_anomaly_alert_states_persisted_total',
      help: 'Alert lifecycle states written to the compacted alert-state topic.',
      registers,
    });
    this.snapshotFailures = new Counter({
      name: 'tideline_anomaly_model_snapshot_failures_total',
      help: 'Periodic model snapshots that could not be written (the previous snapshot stays the one a restart resumes).',
      registers,
    });
    this.batchSeconds = new Histogram({
      name: 'tideline_anomaly_batch_seconds',
      help: 'Time to score one batch and publish its alerts.',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.series = new Gauge({
      name: 'tideline_anomaly_series',
      help: 'Series with working state in memory.',
      registers,
    });
    this.openIncidents = new Gauge({
      name: 'tideline_anomaly_open_incidents',
      help: 'Series firing or recovering.',
      registers,
    });
    this.modelsStarted = new Gauge({
      name: 'tideline_anomaly_models_started',
      help: 'Series models started since the process started, by origin: own (its persisted state), baseline (a baseline checkpoint), new.',
      labelNames: ['from'],
      registers,
    });
    this.scoresDropped = new Gauge({
      name: 'tideline_anomaly_scores_dropped',
      help: 'Score points dropped or rejected by the InfluxDB writer since start.',
      registers,
    });
  }
}
