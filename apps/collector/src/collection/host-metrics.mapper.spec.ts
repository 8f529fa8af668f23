import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMetricEvent, type MetricEvent } from '@tideline/contracts';
import type { HostSample } from '../host-sampling/host-sample';
import { HOST_METRICS, hostSampleToEvents, type HostMetricsContext } from './host-metrics.mapper';
import { compileMetricFilter } from './metric-filter';

const GiB = 1024 ** 3;

function sample(overrides: Partial<HostSample> = {}): HostSample {
  return {
    takenAtMs: 1_764_000_000_000,
    monotonicMs: 50_000,
    cpu: {
      total: { idle: 1000, total: 2000 },
      cores: [
        { idle: 600, total: 1000 },
        { idle: 400, total: 1000 },
      ],
    },
    load: [0.5, 0.25, 0.125],
    memory: { totalBytes: 8 * GiB, availableBytes: 6 * GiB, swapTotalBytes: 2 * GiB, swapUsedBytes: 0.5 * GiB },
    filesystems: [{ mount: '/', totalBytes: 100 * GiB, usedBytes: 40 * GiB, availableBytes: 55 * GiB }],
    disks: [{ device: 'vda', readBytes: 1_000_000, writeBytes: 2_000_000 }],
    networks: [{ iface: 'eth0', rxBytes: 10_000, txBytes: 20_000, rxErrors: 1, txErrors: 0 }],
    processCount: 123,
    self: { cpuMicros: 2_000_000, rssBytes: 60_000_000 },
    ...overrides,
  };
}

/** Ten seconds later: CPU 70 % busy overall, 5 MB read, ... */
function later(): HostSample {
  return sample({
    takenAtMs: 1_764_000_010_000,
    monotonicMs: 60_000,
    cpu: {
      total: { idle: 1300, total: 3000 },
      cores: [
        { idle: 750, total: 1500 },
        { idle: 550, total: 1500 },
      ],
    },
    disks: [{ device: 'vda', readBytes: 6_000_000, writeBytes: 2_000_000 }],
    networks: [{ iface: 'eth0', rxBytes: 110_000, txBytes: 25_000, rxErrors: 3, txErrors: 0 }],
    self: { cpuMicros: 2_050_000, rssBytes: 61_000_000 },
  });
}

const context: HostMetricsContext = { host: 'web-1', tags: { env: 'prod', mount: 'user-value' }, accepts: () => true };

function value(events: readonly MetricEvent[], metric: string, tag?: [string, string]): number | undefined {
  return events.find((event) => event.metric === metric && (!tag || event.tags[tag[0]] === tag[1]))?.value;
}

