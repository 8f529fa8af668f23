import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4 checksums every produced record batch (CRC32C) one byte at a time, and wraps the result in
 * `Uint32Array.from([value])[0]`: in CPU profiles of the baseline service under `tideline bench e2e` that was ~8 % of
 * its busy CPU, all of it on the alert path (the judged points it publishes). {@link crc32c} computes the same
 * checksum eight bytes at a time (slicing-by-8 tables). The fix replaces the module kafkajs loads the checksum from,
 * before its record batch encoder is loaded (kafkajs loads produce requests on the first send), so it must run before
 * the process's first produce: {@link createKafka} applies it. Only for the kafkajs version it was written against.
 */
export function applyKafkajsCrc32cFix(): 'applied' | 'already-applied' | 'too-late' | 'not-needed' {
  try {
    const load = createRequire(__filename);
    const { version } = load('kafkajs/package.json') as { version: string };
    if (version !== '2.2.4') return 'not-needed';
    const checksumPath = load.resolve('kafkajs/src/protocol/recordBatch/crc32C');
    const encoderPath = load.resolve('kafkajs/src/protocol/recordBatch/v0');
    const cached = load.cache[checksumPath];
    if (cached?.exports === crc32c) return 'already-applied';
    if (load.cache[encoderPath] !== undefined) return 'too-late';
    load(checksumPath);
    const module = load.cache[checksumPath];
    if (module === undefined) return 'not-needed';
    module.exports = crc32c;
    return 'applied';
  } catch {
    return 'not-needed';
  }
}

/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) tables for slicing-by-8: TABLES[k][b]. */
const TABLES: readonly Int32Array[] = (() => {
  const tables = Array.from({ length: 8 }, () => new Int32Array(256));
  const first = tables[0]!;
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    first[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = first[n]!;
    for (let k = 1; k < 8; k++) {
      c = first[c & 0xff]! ^ (c >>> 8);
      tables[k]![n] = c;
    }
  }
  return tables;
})();

/** The CRC-32C of `bytes`, unsigned: what kafkajs' record batch encoder writes (same results, fewer steps). */
export function crc32c(bytes: Uint8Array): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES as [
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
  ];
  let crc = -1;
  let i = 0;
  const end8 = bytes.length - (bytes.length % 8);
  for (; i < end8; i += 8) {
    const a = crc ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    crc =
      t7[a & 0xff]! ^
      t6[(a >>> 8) & 0xff]! ^
      t5[(a >>> 16) & 0xff]! ^
      t4[a >>> 24]! ^
      t3[bytes[i + 4]!]! ^
      t2[bytes[i + 5]!]! ^
      t1[bytes[i + 6]!]! ^
      t0[bytes[i + 7]!]!;
  }
  for (; i < bytes.length; i++) crc = t0[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}
