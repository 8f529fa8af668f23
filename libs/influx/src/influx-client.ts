import type { InfluxSection } from '@tideline/config';
import { HttpPostFailure, HttpPoster } from './http-post';
import { InfluxError } from './influx-errors';
import type { LineChunk } from './line-bytes';
import { toLineProtocol, type Point } from './line-protocol';

/**
 * Where InfluxDB is and which database the client uses (the `influx` config section satisfies it). `retention`
 * (`influx.retention`, an InfluxDB duration such as `30d` or `INF`) is applied by {@link InfluxClient.ensureDatabase}.
 */
export type InfluxConnection = Pick<InfluxSection, 'url' | 'database'> &
  Partial<Pick<InfluxSection, 'username' | 'password' | 'token' | 'timeoutMs' | 'retention'>>;

/**
 * The retention policy the configured retention is applied to: the one InfluxDB creates with every database and writes
 * and queries use when they name none. Altering it (rather than adding a policy of our own) keeps the data written
 * before the retention was applied where queries find it.
 */
export const DEFAULT_RETENTION_POLICY = 'autogen';

const DURATION_UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  u: 1e-3,
  µ: 1e-3,
  ms: 1,
  s: 1e3,
  m: 60e3,
  h: 3600e3,
  d: 86400e3,
  w: 7 * 86400e3,
};

/**
 * The shard group duration for a retention: `7d` from 28 days of retention, otherwise `0s` (InfluxDB's own choice: 1 h
 * below 2 days, 1 day up to 6 months, 7 days above and for `INF`). Why not InfluxDB's 1 day for the default 30 days:
 * InfluxDB 1.6 does its GROUP BY "series" work per series *and shard*, so the weekly report's two weeks over daily
 * shards cost 15 times the per-series work; over 7-day shards, 3 times (daily mean and max of 5,000 series over two
 * weeks: 4.0× faster, the daily baseline 4.2×, measured side by side). The price: a shard group is dropped whole, so
 * data is kept up to 7 days past the retention.
 *
 * @example shardDurationFor('30d') // '7d'
 * @example shardDurationFor('7d') // '0s'
 */
export function shardDurationFor(retention: string): string {
  const parts = [...retention.matchAll(/(\d+)(ns|ms|u|µ|s|m|h|d|w)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== retention) return '0s'; // INF or not ours to judge
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * DURATION_UNIT_MS[p[2]!]!, 0);
  return ms >= 28 * DURATION_UNIT_MS['d']! ? '7d' : '0s';
}

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
  /** Aborts the request (e.g. on shutdown). */
  readonly signal?: AbortSignal;
}

/** How a write ended, for a caller that watches them (readiness): stored, or not and why. Not for an aborted one. */
export type WriteOutcome = { readonly ok: true } | { readonly ok: false; readonly why: string };

export interface InfluxClientOptions {
  /** Told the outcome of every write request (not of one its caller aborted). */
  readonly onWriteOutcome?: (outcome: WriteOutcome) => void;
}

export interface RetentionPolicySpec {
  readonly name: string;
  /** InfluxDB duration, e.g. `30d`, `INF`. */
  readonly duration: string;
  /** InfluxDB duration; `0s` lets InfluxDB choose from `duration`; default: unchanged (InfluxDB's choice on create). */
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

interface RawResponse {
  results?: { statement_id?: number; series?: InfluxSeries[]; error?: string }[];
  error?: string;
}

/**
 * A thin client of the InfluxDB v1 HTTP API (`/ping`, `/write`, `/query`): writes with node:http keep-alive
 * connections of their own (the hot path: {@link HttpPoster}), the rest with `fetch`. Throws {@link InfluxError}
 * (retriable when the server is unreachable, times out or answers 5xx/429; otherwise not, with InfluxDB's own
 * message in `influxMessage`). It does not retry: {@link BatchWriter} does. Precision is always ms.
 */
export class InfluxClient {
  private readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly poster = new HttpPoster();

  constructor(
    readonly connection: InfluxConnection,
    readonly options: InfluxClientOptions = {},
  ) {
    // fetch refuses a URL with credentials, and messages name the base URL: credentials in `influx.url`
    // (http://user:pass@host) become the basic-auth header (`influx.username`/`password` win), the URL keeps none
    const url = new URL(connection.url);
    const fromUrl =
      url.username !== ''
        ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
        : undefined;
    url.username = '';
    url.password = '';
    this.baseUrl = url.toString().replace(/\/+$/, '');
    this.headers = {};
    const username = connection.username ?? fromUrl?.user;
    const password = connection.username !== undefined ? connection.password : fromUrl?.pass;
    if (connection.token) this.headers['authorization'] = `Token ${connection.token}`;
    else if (username !== undefined) {
      const credentials = Buffer.from(`${username}:${password ?? ''}`).toString('base64');
      this.headers['authorization'] = `Basic ${credentials}`;
    }
  }

  get database(): string {
    return this.connection.database;
  }