describe('hostSampleToEvents', () => {
  it('publishes gauges on the first tick, and no rate before there are two samples', () => {
    const events = hostSampleToEvents(undefined, sample(), context);
    const metrics = new Set(events.map((event) => event.metric));
    assert.deepEqual([...metrics].sort(), [
      'collector.rss_bytes',
      'cpu.load_15m',
      'cpu.load_1m',
      'cpu.load_5m',
      'disk.total_bytes',
      'disk.used_bytes',
      'disk.used_percent',
      'mem.available_bytes',
      'mem.swap_total_bytes',
      'mem.swap_used_bytes',
      'mem.total_bytes',
      'mem.used_bytes',
      'mem.used_percent',
      'proc.count',
    ]);
  });

  it('computes every promised metric from two samples ten seconds apart', () => {
    const events = hostSampleToEvents(sample(), later(), context);
    assert.equal(value(events, 'cpu.usage_percent'), 70);
    assert.equal(value(events, 'cpu.core.usage_percent', ['core', '0']), 70);
    assert.equal(value(events, 'cpu.core.usage_percent', ['core', '1']), 70);
    assert.equal(value(events, 'cpu.load_5m'), 0.25);
    assert.equal(value(events, 'mem.used_bytes'), 2 * GiB);
    assert.equal(value(events, 'mem.available_bytes'), 6 * GiB);
    assert.equal(value(events, 'mem.used_percent'), 25);
    assert.equal(value(events, 'mem.swap_used_bytes'), 0.5 * GiB);
    assert.ok(Math.abs(value(events, 'disk.used_percent', ['mount', '/'])! - (100 * 40) / 95) < 1e-9);
    assert.equal(value(events, 'disk.used_bytes', ['mount', '/']), 40 * GiB);
    assert.equal(value(events, 'disk.read_bytes_per_sec', ['device', 'vda']), 500_000);
    assert.equal(value(events, 'disk.write_bytes_per_sec', ['device', 'vda']), 0);
    assert.equal(value(events, 'net.rx_bytes_per_sec', ['interface', 'eth0']), 10_000);
    assert.equal(value(events, 'net.tx_bytes_per_sec', ['interface', 'eth0']), 500);
    assert.equal(value(events, 'net.rx_errors_per_sec', ['interface', 'eth0']), 0.2);
    assert.equal(value(events, 'net.tx_errors_per_sec', ['interface', 'eth0']), 0);
    assert.equal(value(events, 'proc.count'), 123);
    assert.equal(value(events, 'collector.cpu_percent'), 0.5); // 50 ms of CPU in 10 s
    assert.equal(value(events, 'collector.rss_bytes'), 61_000_000);
    const promised = new Set(Object.values(HOST_METRICS).map((metric) => metric.name));
    assert.deepEqual(new Set(events.map((event) => event.metric)), promised);
  });

  it('stamps every event with the sample time, host, configured tags and unit; events satisfy the contract', () => {
    const events = hostSampleToEvents(sample(), later(), context);
    for (const event of events) {
      assert.equal(event.ts, 1_764_000_010_000);
      assert.equal(event.host, 'web-1');
      assert.equal(event.tags['env'], 'prod');
      assert.equal(event.source, 'collector');
      assert.ok(event.unit);
      assert.deepEqual(parseMetricEvent(event), event);
    }
    const root = events.find((event) => event.metric === 'disk.used_bytes');
    assert.equal(root?.tags['mount'], '/', "a metric's own tag wins over a configured tag of the same name");
    const cpu = events.find((event) => event.metric === 'cpu.usage_percent');
    assert.equal(cpu?.tags['mount'], 'user-value');
  });

  it('skips a rate for one interval when its counter went backwards (interface re-created, reboot)', () => {
    const reset = { ...later(), networks: [{ iface: 'eth0', rxBytes: 5, txBytes: 25_000, rxErrors: 0, txErrors: 0 }] };
    const events = hostSampleToEvents(sample(), reset, context);
    assert.equal(value(events, 'net.rx_bytes_per_sec'), undefined);
    assert.equal(value(events, 'net.rx_errors_per_sec'), undefined);
    assert.equal(value(events, 'net.tx_bytes_per_sec'), 500);
  });

  it('starts rates for a device that appears between samples on the following tick', () => {
    const added = { ...later(), disks: [...later().disks, { device: 'vdb', readBytes: 10, writeBytes: 10 }] };
    const events = hostSampleToEvents(sample(), added, context);
    assert.equal(value(events, 'disk.read_bytes_per_sec', ['device', 'vdb']), undefined);
    assert.equal(value(events, 'disk.read_bytes_per_sec', ['device', 'vda']), 500_000);
  });

  it('publishes only what the allow/deny filter accepts', () => {
    const accepts = compileMetricFilter({ allow: ['cpu.*', 'mem.used_*'], deny: ['cpu.core.*'] });
    const events = hostSampleToEvents(sample(), later(), { ...context, accepts });
    assert.deepEqual([...new Set(events.map((event) => event.metric))].sort(), [
      'cpu.load_15m',
      'cpu.load_1m',
      'cpu.load_5m',
      'cpu.usage_percent',
      'mem.used_bytes',
      'mem.used_percent',
    ]);
  });

  it('leaves out a source that failed to read, keeping the others', () => {
    const partial: HostSample = { ...later(), cpu: undefined, memory: undefined, filesystems: [], load: undefined };
    const events = hostSampleToEvents(sample(), partial, context);
    assert.equal(value(events, 'cpu.usage_percent'), undefined);
    assert.equal(value(events, 'mem.used_bytes'), undefined);
    assert.equal(value(events, 'net.rx_bytes_per_sec'), 10_000);
  });
});
