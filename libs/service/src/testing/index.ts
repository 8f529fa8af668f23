// Test helpers for the services, imported as `@tideline/service/testing`: kept out of the main entry point so that
// production code never loads them.
// Free ports and spawned services live in @tideline/testing (one implementation for tests, harnesses and benches);
// re-exported here for the services' tests that import them with the shell suite.
export { freePort, freePorts, startService, waitUntilHealthy, metricValue } from '@tideline/testing';
export type { ServiceExit, ServiceProcess, StartServiceOptions } from '@tideline/testing';
export * from './service-shell.suite';
