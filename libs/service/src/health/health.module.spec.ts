import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MetricsModule } from '../metrics/metrics.module';
import type { HealthReport } from './dependency-check';
import { HealthChecks } from './health-checks';
import { HealthModule } from './health.module';

/** A feature that contributes three dependency checks, two of which can be switched off (one it can do without). */
@Injectable()
class FakeDependencies {
  influxUp = true;
  mailUp = true;
  constructor(health: HealthChecks) {
    health.register({ name: 'kafka', check: async () => undefined });
    health.register({
      name: 'mail',
      degradesOnly: true,
      check: async () => {
        if (!this.mailUp) throw new Error('connect ECONNREFUSED 127.0.0.1:25');
      },
    });
    health.register({
      name: 'influx',
      check: async () => {
        if (!this.influxUp) throw new Error('connect ECONNREFUSED 127.0.0.1:9');
      },
    });
  }
}

@Module({ providers: [FakeDependencies] })
class FeatureModule {}

describe('HealthModule and MetricsModule over HTTP', () => {
  let app: INestApplication;
  let url: string;

  before(async () => {
    app = await NestFactory.create(
      {
        module: class TestRootModule {},
        imports: [MetricsModule.forRoot({ service: 'test' }), HealthModule.forRoot({ service: 'test' }), FeatureModule],
      },
      { logger: false, abortOnError: false },
    );
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  after(() => app.close());

  it('GET /health answers 200 with every check when all dependencies answer', async () => {
    app.get(FakeDependencies).influxUp = true;
    const response = await fetch(`${url}/health`);
    const body = (await response.json()) as HealthReport;
    assert.equal(response.status, 200);
    assert.equal(body.status, 'ok');
    assert.equal(body.service, 'test');
    assert.deepEqual(Object.keys(body.checks), ['kafka', 'mail', 'influx']);
  });

  it('GET /health answers 503 with a JSON body naming the dependency that failed', async () => {
    app.get(FakeDependencies).influxUp = false;
    const response = await fetch(`${url}/health`);
    const body = (await response.json()) as HealthReport;
    assert.equal(response.status, 503);
    assert.match(response.headers.get('content-type') ?? '', /application\/json/);
    assert.equal(body.status, 'unavailable');
    assert.deepEqual(body.failed, ['influx']);
    assert.equal(body.checks['influx']?.error, 'connect ECONNREFUSED 127.0.0.1:9');
    assert.equal(body.checks['kafka']?.ok, true);
  });

  it('GET /health answers 200 "degraded" naming a dependency the service can do without, 503 once one it needs fails too', async () => {
    const deps = app.get(FakeDependencies);
    deps.influxUp = true;
    deps.mailUp = false;
    let response = await fetch(`${url}/health`);
    let body = (await response.json()) as HealthReport;
    assert.equal(response.status, 200);
    assert.equal(body.status, 'degraded');
    assert.deepEqual([body.failed, body.degraded], [[], ['mail']]);
    deps.influxUp = false;
    response = await fetch(`${url}/health`);
    body = (await response.json()) as HealthReport;
    assert.equal(response.status, 503);
    assert.deepEqual([body.status, body.failed, body.degraded], ['unavailable', ['influx'], ['mail']]);
    deps.mailUp = true;
  });

  it('GET /health/ready is the same readiness report as GET /health (kept for compatibility)', async () => {
    const deps = app.get(FakeDependencies);
    deps.influxUp = false;
    let response = await fetch(`${url}/health/ready`);
    assert.equal(response.status, 503);
    assert.deepEqual(((await response.json()) as HealthReport).failed, ['influx']);
    deps.influxUp = true;
    response = await fetch(`${url}/health/ready`);
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as HealthReport).status, 'ok');
  });

  it('GET /health/live answers 200 even while a dependency is down', async () => {
    app.get(FakeDependencies).influxUp = false;
    const response = await fetch(`${url}/health/live`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok' });
  });

  it('GET /metrics serves Prometheus text with process metrics labelled with the service', async () => {
    const response = await fetch(`${url}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain;.*\bversion=0\.0\.4/);
    const text = await response.text();
    assert.match(text, /^# TYPE process_cpu_user_seconds_total counter$/m);
    assert.match(text, /^process_cpu_user_seconds_total\{service="test"\} \d/m);
    assert.match(text, /^nodejs_eventloop_lag_seconds\{service="test"\} /m);
  });
});
