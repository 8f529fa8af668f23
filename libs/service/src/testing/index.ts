// The services' shell contract as a test suite, imported as `@tideline/service/testing`: kept out of the main entry
// point so that production code never loads it. Free ports, spawned services and the other test helpers are
// imported from @tideline/testing, their one home.
export * from './service-shell.suite';
