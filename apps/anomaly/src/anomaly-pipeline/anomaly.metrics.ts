import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The anomaly service's counters on `/metrics` (registered in the service's own prom-client registry). */
export class AnomalyMetrics {
  readonly events: Counter;
  readonly rejected: Counter<'reason'>;
  readonly alerts: Counter<'state' | 'severity'>;
  readonly statesPersisted: Counter;
  readonly batchSeconds: Histogram;
  readonly series: Gauge;
  readonly openIncidents: Gauge;
  readonly alertsNotStored: Gauge;
  readonly seriesEvicted: Gauge<'reason'>;
  readonly influxPointsRejected: Counter<'reason'>;

  constructor(
    registry: Registry,
    /** Series firing or recovering now: counted when `/metrics` is read, not after every batch (a walk of every series). */
    openIncidents: () => number = () => 0,
  ) {
    const registers = [registry];
    this.events = new Counter({
      name: 'tideline_anomaly_points_decided_total',
      help: 'Judged points of the baselines topic the alert lifecycles were advanced with.',
      registers,
    });
    this.rejected = new Counter({
      name: 'tideline_anomaly_records_rejected_total',
      help: 'Records of the baselines topic that could not be decoded or processed (dead-lettered with the reason).',
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
    this.batchSeconds = new Histogram({
      name: 'tideline_anomaly_batch_seconds',
      help: 'Time to decide one batch and publish its alerts.',
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
      collect() {
        this.set(openIncidents());
      },
    });
    this.alertsNotStored = new Gauge({
      name: 'tideline_anomaly_alerts_not_stored',
      help: 'Alert transitions dropped or rejected by the InfluxDB writer since start (they were published on the alerts topic).',
      registers,
    });
    this.seriesEvicted = new Gauge({
      name: 'tideline_anomaly_series_evicted',
      help: 'Series lifecycles that left memory since start, by reason (idle: limits.idleEvictionMs; lru: limits.maxSeriesInMemory); they reload from the alert-state topic.',
      labelNames: ['reason'],
      registers,
    });
    this.influxPointsRejected = new Counter({
      name: 'tideline_anomaly_influx_points_rejected_total',
      help: 'Alert rows InfluxDB refused one by one (partial writes), sent to the points dead-letter topic, by InfluxDB reason (the alerts themselves were published).',
      labelNames: ['reason'],
      registers,
    });
  }
}
