import { join } from 'node:path';
import { serviceShellSuite } from '@tideline/service/testing';
import { expectEventually, stackFromEnv, uniqueDatabase, uniqueGroup, uniqueTopic } from '@tideline/testing';

serviceShellSuite({
  app: 'anomaly',
  main: join(__dirname, '..', '..', 'dist', 'main.js'),
  dependencies: ['kafka', 'influx'],
  // it alerts without InfluxDB, where it only records the alerts
  degradesOnly: ['influx'],
  stack: stackFromEnv(),
  eventually: expectEventually,
  // The anomaly pipeline runs too: topics, groups and database of this test's own.
  env: {
    INFLUX_DATABASE: uniqueDatabase('anomaly_shell'),
    TIDELINE__ANOMALY__TOPICS__BASELINES: uniqueTopic('anomaly-shell-baselines'),
    TIDELINE__ANOMALY__TOPICS__ALERT_STATE: uniqueTopic('anomaly-shell-alert-state'),
    TIDELINE__ANOMALY__TOPICS__ALERTS: uniqueTopic('anomaly-shell-alerts'),
    TIDELINE__ANOMALY__CONSUMER_GROUP: uniqueGroup('anomaly-shell'),
    TIDELINE__ANOMALY__WEBHOOK_CONSUMER_GROUP: uniqueGroup('anomaly-shell-webhooks'),
  },
});
