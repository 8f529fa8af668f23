import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { SqliteTableStore, withoutSqliteWarning } from './sqlite-table-store';
import { applyTableRecord, MemoryTableStore, type TableStore } from './table-store';

/** A value as the checkpoint table holds one: a version (`isNewer` compares it) and a payload. */
interface Versioned {
  readonly version: number;
  readonly payload: string;
}

const decode = (_key: string, raw: Buffer): Versioned => {
  const parsed = JSON.parse(raw.toString('utf8')) as Versioned;
  if (typeof parsed.version !== 'number') throw new Error('no version');
  return parsed;
};
const encode = (value: Versioned): Uint8Array => Buffer.from(JSON.stringify(value));
const isNewer = (current: Versioned, incoming: Versioned): boolean => incoming.version >= current.version;

function diskStore(parentDir?: string): SqliteTableStore<Versioned> {
  return new SqliteTableStore<Versioned>({ decode, encode, ...(parentDir ? { parentDir } : {}) });
}

function contents(store: TableStore<Versioned>): Map<string, Versioned> {
  return new Map([...store.keys()].sort().map((key) => [key, store.get(key)!]));
}

const key = fc.constantFrom('a', 'b', 'c', 'd', 'ü|=%', '');
const value = fc.record(
  { version: fc.integer({ min: 0, max: 5 }), payload: fc.string({ maxLength: 40 }) },
  { noNullPrototype: true },
);
/** What a table does to its store: a write-through, a delete, a record from the topic (value, tombstone or garbage). */
const operation = fc.oneof(
  fc.record({ op: fc.constant('set' as const), key, value }),
  fc.record({ op: fc.constant('delete' as const), key }),
  fc.record({ op: fc.constant('apply' as const), key, value }),
  fc.record({ op: fc.constant('tombstone' as const), key }),
  fc.record({ op: fc.constant('invalid' as const), key }),
);
type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

function run(store: TableStore<Versioned>, op: Operation): string | undefined {
  switch (op.op) {
    case 'set':
      store.set(op.key, op.value);
      return undefined;
    case 'delete':
      store.delete(op.key);
      return undefined;
    case 'apply':
      return applyTableRecord(store, op.key, Buffer.from(encode(op.value)), decode, isNewer, () => undefined);
    case 'tombstone':
      return applyTableRecord(store, op.key, null, decode, isNewer, () => undefined);
    case 'invalid':
      return applyTableRecord(store, op.key, Buffer.from('{"nope":1}'), decode, isNewer, () => undefined);
  }
}

