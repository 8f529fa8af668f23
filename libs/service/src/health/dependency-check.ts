/**
 * One dependency the service cannot work without. `check` resolves when the dependency answers and rejects (with a
 * message saying what went wrong) when it does not. Register it with {@link HealthChecks.register}.
 */
export interface DependencyCheck {
  /** Short lower-case name shown in the `/health` body and the `tideline_dependency_up` metric, e.g. `kafka`. */
  readonly name: string;
  check(): Promise<unknown>;
}

export interface DependencyCheckResult {
  readonly ok: boolean;
  /** How long the check took, in milliseconds. */
  readonly ms: number;
  /** Why it failed; absent when ok. */
  readonly error?: string;
}

/** The `/health` body. `failed` lists the names of the dependencies that did not answer, in registration order. */
export interface HealthReport {
  readonly status: 'ok' | 'unavailable';
  readonly service: string;
  readonly failed: readonly string[];
  readonly checks: Readonly<Record<string, DependencyCheckResult>>;
}
