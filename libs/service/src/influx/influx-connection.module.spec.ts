import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Global, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InfluxClient } from '@tideline/influx';
import { HealthChecks } from '../health/health-checks';
import { HealthModule } from '../health/health.module';
import { MetricsModule } from '../metrics/metrics.module';
import { SERVICE_CONFIG } from '../service.tokens';
import { InfluxConnectionModule } from './influx-connection.module';

/** Nothing listens on port 9 of loopback (discard): every request fails at once. */
const config = { influx: { url: 'http://127.0.0.1:9', database: 'tideline', timeoutMs: 1000 } };

@Global()
@Module({ providers: [{ provide: SERVICE_CONFIG, useValue: config }], exports: [SERVICE_CONFIG] })
class ConfigModule {}

async function appWith(influx: unknown): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(
    {
      module: class TestRootModule {},
      imports: [
        ConfigModule,
        MetricsModule.forRoot({ service: 'test' }),
        HealthModule.forRoot({ service: 'test', timeoutMs: 500 }),
        influx as never,
      ],
    },
    { logger: false, abortOnError: false },
  );
}

describe('InfluxConnectionModule: the influx-writes check', () => {
  const apps: INestApplicationContext[] = [];
  after(async () => {
    for (const app of apps) await app.close();
  });

  it('fails readiness once a write of the service fails, naming why', async () => {
    const app = await appWith(InfluxConnectionModule);
    apps.push(app);
    assert.equal((await app.get(HealthChecks).run()).checks['influx-writes']?.ok, true, 'no write yet');
    await assert.rejects(app.get(InfluxClient).writeLines(['m v=1 0']));
    const report = await app.get(HealthChecks).run();
    assert.equal(report.status, 'unavailable');
    assert.ok(report.failed.includes('influx-writes'));
    assert.match(report.checks['influx-writes']?.error ?? '', /1 writes failed in a row/);
  });

  it('only degrades a service that works without InfluxDB (the anomaly service): "degraded" (HTTP 200), not "unavailable"', async () => {
    const app = await appWith(InfluxConnectionModule.forService({ degradesOnly: true }));
    apps.push(app);
    await assert.rejects(app.get(InfluxClient).writeLines(['m v=1 0']));
    const report = await app.get(HealthChecks).run();
    assert.equal(report.status, 'degraded');
    assert.deepEqual(report.failed, []);
    assert.deepEqual([...report.degraded].sort(), ['influx', 'influx-writes']);
  });
});
