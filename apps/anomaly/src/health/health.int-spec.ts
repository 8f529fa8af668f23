import { join } from 'node:path';
import { serviceShellSuite } from '@tideline/service/testing';
import { expectEventually, stackFromEnv } from '@tideline/testing';

serviceShellSuite({
  app: 'anomaly',
  main: join(__dirname, '..', 'main.js'),
  dependencies: ['kafka', 'influx'],
  stack: stackFromEnv(),
  eventually: expectEventually,
});
