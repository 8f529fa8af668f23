import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { counterRate, cpuBusyPercent } from './counter-rate';

describe('counterRate', () => {
  it('is the increase per second', () => {
    assert.equal(counterRate(1000, 6000, 10), 500);
    assert.equal(counterRate(5, 5, 2), 0);
  });

  it('is undefined on the first reading, without elapsed time, and across a counter reset', () => {
    assert.equal(counterRate(undefined, 10, 10), undefined);
    assert.equal(counterRate(10, 20, 0), undefined);
    assert.equal(counterRate(10, 20, Number.NaN), undefined);
    assert.equal(counterRate(5000, 100, 10), undefined);
  });
});

describe('cpuBusyPercent', () => {
  it('is 100 · (1 − Δidle / Δtotal)', () => {
    assert.equal(cpuBusyPercent({ idle: 100, total: 200 }, { idle: 130, total: 300 }), 70);
    assert.equal(cpuBusyPercent({ idle: 0, total: 0 }, { idle: 50, total: 50 }), 0);
    assert.equal(cpuBusyPercent({ idle: 0, total: 0 }, { idle: 0, total: 50 }), 100);
  });

  it('stays within 0-100 and is undefined when it cannot be computed', () => {
    assert.equal(cpuBusyPercent(undefined, { idle: 1, total: 2 }), undefined);
    assert.equal(cpuBusyPercent({ idle: 10, total: 20 }, { idle: 10, total: 20 }), undefined);
    assert.equal(cpuBusyPercent({ idle: 10, total: 20 }, { idle: 5, total: 30 }), undefined);
    assert.equal(cpuBusyPercent({ idle: 0, total: 0 }, { idle: 60, total: 50 }), 0);
  });
});