  /** `GET /ping`: resolves with the server version, throws a retriable InfluxError when it does not answer. */
  async ping(): Promise<PingResult> {
    const started = performance.now();
    const response = await this.request('GET', '/ping', new URLSearchParams());
    if (response.status !== 204 && response.status !== 200) throw await this.errorFrom(response, 'ping');
    await response.body?.cancel();
    return {
      version: response.headers.get('x-influxdb-version') ?? 'unknown',
      latencyMs: performance.now() - started,
    };
  }

  /** Writes line-protocol lines (precision ms) in one request. */
  async writeLines(lines: readonly string[], options: WriteOptions = {}): Promise<void> {
    if (lines.length > 0) await this.writeBody(lines.join('\n'), lines.length, options);
  }

  /** Writes lines written as bytes (`LineBytes.take()`) in one request (precision ms); releases none of them. */
  async writeChunks(chunks: readonly LineChunk[], options: WriteOptions = {}): Promise<void> {
    let points = 0;
    for (const chunk of chunks) points += chunk.lines;
    if (points > 0)
      await this.writeBody(
        chunks.map((chunk) => chunk.body),
        points,
        options,
      );
  }

  private async writeBody(body: string | readonly Uint8Array[], points: number, options: WriteOptions): Promise<void> {
    const params = new URLSearchParams({ db: options.database ?? this.database, precision: 'ms' });
    if (options.retentionPolicy) params.set('rp', options.retentionPolicy);
    const url = new URL(`${this.baseUrl}/write?${params}`);
    const headers = { ...this.headers, 'content-type': 'text/plain; charset=utf-8' };
    const observe = this.options.onWriteOutcome;
    let answer: { status: number; text: string };
    try {
      answer = await this.poster.post(url, headers, body, this.timeoutMs, options.signal);
    } catch (error) {
      if (options.signal?.aborted === true) throw error;
      const failure = error instanceof HttpPostFailure ? error : new HttpPostFailure(String(error), false);
      observe?.({ ok: false, why: failure.message });
      throw this.unreachable('POST', '/write', failure.message, failure.timedOut, error);
    }
    if (answer.status !== 204 && answer.status !== 200) {
      observe?.({
        ok: false,
        why: `HTTP ${answer.status}${answer.text ? `: ${answer.text.trim().slice(0, 300)}` : ''}`,
      });
      throw this.errorFromText(answer.status, answer.text, `write of ${points} points`);
    }
    observe?.({ ok: true });
  }

  /** Writes points (precision ms) in one request. */
  async writePoints(points: readonly Point[], options: WriteOptions = {}): Promise<void> {
    await this.writeLines(points.map(toLineProtocol), options);
  }

  /** Runs one InfluxQL read statement and returns its rows (tags + columns, `time` in epoch ms). */
  async query<Row extends InfluxRow = InfluxRow>(influxql: string, options: QueryOptions = {}): Promise<Row[]> {
    const [first] = await this.queryRaw(influxql, options);
    return (first?.series ?? []).flatMap((series) => seriesRows<Row>(series));
  }

  /** Runs one or more `;`-separated statements and returns every statement's series (GROUP BY keeps them apart). */
  async queryRaw(influxql: string, options: QueryOptions = {}): Promise<StatementResult[]> {
    return this.runQuery('GET', influxql, options);
  }

  /** Runs a statement that changes state (CREATE/DROP/ALTER…) with POST. */
  async execute(influxql: string, options: QueryOptions = {}): Promise<void> {
    await this.runQuery('POST', influxql, options);
  }

  /**
   * `CREATE DATABASE` (idempotent) and a retention policy made the default: `retention` when given; otherwise, for the
   * connection's own database, the connection's `retention` applied to {@link DEFAULT_RETENTION_POLICY} (created or
   * altered to match, with InfluxDB's own shard duration for it), so that every service that creates the database
   * applies `influx.retention` at start and writes, which name no policy, go to it.
   */
  async ensureDatabase(
    database: string = this.database,
    retention: RetentionPolicySpec | undefined = this.configuredRetention(database),
  ): Promise<void> {
    try {
      await this.execute(`CREATE DATABASE ${quoteIdentifier(database)}`, { database });
    } catch (error) {
      // With authentication on, only an admin may create a database, even one that exists. A user with rights on an
      // existing database uses it as it is (its retention policy too: altering it needs an admin as well).
      if (!(error instanceof InfluxError) || !/requires admin privilege/.test(error.influxMessage ?? '')) throw error;
      const visible = await this.query<{ name: string }>('SHOW DATABASES', { database });
      if (visible.some((row) => row.name === database)) return;
      throw new InfluxError(
        `database ${database} does not exist and this InfluxDB user may not create it (not an admin): create it as an admin and grant the user ALL on it`,
        {
          retriable: false,
          code: 'influx_request_refused',
          cause: error,
          ...(error.status !== undefined ? { status: error.status } : {}),
        },
      );
    }
    if (retention) await this.ensureRetentionPolicy(database, retention);
  }

