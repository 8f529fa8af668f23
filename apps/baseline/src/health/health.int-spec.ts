import { join } from 'node:path';
import { serviceShellSuite } from '@tideline/service/testing';
import { expectEventually, stackFromEnv, uniqueDatabase, uniqueGroup, uniqueTopic } from '@tideline/testing';

serviceShellSuite({
  app: 'baseline',
  main: join(__dirname, '..', '..', 'dist', 'main.js'),
  dependencies: ['kafka', 'influx'],
  stack: stackFromEnv(),
  eventually: expectEventually,
  // The baseline pipeline runs too: topics, group and database of this test's own.
  env: {
    INFLUX_DATABASE: uniqueDatabase('baseline_shell'),
    TIDELINE__BASELINE__TOPICS__METRICS: uniqueTopic('baseline-shell-metrics'),
    TIDELINE__BASELINE__TOPICS__BASELINES: uniqueTopic('baseline-shell-baselines'),
    TIDELINE__BASELINE__TOPICS__MODEL_CHECKPOINTS: uniqueTopic('baseline-shell-checkpoints'),
    TIDELINE__BASELINE__CONSUMER_GROUP: uniqueGroup('baseline-shell'),
  },
});
