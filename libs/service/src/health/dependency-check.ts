/**
 * One dependency the service cannot work without. `check` resolves when the dependency answers and rejects (with a
 * message saying what went wrong) when it does not. Register it with {@link HealthChecks.register}.
 */
export interface DependencyCheck {
  /** Short lower-case name shown in the `/health` body and the `tideline_dependency_up` metric, e.g. `kafka`. */
  readonly name: string;
  check(): Promise<unknown>;
  /**
   * The service still does its job without it (e.g. the anomaly service alerts while InfluxDB, where it only records
   * alerts, is down): a failure makes `/health` report `degraded` with 200 instead of 503.
   */
  readonly degradesOnly?: boolean;
}

export interface DependencyCheckResult {
  readonly ok: boolean;
  /** How long the check took, in milliseconds. */
  readonly ms: number;
  /** Why it failed; absent when ok. */
  readonly error?: string;
}

/**
 * The `/health` body. `failed` lists the dependencies the service cannot work without that did not answer (503),
 * `degraded` those it can (200), each in registration order.
 */
export interface HealthReport {
  readonly status: 'ok' | 'degraded' | 'unavailable';
  readonly service: string;
  readonly failed: readonly string[];
  readonly degraded: readonly string[];
  readonly checks: Readonly<Record<string, DependencyCheckResult>>;
}