  /** The policy `influx.retention` asks for on `database`, if it is the connection's own and a retention is set. */
  configuredRetention(database: string = this.database): RetentionPolicySpec | undefined {
    const duration = this.connection.retention;
    if (duration === undefined || database !== this.database) return undefined;
    // Set every time: left as it was, an altered policy could keep shards longer than the data, or be refused
    // ("retention policy duration must be greater than the shard duration").
    return { name: DEFAULT_RETENTION_POLICY, duration, shardDuration: shardDurationFor(duration), isDefault: true };
  }

  /** Creates the retention policy, or alters it to match when it exists (idempotent). */
  async ensureRetentionPolicy(database: string, policy: RetentionPolicySpec): Promise<void> {
    const existing = await this.query<{ name: string }>(`SHOW RETENTION POLICIES ON ${quoteIdentifier(database)}`, {
      database,
    });
    const verb = existing.some((row) => row.name === policy.name) ? 'ALTER' : 'CREATE';
    let statement =
      `${verb} RETENTION POLICY ${quoteIdentifier(policy.name)} ON ${quoteIdentifier(database)} ` +
      `DURATION ${policy.duration} REPLICATION ${policy.replication ?? 1}`;
    if (policy.shardDuration) statement += ` SHARD DURATION ${policy.shardDuration}`;
    if (policy.isDefault ?? true) statement += ' DEFAULT';
    await this.execute(statement, { database });
  }

  async dropDatabase(database: string): Promise<void> {
    await this.execute(`DROP DATABASE ${quoteIdentifier(database)}`, { database });
  }

  private async runQuery(method: 'GET' | 'POST', influxql: string, options: QueryOptions): Promise<StatementResult[]> {
    const params = new URLSearchParams({ db: options.database ?? this.database, epoch: 'ms' });
    if (options.retentionPolicy) params.set('rp', options.retentionPolicy);
    if (options.params) params.set('params', JSON.stringify(options.params));
    let response: Response;
    if (method === 'GET') {
      params.set('q', influxql);
      response = await this.request('GET', '/query', params);
    } else {
      const body = new URLSearchParams({ q: influxql });
      response = await this.request('POST', '/query', params, body.toString(), 'application/x-www-form-urlencoded');
    }
    if (response.status !== 200) throw await this.errorFrom(response, 'query');
    const json = (await response.json()) as RawResponse;
    const results = json.results ?? [];
    const failed = results.find((result) => result.error !== undefined);
    if (failed?.error !== undefined) {
      throw new InfluxError(`InfluxDB refused the query: ${failed.error}`, {
        retriable: false,
        code: 'influx_query_error',
        status: response.status,
        influxMessage: failed.error,
      });
    }
    return results.map((result, i) => ({ statementId: result.statement_id ?? i, series: result.series ?? [] }));
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    params: URLSearchParams,
    body?: string,
    contentType?: string,
    signal?: AbortSignal,
  ): Promise<Response> {
    const url = `${this.baseUrl}${path}${params.size > 0 ? `?${params}` : ''}`;
    const headers = { ...this.headers, ...(contentType ? { 'content-type': contentType } : {}) };
    const timeoutMs = this.timeoutMs;
    try {
      return await fetch(url, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError');
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const detail = timedOut ? `no answer within ${timeoutMs} ms` : (cause?.code ?? cause?.message ?? String(error));
      throw this.unreachable(method, path, detail, timedOut, error);
    }
  }

  private get timeoutMs(): number {
    return this.connection.timeoutMs ?? 10_000;
  }

  private unreachable(method: string, path: string, detail: string, timedOut: boolean, cause: unknown): InfluxError {
    return new InfluxError(`InfluxDB at ${this.baseUrl} is unreachable (${method} ${path}): ${detail}`, {
      retriable: true,
      code: timedOut ? 'influx_timeout' : 'influx_unavailable',
      cause,
    });
  }

  private async errorFrom(response: Response, what: string): Promise<InfluxError> {
    return this.errorFromText(response.status, await response.text().catch(() => ''), what);
  }

  private errorFromText(status: number, text: string, what: string): InfluxError {
    let influxMessage = text.trim();
    try {
      const parsed = JSON.parse(text) as { error?: unknown };
      if (typeof parsed.error === 'string') influxMessage = parsed.error;
    } catch {
      // not JSON (a proxy's page, "404 page not found"): keep the text
    }
    const retriable = status >= 500 || status === 429;
    const code =
      status === 404 && /database not found/.test(influxMessage)
        ? 'influx_database_not_found'
        : retriable
          ? 'influx_unavailable'
          : 'influx_request_refused';
    return new InfluxError(`InfluxDB refused the ${what} (HTTP ${status}): ${influxMessage}`, {
      retriable,
      code,
      status,
      influxMessage,
    });
  }
}

/** The rows of one series: tags plus columns. */
function seriesRows<Row>(series: InfluxSeries): Row[] {
  const { columns, values, tags } = series;
  return values.map((value) => {
    const row: Record<string, unknown> = { ...tags };
    columns.forEach((column, i) => (row[column] = value[i]));
    return row as Row;
  });
}

/** InfluxQL identifier quoting: `"my db"`. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** InfluxQL string literal quoting: `'it\'s'`. */
export function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
