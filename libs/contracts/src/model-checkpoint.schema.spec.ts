import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MODEL_CHECKPOINT_SCHEMA, parseModelCheckpoint } from './model-checkpoint.schema';
import { ContractValidationError } from './validation-error';

const base = {
  schema: MODEL_CHECKPOINT_SCHEMA,
  series: 'disk.used_percent|host=db-1',
  kind: 'tideline',
  lastTs: 1_700_000_000_000,
  observations: 12,
  state: Buffer.from([1, 2, 3]).toString('base64'),
};

describe('model checkpoint contract', () => {
  it('reads a checkpoint with and without the trend bucket of a projected series', () => {
    assert.deepEqual(parseModelCheckpoint(base), base);
    const trend = Buffer.alloc(32, 7).toString('base64');
    assert.equal(parseModelCheckpoint({ ...base, trend }).trend, trend);
  });

  it('refuses a trend that is not base64, and an unknown key, naming the field', () => {
    assert.throws(
      () => parseModelCheckpoint({ ...base, trend: 'not base64!' }),
      (e: unknown) => {
        assert.ok(e instanceof ContractValidationError);
        assert.match(e.message, /trend/);
        return true;
      },
    );
    assert.throws(() => parseModelCheckpoint({ ...base, summary: 'x' }), ContractValidationError);
  });
});
