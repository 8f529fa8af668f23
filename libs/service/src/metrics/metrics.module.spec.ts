import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Counter, register as globalRegistry, Registry } from 'prom-client';
import { MetricsModule } from './metrics.module';

/** A feature that counts something in the injected registry, the way apps add their counters. */
@Injectable()
class EventsCounter {
  readonly counter: Counter;
  constructor(registry: Registry) {
    this.counter = new Counter({ name: 'tideline_test_events_total', help: 'test events', registers: [registry] });
  }
}

@Module({ providers: [EventsCounter] })
class FeatureModule {}

describe('MetricsModule', () => {
  let app: INestApplicationContext;

  before(async () => {
    app = await NestFactory.createApplicationContext(
      { module: class TestRootModule {}, imports: [MetricsModule.forRoot({ service: 'svc' }), FeatureModule] },
      { logger: false, abortOnError: false },
    );
  });
  after(() => app.close());

  it('injects one registry into features; their counters appear in its exposition with the service label', async () => {
    app.get(EventsCounter).counter.inc(3);
    const text = await app.get(Registry).metrics();
    assert.match(text, /^tideline_test_events_total\{service="svc"\} 3$/m);
  });

  it('keeps its metrics out of prom-client global registry', async () => {
    assert.doesNotMatch(await globalRegistry.metrics(), /tideline_test_events_total/);
  });
});
