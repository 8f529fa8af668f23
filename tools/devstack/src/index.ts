// The local development stack: Kafka and InfluxDB under .tideline/ (or $TIDELINE_HOME). `startStack`, `stopStack`
// and `stackStatus` are what `tideline stack up|down|status` and the integration tests' harness call; the rest is
// what the tideline command builds its other commands from (settings, managed processes, reports).
export * from './console-output';
export * from './dev-stack';
export * from './influx-config';
export * from './kafka-classpath';
export * from './log-tail';
export * from './managed-component';
export * from './pid-file';
export * from './prerequisites';
export * from './readiness';
export * from './repo-root';
export * from './report';
export * from './secured-kafka';
export * from './secured-kafka-config';
export * from './stack';
export * from './stack-settings';
