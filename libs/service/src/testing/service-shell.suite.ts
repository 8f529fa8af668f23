import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { ServiceName } from '@tideline/config';
import type { HealthReport } from '../health/dependency-check';
import { freePort, type ServiceProcess, startService } from '@tideline/testing';

export type ServiceDependency = 'kafka' | 'influx';

export interface ServiceShellSuiteOptions {
  readonly app: ServiceName;
  /** Absolute path of the app's compiled `main.js`. */
  readonly main: string;
  /** What the app connects to; each gets a "503 when it does not answer" test. */
  readonly dependencies: readonly ServiceDependency[];
  /** Those of `dependencies` the app works without: their test expects 200 `degraded` instead of 503. */
  readonly degradesOnly?: readonly ServiceDependency[];
  /** The running servers (`stackFromEnv()` of @tideline/testing). */
  readonly stack: { readonly kafkaBrokers: readonly string[]; readonly influxUrl: string };
  /**
   * How to wait for a condition: `expectEventually` of @tideline/testing. Passed in because a library may not
   * depend on the testing library (module boundaries).
   */
  readonly eventually: <T>(fn: () => T | Promise<T>, options?: { readonly timeoutMs?: number }) => Promise<T>;
  /**
   * More environment for every start, e.g. topics, consumer groups and a database of the test's own: the app runs
   * its features too, and they must not share data with other tests or a running Tideline.
   */
  readonly env?: Readonly<Record<string, string>>;
}

/** Start-up plus SIGTERM must finish well within this. */
const EXIT_TIMEOUT_MS = 5000;

/**
 * The contract every service's shell keeps, as `node:test` tests against the compiled app and the real servers:
 * ready on `/health` when its dependencies answer, 503 naming the one that does not, Prometheus text on `/metrics`,
 * exit 0 on SIGTERM, and a non-zero exit naming the key on a bad config value.
 */
export function serviceShellSuite(options: ServiceShellSuiteOptions): void {
  const { app, eventually } = options;

  const launch = async (t: TestContext, env: Record<string, string> = {}): Promise<ServiceProcess> => {
    const port = await freePort();
    const service = startService({
      main: options.main,
      port,
      env: {
        KAFKA_BROKERS: options.stack.kafkaBrokers.join(','),
        INFLUX_URL: options.stack.influxUrl,
        HTTP_PORT: String(port),
        ...options.env,
        ...env,
      },
    });
    t.after(() => service.kill());
    return service;
  };

  const live = (service: ServiceProcess) =>
    eventually(
      async () => {
        assert.equal(service.child.exitCode, null, `${app} exited early; stderr:\n${service.stderr()}`);
        assert.equal((await fetch(`${service.url}/health/live`)).status, 200);
      },
      { timeoutMs: 20_000 },
    );

  describe(`${app} service shell`, () => {
    it('reports ready on /health once its dependencies answer, serves Prometheus text on /metrics and exits 0 on SIGTERM', async (t) => {
      const service = await launch(t);

      const report = await eventually(
        async () => {
          assert.equal(service.child.exitCode, null, `${app} exited early; stderr:\n${service.stderr()}`);
          const response = await fetch(`${service.url}/health`);
          const body = (await response.json()) as HealthReport;
          assert.equal(response.status, 200, JSON.stringify(body));
          return body;
        },
        { timeoutMs: 20_000 },
      );
      assert.equal(report.status, 'ok');
      // Features may add checks of their own; the connections' checks must be among them.
      for (const dependency of options.dependencies) assert.equal(report.checks[dependency]?.ok, true, dependency);

      const metrics = await fetch(`${service.url}/metrics`);
      assert.equal(metrics.status, 200);
      assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain;.*\bversion=0\.0\.4/);
      const text = await metrics.text();
      assert.match(text, /^# TYPE process_cpu_user_seconds_total counter$/m);
      assert.match(text, new RegExp(`^process_cpu_user_seconds_total\\{service="${app}"\\} `, 'm'));
      for (const dependency of options.dependencies) {
        assert.match(
          text,
          new RegExp(`^tideline_dependency_up\\{dependency="${dependency}",service="${app}"\\} 1$`, 'm'),
        );
      }
      assert.match(service.stdout(), /listening on http:\/\//);

      assert.deepEqual(await service.stop(EXIT_TIMEOUT_MS), { code: 0, signal: null });
    });

    for (const dependency of options.dependencies) {
      const degrades = options.degradesOnly?.includes(dependency) === true;
      const answer = degrades ? '200 "degraded"' : '503';
      it(`answers ${answer} on /health naming "${dependency}" while ${dependency} does not answer, and still exits 0 on SIGTERM`, async (t) => {
        const closed = await freePort();
        const env: Record<string, string> =
          dependency === 'kafka'
            ? { KAFKA_BROKERS: `127.0.0.1:${closed}` }
            : { INFLUX_URL: `http://127.0.0.1:${closed}` };
        const service = await launch(t, env);
        await live(service);

        const check = async () => {
          const response = await fetch(`${service.url}/health`);
          const report = (await response.json()) as HealthReport;
          assert.equal(response.status, degrades ? 200 : 503, JSON.stringify(report));
          assert.equal(report.status, degrades ? 'degraded' : 'unavailable');
          return report;
        };
        // a dependency the app works without must not hold up its start: it becomes ready (degraded) meanwhile
        const body = degrades ? await eventually(check, { timeoutMs: 20_000 }) : await check();
        const named = degrades ? body.degraded : body.failed;
        assert.ok(
          named.includes(dependency),
          `failed: ${body.failed.join(', ')}; degraded: ${body.degraded.join(', ')}`,
        );
        assert.match(body.checks[dependency]?.error ?? '', /\S/, 'the failed check says why');
        for (const other of options.dependencies.filter((name) => name !== dependency)) {
          assert.equal(body.checks[other]?.ok, true, `${other} still answers`);
        }

        assert.deepEqual(await service.stop(EXIT_TIMEOUT_MS), { code: 0, signal: null });
      });
    }

    it('exits non-zero before serving, naming the key, when HTTP_PORT is not a port (HTTP_PORT=abc)', async (t) => {
      const service = await launch(t, { HTTP_PORT: 'abc' });
      const exit = await service.exit(EXIT_TIMEOUT_MS);
      assert.notEqual(exit.code, 0);
      assert.notEqual(exit.code, null);
      assert.match(service.stderr(), /HTTP_PORT|http\.port/);
      assert.doesNotMatch(service.stdout(), /listening on/);
    });
  });
}