describe('table stores', () => {
  it('agree, the SQLite store and the in-memory map, on any sequence of writes, deletes and topic records', () => {
    fc.assert(
      fc.property(fc.array(fc.array(operation, { maxLength: 12 }), { maxLength: 8 }), (batches) => {
        const memory = new MemoryTableStore<Versioned>();
        const disk = diskStore();
        try {
          for (const batch of batches) {
            // a topic batch applied in one transaction, then write-throughs outside any
            const onDisk: unknown[] = [];
            const inMemory: unknown[] = [];
            disk.batch(() => batch.forEach((op) => onDisk.push(run(disk, op))));
            memory.batch(() => batch.forEach((op) => inMemory.push(run(memory, op))));
            // a record that repeats the stored bytes is `unchanged` on disk (not decoded); the map decides by isNewer
            onDisk.forEach((outcome, i) =>
              outcome === 'unchanged'
                ? assert.ok(inMemory[i] === 'applied' || inMemory[i] === 'older')
                : assert.equal(outcome, inMemory[i]),
            );
            for (const op of batch) if (op.op === 'set') [disk, memory].forEach((s) => s.set(op.key, op.value));
            assert.equal(disk.size, memory.size);
            assert.deepEqual(contents(disk), contents(memory));
            for (const k of ['a', 'b', 'c', 'd', 'ü|=%', '', 'never']) {
              assert.equal(disk.has(k), memory.has(k));
              assert.deepEqual(disk.get(k), memory.get(k));
            }
          }
        } finally {
          disk.close();
        }
      }),
      { numRuns: 150 },
    );
  });

  it('keeps an older record of the topic from replacing a newer write-through, and a tombstone deletes', () => {
    const store = diskStore();
    try {
      store.set('s', { version: 3, payload: 'written through' });
      const older = applyTableRecord(
        store,
        's',
        Buffer.from(encode({ version: 2, payload: 'old' })),
        decode,
        isNewer,
        () => undefined,
      );
      assert.equal(older, 'older');
      assert.deepEqual(store.get('s'), { version: 3, payload: 'written through' });
      assert.equal(
        applyTableRecord(store, 's', null, decode, isNewer, () => undefined),
        'deleted',
      );
      assert.equal(store.get('s'), undefined);
      assert.equal(store.size, 0);
    } finally {
      store.close();
    }
  });

  it('takes a write-through that the tail brings back unchanged without decoding it, and decodes any other record', () => {
    let decoded = 0;
    const store = new SqliteTableStore<Versioned>({ decode: (k, raw) => (decoded++, decode(k, raw)), encode });
    const counting = (k: string, raw: Buffer) => (decoded++, decode(k, raw));
    try {
      const value = { version: 2, payload: 'checkpoint' };
      store.set('s', value);
      const echo = Buffer.from(encode(value));
      assert.equal(
        applyTableRecord(store, 's', echo, counting, isNewer, () => undefined),
        'unchanged',
      );
      assert.equal(decoded, 0);
      const newer = Buffer.from(encode({ version: 3, payload: 'from another instance' }));
      assert.equal(
        applyTableRecord(store, 's', newer, counting, isNewer, () => undefined),
        'applied',
      );
      // what is stored now came from the topic: the earlier write-through's bytes are no longer it
      assert.equal(
        applyTableRecord(store, 's', echo, counting, isNewer, () => undefined),
        'older',
      );
      assert.equal(store.get('s')?.payload, 'from another instance');
    } finally {
      store.close();
    }
  });

  it('stores a record’s own bytes when given them and decodes them on every lookup', () => {
    let decoded = 0;
    const store = new SqliteTableStore<Versioned>({
      decode: (k, raw) => (decoded++, decode(k, raw)),
      encode: () => {
        throw new Error('not encoded: the record’s bytes are stored');
      },
    });
    try {
      store.set('s', { version: 1, payload: 'ignored' }, Buffer.from('{"version":1,"payload":"from the topic"}'));
      assert.equal(store.get('s')?.payload, 'from the topic');
      assert.equal(store.get('s')?.payload, 'from the topic');
      assert.equal(decoded, 2);
    } finally {
      store.close();
    }
  });

  it('finds every key again after its key filter grows past its first size, and none it deleted', () => {
    const store = new SqliteTableStore<Versioned>({ decode, encode, filterKeys: 100 });
    try {
      const n = 1000;
      store.batch(() => {
        for (let i = 0; i < n; i++)
          store.set(`k${i}`, { version: 1, payload: '' }, Buffer.from('{"version":1,"payload":""}'));
        store.delete('k7');
      });
      assert.equal(store.size, n - 1);
      for (const i of [0, 1, 99, 100, 101, 500, n - 1]) assert.equal(store.has(`k${i}`), true, `k${i}`);
      assert.equal(store.has('k7'), false);
      assert.equal(store.get('k7'), undefined);
    } finally {
      store.close();
    }
  });

  it('sees a write-through at once and keeps it once the tick’s transaction is committed', async () => {
    const store = diskStore();
    try {
      for (let i = 0; i < 100; i++) store.set(`s${i}`, { version: i, payload: 'x' });
      assert.equal(store.get('s42')?.version, 42);
      await new Promise((resolve) => setImmediate(resolve));
      store.batch(() => store.delete('s0'));
      assert.equal(store.size, 99);
      assert.equal(store.get('s99')?.version, 99);
    } finally {
      store.close();
    }
  });

  it('keeps what a batch wrote before it threw (as the in-memory map does)', () => {
    const store = diskStore();
    try {
      assert.throws(() =>
        store.batch(() => {
          store.set('kept', { version: 1, payload: '' });
          throw new Error('decoder bug');
        }),
      );
      assert.equal(store.get('kept')?.version, 1);
      store.batch(() => store.set('next', { version: 1, payload: '' }));
      assert.equal(store.size, 2);
    } finally {
      store.close();
    }
  });

  it('lives in a fresh folder of its own that close removes, and removes the folders of stores whose process is gone', () => {
    const parent = mkdtempSync(join(tmpdir(), 'table-store-spec-'));
    try {
      // a folder as a killed process leaves it (pid 2^22 + 1 is above Linux's pid_max, so never running)
      const abandoned = join(parent, `tideline-table-${2 ** 22 + 1}-abc123`);
      mkdirSync(abandoned);
      const unrelated = join(parent, 'something-else');
      mkdirSync(unrelated);
      const first = diskStore(parent);
      const second = diskStore(parent);
      assert.notEqual(first.directory, second.directory);
      assert.equal(existsSync(abandoned), false);
      assert.equal(existsSync(unrelated), true);
      first.set('a', { version: 1, payload: '' });
      assert.equal(second.get('a'), undefined);
      first.close();
      assert.equal(existsSync(first.directory), false);
      assert.equal(existsSync(second.directory), true);
      second.close();
      assert.deepEqual(readdirSync(parent), ['something-else']);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('drops only Node’s ExperimentalWarning about SQLite while loading it; other warnings go through', async () => {
    const seen: string[] = [];
    const listener = (warning: Error) => seen.push(`${warning.name}: ${warning.message}`);
    process.on('warning', listener);
    try {
      withoutSqliteWarning(() => {
        process.emitWarning('SQLite is an experimental feature and might change at any time', 'ExperimentalWarning');
        process.emitWarning('SQLite is fine', 'DeprecationWarning');
        process.emitWarning('Something else is an experimental feature', 'ExperimentalWarning');
      });
      process.emitWarning('SQLite is an experimental feature and might change at any time', 'ExperimentalWarning');
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(seen, [
        'DeprecationWarning: SQLite is fine',
        'ExperimentalWarning: Something else is an experimental feature',
        'ExperimentalWarning: SQLite is an experimental feature and might change at any time',
      ]);
    } finally {
      process.off('warning', listener);
    }
  });
});
