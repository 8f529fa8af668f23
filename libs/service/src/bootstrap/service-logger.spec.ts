import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nestLogLevels, ServiceLogger } from './service-logger';

describe('nestLogLevels', () => {
  it('maps log.level to the Nest levels at or above it', () => {
    assert.deepEqual(nestLogLevels('fatal'), ['fatal']);
    assert.deepEqual(nestLogLevels('warn'), ['fatal', 'error', 'warn']);
    assert.deepEqual(nestLogLevels('info'), ['fatal', 'error', 'warn', 'log']);
    assert.deepEqual(nestLogLevels('trace'), ['fatal', 'error', 'warn', 'log', 'debug', 'verbose']);
  });
});

describe('ServiceLogger', () => {
  const captured = (level: 'info' | 'debug', write: (logger: ServiceLogger) => void): string => {
    const logger = new ServiceLogger('test', { logLevels: nestLogLevels(level), colors: false });
    let out = '';
    const original = process.stdout.write;
    process.stdout.write = ((chunk: string) => {
      out += chunk;
      return true;
    }) as typeof process.stdout.write;
    try {
      write(logger);
    } finally {
      process.stdout.write = original;
    }
    return out;
  };

  it("drops Nest's start-up chatter at info but keeps the service's own lines", () => {
    const out = captured('info', (logger) => {
      logger.log('AppModule dependencies initialized', 'InstanceLoader');
      logger.log('listening on http://127.0.0.1:8710', 'collector');
    });
    assert.doesNotMatch(out, /dependencies initialized/);
    assert.match(out, /listening on http:\/\/127\.0\.0\.1:8710/);
  });

  it("shows Nest's start-up chatter at debug", () => {
    const out = captured('debug', (logger) => logger.log('AppModule dependencies initialized', 'InstanceLoader'));
    assert.match(out, /DEBUG \[InstanceLoader\] AppModule dependencies initialized/);
  });
});
