import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { applyKafkajsCrc32cFix, crc32c } from './kafkajs-crc32c.fix';

// kafkajs' own byte-at-a-time implementation: the reference
const reference = createRequire(__filename)('kafkajs/src/protocol/recordBatch/crc32C/crc32C') as (b: Buffer) => number;

describe('crc32c (kafkajs record batch checksum)', () => {
  it('gives the CRC-32C check value and kafkajs’ results for every length and alignment', () => {
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
    assert.equal(crc32c(Buffer.alloc(0)), 0);
    const data = randomBytes(4096);
    for (let length = 0; length <= 67; length++)
      for (const offset of [0, 1, 3, 7]) {
        const slice = data.subarray(offset, offset + length);
        assert.equal(crc32c(slice), reference(slice), `length ${length}, offset ${offset}`);
      }
    assert.equal(crc32c(data), reference(data));
  });

  it('replaces the checksum kafkajs’ record batch encoder loads', () => {
    assert.match(applyKafkajsCrc32cFix(), /^(applied|already-applied)$/);
    assert.equal(applyKafkajsCrc32cFix(), 'already-applied');
    const load = createRequire(__filename);
    const encoderChecksum = load('kafkajs/src/protocol/recordBatch/crc32C') as (b: Buffer) => number;
    assert.equal(encoderChecksum, crc32c);
  });
});
