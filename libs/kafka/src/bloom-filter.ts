/**
 * A Bloom filter of strings (Bloom 1970): `mightHave` is false only for a key never added, true for every key added
 * (and, wrongly, for about 1 % of the others at `capacity` keys, ten bits and seven probes per key). Probes are
 * derived from two 32-bit FNV-1a hashes of the key's UTF-16 code units (Kirsch & Mitzenmacher 2006). Keys cannot be
 * removed; past `capacity` the caller builds a larger one.
 */
export class BloomFilter {
  private readonly bits: Uint32Array;
  private readonly size: number;

  constructor(readonly capacity: number) {
    this.size = Math.max(64, Math.ceil(capacity * BITS_PER_KEY));
    this.bits = new Uint32Array(Math.ceil(this.size / 32));
  }

  add(key: string): void {
    const [h1, h2] = hashes(key);
    for (let i = 0; i < PROBES; i++) {
      const bit = (h1 + i * h2) % this.size;
      this.bits[bit >>> 5]! |= 1 << (bit & 31);
    }
  }

  mightHave(key: string): boolean {
    const [h1, h2] = hashes(key);
    for (let i = 0; i < PROBES; i++) {
      const bit = (h1 + i * h2) % this.size;
      if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

const BITS_PER_KEY = 10;
const PROBES = 7;

function hashes(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ key.length;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  // an odd step visits distinct bits for every probe
  return [a, (b | 1) >>> 0];
}
