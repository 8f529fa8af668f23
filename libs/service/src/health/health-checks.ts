import { performance } from 'node:perf_hooks';
import { Gauge, type Registry } from 'prom-client';
import { withTimeout } from '../with-timeout';
import type { DependencyCheck, DependencyCheckResult, HealthReport } from './dependency-check';

export interface HealthChecksOptions {
  readonly service: string;
  /** The registry the `tideline_dependency_up` gauge is registered in. */
  readonly registry: Registry;
  /** A check that has not answered by then counts as failed, so `/health` answers in bounded time. Default 3000. */
  readonly timeoutMs?: number;
}

/**
 * The dependency checks behind `GET /health`. This is the provider apps contribute to: inject `HealthChecks` and call
 * `register` (the Kafka and InfluxDB connection modules do, in their constructors), so a feature module can add a
 * dependency of its own without touching the health code.
 */
export class HealthChecks {
  private readonly checks = new Map<string, DependencyCheck>();
  private readonly up: Gauge<'dependency'>;
  readonly timeoutMs: number;

  constructor(private readonly options: HealthChecksOptions) {
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.up = new Gauge({
      name: 'tideline_dependency_up',
      help: 'Whether the dependency answered the last health check (1) or not (0).',
      labelNames: ['dependency'],
      registers: [options.registry],
    });
  }

  register(check: DependencyCheck): void {
    // Two checks under one name would hide one of them in the report: a wiring mistake, so fail at start-up.
    if (this.checks.has(check.name)) throw new Error(`a health check named "${check.name}" is already registered`);
    this.checks.set(check.name, check);
  }

  /** The app's registry: health-related gauges (e.g. consumer lag) go beside `tideline_dependency_up`. */
  get registry(): Registry {
    return this.options.registry;
  }

  names(): string[] {
    return [...this.checks.keys()];
  }

  /** Runs every check concurrently: unavailable when one the service needs fails, degraded when only others do. */
  async run(): Promise<HealthReport> {
    const entries = await Promise.all(
      [...this.checks.values()].map(async (check) => [check, await this.runOne(check)] as const),
    );
    const down = entries.filter(([, result]) => !result.ok).map(([check]) => check);
    const failed = down.filter((check) => check.degradesOnly !== true).map((check) => check.name);
    const degraded = down.filter((check) => check.degradesOnly === true).map((check) => check.name);
    return {
      status: failed.length > 0 ? 'unavailable' : degraded.length > 0 ? 'degraded' : 'ok',
      service: this.options.service,
      failed,
      degraded,
      checks: Object.fromEntries(entries.map(([check, result]) => [check.name, result])),
    };
  }

  private async runOne(check: DependencyCheck): Promise<DependencyCheckResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      await withTimeout(check.check(), this.timeoutMs);
      this.up.set({ dependency: check.name }, 1);
      return { ok: true, ms: elapsed() };
    } catch (error) {
      this.up.set({ dependency: check.name }, 0);
      return { ok: false, ms: elapsed(), error: error instanceof Error ? error.message : String(error) };
    }
  }
}
