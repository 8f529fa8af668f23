import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileMetricFilter, globToRegExp } from './metric-filter';

describe('compileMetricFilter', () => {
  it('publishes everything when allow and deny are empty', () => {
    const accepts = compileMetricFilter({ allow: [], deny: [] });
    assert.equal(accepts('cpu.usage_percent'), true);
  });

  it('publishes only what an allow glob matches', () => {
    const accepts = compileMetricFilter({ allow: ['cpu.*', 'mem.used_bytes'], deny: [] });
    assert.deepEqual(
      ['cpu.usage_percent', 'cpu.core.usage_percent', 'mem.used_bytes', 'mem.used_bytes_x', 'net.rx_bytes_per_sec'].map(
        accepts,
      ),
      [true, true, true, false, false],
    );
  });

  it('lets deny win over allow', () => {
    const accepts = compileMetricFilter({ allow: ['cpu.*'], deny: ['cpu.core.*'] });
    assert.equal(accepts('cpu.usage_percent'), true);
    assert.equal(accepts('cpu.core.usage_percent'), false);
  });

  it('denies with an empty allow list', () => {
    const accepts = compileMetricFilter({ allow: [], deny: ['net.*_errors_per_sec', 'proc.count'] });
    assert.deepEqual(['net.rx_errors_per_sec', 'net.rx_bytes_per_sec', 'proc.count'].map(accepts), [
      false,
      true,
      false,
    ]);
  });
});

describe('globToRegExp', () => {
  it('treats ? as one character and regex metacharacters literally', () => {
    assert.equal(globToRegExp('cpu.load_?m').test('cpu.load_5m'), true);
    assert.equal(globToRegExp('cpu.load_?m').test('cpu.load_15m'), false);
    assert.equal(globToRegExp('a.b').test('axb'), false);
    assert.equal(globToRegExp('a+(b)').test('a+(b)'), true);
  });
});
