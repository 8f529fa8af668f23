import type { InfluxSection } from '@tideline/config';
import type { Point } from './line-protocol';

export type InfluxConnection = Pick<InfluxSection, 'url' | 'database'> &
  Partial<Pick<InfluxSection, 'username' | 'password' | 'token' | 'timeoutMs'>>;

/** One series of a query result, as InfluxDB returns it. */
export interface InfluxSeries {
  readonly name: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly columns: readonly string[];
  readonly values: readonly (readonly unknown[])[];
}

/** The result of one statement. */
export interface StatementResult {
  readonly statementId: number;
  readonly series: readonly InfluxSeries[];
}

/** A row: the series' tags plus one value per column; `time` is epoch ms. */
export type InfluxRow = Readonly<Record<string, unknown>> & { readonly time?: number };

export interface QueryOptions {
  /** Database; default the connection's. */
  readonly database?: string;
  readonly retentionPolicy?: string;
  /** Bound parameters for `$name` placeholders (InfluxDB escapes them). */
  readonly params?: Readonly<Record<string, string | number | boolean>>;
}

export interface WriteOptions {
  readonly database?: string;
  readonly retentionPolicy?: string;
}

export interface RetentionPolicySpec {
  readonly name: string;
  /** InfluxDB duration, e.g. `30d`, `INF`. */
  readonly duration: string;
  readonly shardDuration?: string;
  /** Default 1. */
  readonly replication?: number;
  /** Make it the database's default policy. Default true. */
  readonly isDefault?: boolean;
}

export interface PingResult {
  readonly version: string;
  readonly latencyMs: number;
}

/**
 * A thin client of the InfluxDB v1 HTTP API (`/ping`, `/write`, `/query`), with `fetch`. Throws {@link InfluxError}
 * (retriable when the server is unreachable or answers 5xx). It does not retry: {@link BatchWriter} does.
 */
export class InfluxClient {
  constructor(
    readonly connection: InfluxConnection,
    readonly options: { readonly fetch?: typeof fetch } = {},
  ) {}

  get database(): string {
    return this.connection.database;
  }

  /** `GET /ping`: resolves with the server version, throws a retriable InfluxError when it does not answer. */
  async ping(): Promise<PingResult> {
    throw new Error('not implemented');
  }

  /** Writes line-protocol lines (precision ms) in one request. */
  async writeLines(_lines: readonly string[], _options: WriteOptions = {}): Promise<void> {
    throw new Error('not implemented');
  }

  /** Writes points (precision ms) in one request. */
  async writePoints(_points: readonly Point[], _options: WriteOptions = {}): Promise<void> {
    throw new Error('not implemented');
  }

  /** Runs one InfluxQL read statement and returns its rows (tags + columns, `time` in epoch ms). */
  async query<Row extends InfluxRow = InfluxRow>(_influxql: string, _options: QueryOptions = {}): Promise<Row[]> {
    throw new Error('not implemented');
  }

  /** Runs one or more `;`-separated statements and returns every statement's series (GROUP BY keeps them apart). */
  async queryRaw(_influxql: string, _options: QueryOptions = {}): Promise<StatementResult[]> {
    throw new Error('not implemented');
  }

  /** Runs a statement that changes state (CREATE/DROP/ALTER…) with POST. */
  async execute(_influxql: string, _options: QueryOptions = {}): Promise<void> {
    throw new Error('not implemented');
  }

  /** `CREATE DATABASE` (idempotent) and, when given, a retention policy made the default. */
  async ensureDatabase(_database?: string, _retention?: RetentionPolicySpec): Promise<void> {
    throw new Error('not implemented');
  }

  /** Creates the retention policy, or alters it to match when it exists (idempotent). */
  async ensureRetentionPolicy(_database: string, _policy: RetentionPolicySpec): Promise<void> {
    throw new Error('not implemented');
  }

  async dropDatabase(_database: string): Promise<void> {
    throw new Error('not implemented');
  }
}

/** InfluxQL identifier quoting: `"my db"`. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** InfluxQL string literal quoting: `'it\'s'`. */
export function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
