import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '@tideline/config';
import { parseAgentArgs } from './agent-cli';

describe('parseAgentArgs', () => {
  it('reads --brokers, --config (both spellings) and --check', () => {
    assert.deepEqual(parseAgentArgs(['--brokers', 'k1:9092,k2:9092', '--config=/etc/c.yaml', '--check']), {
      brokers: 'k1:9092,k2:9092',
      config: '/etc/c.yaml',
      check: true,
      help: false,
    });
    assert.deepEqual(parseAgentArgs([]), { check: false, help: false });
    assert.equal(parseAgentArgs(['-h']).help, true);
  });

  it('rejects an unknown argument and a flag without its value, naming them', () => {
    assert.throws(() => parseAgentArgs(['--brokers']), /--brokers needs a value/);
    assert.throws(() => parseAgentArgs(['--brokers', '--check']), /--brokers needs a value/);
    assert.throws(() => parseAgentArgs(['--verbose']), /unknown argument "--verbose"/);
  });
});

describe('collector.example.yaml', () => {
  it('is a valid collector config (the file the package ships)', () => {
    // apps/collector/dist/agent -> apps/collector
    const config = loadConfig('collector', {
      configPath: join(__dirname, '..', '..', 'collector.example.yaml'),
      env: {},
    });
    assert.equal(config.collector.scrape.length, 2);
    assert.equal(config.collector.scrape[0]?.intervalMs, 30_000);
    assert.deepEqual(config.kafka.brokers, ['kafka-1.example.internal:9092']);
  });
});
