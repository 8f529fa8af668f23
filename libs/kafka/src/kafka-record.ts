import type { IHeaders } from 'kafkajs';

/** Bytes as the producer accepts them; `Uint8Array` (what contracts' `encodeEvent` returns) is sent without copying. */
export type RecordBytes = Buffer | Uint8Array | string;

/** A record to produce. `key` decides the partition, so records with one key keep their order. */
export interface OutgoingRecord {
  readonly key: RecordBytes | null;
  readonly value: RecordBytes | null;
  readonly headers?: Readonly<Record<string, string | Buffer>>;
  /** Force a partition; normally leave it to the key. */
  readonly partition?: number;
  /** Epoch ms as a string, kafkajs style; default: now. */
  readonly timestamp?: string;
}

/** A consumed record. `offset` is kafkajs' decimal string. */
export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
  /** Epoch ms as a string (broker or producer time). */
  readonly timestamp: string;
}

/** Turns a header value (Buffer, string or array, as kafkajs delivers them) into a string. */
export function headerString(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  return Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
}

/** A Buffer view of bytes without copying. */
export function toBuffer(bytes: RecordBytes): Buffer {
  if (Buffer.isBuffer(bytes)) return bytes;
  if (typeof bytes === 'string') return Buffer.from(bytes, 'utf8');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
