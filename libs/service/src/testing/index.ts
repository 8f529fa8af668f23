// Test helpers for the services, imported as `@tideline/service/testing`: kept out of the main entry point so that
// production code never loads them.
export * from './service-process';
export * from './service-shell.suite';
