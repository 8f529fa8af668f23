import { join } from 'node:path';
import { serviceShellSuite } from '@tideline/service/testing';
import { expectEventually, stackFromEnv } from '@tideline/testing';

serviceShellSuite({
  app: 'collector',
  main: join(__dirname, '..', 'main.js'),
  dependencies: ['kafka'],
  stack: stackFromEnv(),
  eventually: expectEventually,
});
