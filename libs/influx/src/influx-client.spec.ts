import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InfluxClient, shardDurationFor } from './influx-client';

describe('shardDurationFor', () => {
  it('gives 7-day shards from 28 days of retention, the default 30 days included', () => {
    assert.equal(shardDurationFor('30d'), '7d');
    assert.equal(shardDurationFor('28d'), '7d');
    assert.equal(shardDurationFor('4w'), '7d');
    assert.equal(shardDurationFor('720h'), '7d');
    assert.equal(shardDurationFor('27d23h60m'), '7d');
  });

  it("leaves shorter retentions, INF and what it cannot read to InfluxDB's own choice (0s)", () => {
    assert.equal(shardDurationFor('27d'), '0s');
    assert.equal(shardDurationFor('7d'), '0s');
    assert.equal(shardDurationFor('1h'), '0s');
    assert.equal(shardDurationFor('INF'), '0s');
    assert.equal(shardDurationFor('30 days'), '0s');
  });

  it('is what the policy applied from influx.retention asks for', () => {
    const client = new InfluxClient({ url: 'http://127.0.0.1:1', database: 'db', retention: '30d' });
    assert.deepEqual(client.configuredRetention(), {
      name: 'autogen',
      duration: '30d',
      shardDuration: '7d',
      isDefault: true,
    });
  });
});
