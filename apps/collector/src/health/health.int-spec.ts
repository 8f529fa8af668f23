import { join } from 'node:path';
import { serviceShellSuite } from '@tideline/service/testing';
import { expectEventually, stackFromEnv, uniqueDatabase, uniqueTopic } from '@tideline/testing';

serviceShellSuite({
  app: 'collector',
  main: join(__dirname, '..', '..', 'dist', 'main.js'),
  dependencies: ['kafka'],
  stack: stackFromEnv(),
  eventually: expectEventually,
  // The collection feature runs too: its metric events go to a topic of this test's own.
  env: {
    TIDELINE__COLLECTOR__TOPIC: uniqueTopic('collector-shell'),
    INFLUX_DATABASE: uniqueDatabase('collector_shell'),
  },
});
