import { join } from 'node:path';
import { serviceShellSuite } from '@tideline/service/testing';
import { expectEventually, stackFromEnv } from '@tideline/testing';

serviceShellSuite({
  app: 'reporter',
  main: join(__dirname, '..', 'main.js'),
  dependencies: ['influx', 'kafka'],
  stack: stackFromEnv(),
  eventually: expectEventually,
});
