import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceShellSuite } from '@tideline/service/testing';
import { expectEventually, stackFromEnv, uniqueDatabase } from '@tideline/testing';

serviceShellSuite({
  app: 'reporter',
  main: join(__dirname, '..', '..', 'dist', 'main.js'),
  dependencies: ['influx', 'kafka'],
  stack: stackFromEnv(),
  eventually: expectEventually,
  // The reporter's features run too: a database and a data folder of this test's own.
  env: {
    INFLUX_DATABASE: uniqueDatabase('reporter_shell'),
    TIDELINE__REPORTER__DATA_DIR: mkdtempSync(join(tmpdir(), 'tideline-reporter-shell-')),
  },
});
