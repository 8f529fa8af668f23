import { hash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { BloomFilter } from './bloom-filter';
import type { TableStore } from './table-store';

export interface SqliteTableStoreOptions<V> {
  /** The folder in which the store makes a fresh folder of its own (removed by `close`); default the OS temp folder. */
  readonly parentDir?: string;
  /** Turns stored bytes back into a value (on every `get`: the store keeps no decoded values). */
  readonly decode: (key: string, raw: Buffer) => V;
  /** The bytes of a value written through without its record's bytes (`set` without `raw`). */
  readonly encode: (value: V) => Uint8Array;
  /** SQLite's page cache, the store's memory bound (default 8 MiB). */
  readonly cacheBytes?: number;
  /** Keys the first key filter is sized for (default 2^20, 1.3 MB); it doubles when they are exceeded. */
  readonly filterKeys?: number;
}

const FOLDER_PREFIX = 'tideline-table-';

/**
 * Keys whose last write-through's digest is kept for {@link SqliteTableStore.holds} (~100 bytes each): the oldest
 * beyond it are forgotten, and their record, when the tail brings it back, is only decoded and written again.
 */
const WRITE_THROUGH_DIGESTS = 50_000;

/**
 * A {@link TableStore} in an SQLite file (Node's built-in `node:sqlite`): each key's latest record bytes, decoded on
 * lookup. Its memory is SQLite's page cache (`cacheBytes`) whatever the number of entries; the file is only a cache of
 * the compacted topic, so it favours speed over durability (no fsync, journal in memory) and lives in a fresh folder
 * that `close` removes. A folder left by a process that no longer runs (killed) is removed when the next store opens
 * beside it.
 *
 * Chosen over an in-memory map for the baseline service's checkpoint table, whose decoded checkpoints grew the
 * service by ~7 KB per series ever seen (docs/operations.md, Limits); `node:sqlite` ships with Node (no native add-on
 * to build or keep), and its synchronous `get` fits the table's synchronous lookups. Measured side by side with the
 * `lmdb` package (100,000 values of 7 KB, loaded in batches of 100, then each read once at random): LMDB read ~3x
 * faster, but it maps its file into the process, so reading every entry took the RSS to 1,067 MiB against SQLite's
 * 117 MiB; the bound on the service's memory is the point of this store.
 */
export class SqliteTableStore<V> implements TableStore<V> {
  /** The store's own folder. */
  readonly directory: string;
  private readonly db: DatabaseSync;
  private readonly select: StatementSync;
  private readonly exists: StatementSync;
  private readonly insert: StatementSync;
  private readonly update: StatementSync;
  private readonly remove: StatementSync;
  private readonly list: StatementSync;
  private count = 0;
  /**
   * Every key ever stored: a burst of new series looks each one up (is it known, then its checkpoint) and finds
   * nothing, which the filter answers without a query (a query costs ~10 µs, a filter probe well under 1 µs).
   */
  private filter: BloomFilter;
  private filtered = 0;
  /** Digest of the bytes stored by the latest write-through of a key, until another write of the key. */
  private readonly written = new Map<string, string>();
  /** A transaction is open: {@link batch}'s, or the one that gathers the writes of the current tick. */
  private inTransaction = false;
  private closed = false;

  constructor(private readonly options: SqliteTableStoreOptions<V>) {
    const parent = options.parentDir ?? tmpdir();
    mkdirSync(parent, { recursive: true });
    removeAbandonedFolders(parent);
    this.directory = mkdtempSync(join(parent, `${FOLDER_PREFIX}${process.pid}-`));
    this.filter = new BloomFilter(options.filterKeys ?? 1 << 20);
    const { DatabaseSync } = loadSqlite();
    this.db = new DatabaseSync(join(this.directory, 'table.sqlite'));
    const cacheKiB = Math.max(256, Math.floor((options.cacheBytes ?? 8 * 1024 * 1024) / 1024));
    this.db.exec(
      `PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA cache_size = -${cacheKiB};` +
        'CREATE TABLE entries (key TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL);',
    );
    this.select = this.db.prepare('SELECT value FROM entries WHERE key = ?');
    this.exists = this.db.prepare('SELECT 1 FROM entries WHERE key = ?');
    this.insert = this.db.prepare('INSERT OR IGNORE INTO entries (key, value) VALUES (?, ?)');
    this.update = this.db.prepare('UPDATE entries SET value = ? WHERE key = ?');
    this.remove = this.db.prepare('DELETE FROM entries WHERE key = ?');
    this.list = this.db.prepare('SELECT key FROM entries');
    this.select.setReturnArrays(true);
    this.list.setReturnArrays(true);
  }

  get size(): number {
    return this.count;
  }

  get(key: string): V | undefined {
    if (!this.filter.mightHave(key)) return undefined;
    const row = this.select.get(key) as unknown as [Uint8Array] | undefined;
    if (row === undefined) return undefined;
    const bytes = row[0];
    return this.options.decode(key, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  has(key: string): boolean {
    return this.filter.mightHave(key) && this.exists.get(key) !== undefined;
  }

  /**
   * The key's own write-through coming back from the tail (the same bytes) costs a digest instead of two decodes and a
   * write: the baseline service writes every checkpoint through, and reads each back from the topic.
   */
  holds(key: string, raw: Uint8Array): boolean {
    const digest = this.written.get(key);
    return digest !== undefined && digest === hash('sha1', raw, 'base64');
  }

  set(key: string, value: V, raw?: Uint8Array): void {
    const bytes = raw ?? this.options.encode(value);
    this.written.delete(key);
    if (raw === undefined) {
      this.written.set(key, hash('sha1', bytes, 'base64'));
      if (this.written.size > WRITE_THROUGH_DIGESTS) this.written.delete(this.written.keys().next().value!);
    }
    this.gatherWrites();
    if (this.insert.run(key, bytes).changes > 0) {
      this.count++;
      this.remember(key);
    } else this.update.run(bytes, key);
  }

  delete(key: string): void {
    this.written.delete(key);
    this.gatherWrites();
    if (this.remove.run(key).changes > 0) this.count--;
  }

  *keys(): IterableIterator<string> {
    // a snapshot: the caller may write while it iterates
    const keys = (this.list.all() as unknown as [string][]).map((row) => row[0]);
    yield* keys;
  }

  batch(apply: () => void): void {
    if (this.inTransaction) return apply();
    this.db.exec('BEGIN');
    this.inTransaction = true;
    try {
      apply();
    } finally {
      this.commit();
    }
  }

  close(): void {
    if (this.closed) return;
    this.commit();
    this.closed = true;
    this.written.clear();
    this.db.close();
    rmSync(this.directory, { recursive: true, force: true });
  }

  private remember(key: string): void {
    this.filter.add(key);
    if (++this.filtered <= this.filter.capacity) return;
    // deleted keys leave the filter only here
    this.filter = new BloomFilter(Math.max(this.filter.capacity, 2 * this.count));
    this.filtered = 0;
    for (const row of this.list.iterate() as Iterable<[string]>) {
      this.filter.add(row[0]);
      this.filtered++;
    }
  }

  /**
   * Writes outside {@link batch} (a caller writing through a loop of values) share one transaction, committed once the
   * current synchronous run ends: a transaction per write costs ~3x as much.
   */
  private gatherWrites(): void {
    if (this.inTransaction) return;
    this.db.exec('BEGIN');
    this.inTransaction = true;
    queueMicrotask(() => this.commit());
  }

  private commit(): void {
    if (!this.inTransaction) return;
    this.inTransaction = false;
    this.db.exec('COMMIT');
  }
}

/** The folders of stores whose process is gone (`tideline-table-<pid>-…`, `pid` not running). */
function removeAbandonedFolders(parent: string): void {
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(FOLDER_PREFIX)) continue;
    const pid = Number(name.slice(FOLDER_PREFIX.length).split('-')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isRunning(pid)) continue;
    rmSync(join(parent, name), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

type SqliteModule = typeof import('node:sqlite');
let sqlite: SqliteModule | undefined;

/**
 * `node:sqlite`, loaded on first use. Earlier Node 24 releases (24.13 among them) print "ExperimentalWarning:
 * SQLite is an experimental feature" when it loads; that line says nothing to an operator, so it alone is dropped.
 */
function loadSqlite(): SqliteModule {
  sqlite ??= withoutSqliteWarning(() => createRequire(__filename)('node:sqlite') as SqliteModule);
  return sqlite;
}

/** Runs `load` with Node's ExperimentalWarning about SQLite dropped; every other warning goes through. */
export function withoutSqliteWarning<T>(load: () => T): T {
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]): void {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    const message = typeof warning === 'string' ? warning : warning.message;
    const name = typeof warning === 'string' ? type : warning.name;
    if (name === 'ExperimentalWarning' && message.startsWith('SQLite')) return;
    (emitWarning as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return load();
  } finally {
    process.emitWarning = emitWarning;
  }
}
