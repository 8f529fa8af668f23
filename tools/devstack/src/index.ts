// The local development stack: Kafka and InfluxDB under .tideline/ (or $TIDELINE_HOME), and what the tideline
// command builds its other commands from (settings, managed processes, reports).
export * from './console-output';
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
