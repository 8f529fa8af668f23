import * as net from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { delay } from './process-supervisor';

// kafkajs 2.2.4's request queue calls setTimeout with a negative delay (harmless: Node runs it after 1 ms), and
// Node 24 prints a TimeoutNegativeWarning for each. Hide exactly that warning in the CLI's own process.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
  const name = warning instanceof Error ? warning.name : type;
  if (name === 'TimeoutNegativeWarning') return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

export type ProbeResult =
  { readonly ok: true; readonly detail: string } | { readonly ok: false; readonly reason: string };

/** Kafka answers only when a real metadata request (DescribeCluster through the admin client) succeeds. */
export async function probeKafka(broker: string, timeoutMs = 4_000): Promise<ProbeResult> {
  const kafka = new Kafka({
    clientId: 'tideline-readiness',
    brokers: [broker],
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(1_500, timeoutMs),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    const cluster = await withTimeout(
      (async () => {
        await admin.connect();
        return admin.describeCluster();
      })(),
      timeoutMs,
      `no metadata answer from ${broker} within ${timeoutMs} ms`,
    );
    if (cluster.brokers.length === 0) return { ok: false, reason: 'the metadata answer lists no brokers' };
    return { ok: true, detail: `cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s)` };
  } catch (error) {
    return { ok: false, reason: errorMessage(error) };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** An HTTP endpoint answers with an accepted status (InfluxDB `/ping` → 204, app `/health` → 200). */
export async function probeHttp(
  url: string,
  accept: (status: number) => boolean,
  timeoutMs = 3_000,
): Promise<ProbeResult> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer().catch(() => undefined);
    if (accept(response.status)) {
      const version = response.headers.get('x-influxdb-version');
      return { ok: true, detail: version ? `HTTP ${response.status}, version ${version}` : `HTTP ${response.status}` };
    }
    return { ok: false, reason: `HTTP ${response.status}` };
  } catch (error) {
    return { ok: false, reason: errorMessage(error) };
  }
}

/** Whether anything accepts TCP connections on the port (to tell "stopped" from "port taken by someone else"). */
export function isPortOpen(port: number, host = '127.0.0.1', timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Checked before each probe: a reason to give up early (e.g. "the process exited with code 1"). */
  readonly giveUp?: () => string | undefined;
}

/** Polls `probe` until it answers ok, the timeout passes, or `giveUp` returns a reason. Returns the last result. */
export async function waitUntilReady(probe: () => Promise<ProbeResult>, options: WaitOptions): Promise<ProbeResult> {
  const deadline = Date.now() + options.timeoutMs;
  let last: ProbeResult = { ok: false, reason: 'not probed yet' };
  for (;;) {
    const reason = options.giveUp?.();
    if (reason !== undefined) return { ok: false, reason };
    last = await probe();
    if (last.ok) return last;
    if (Date.now() >= deadline) {
      return { ok: false, reason: `not ready after ${Math.round(options.timeoutMs / 1000)} s (last: ${last.reason})` };
    }
    await delay(options.intervalMs ?? 250);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A short reason: "connection refused" rather than "fetch failed (connect ECONNREFUSED 127.0.0.1:8710)". */
export function errorMessage(error: unknown): string {
  const code = networkCode(error);
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET') return 'connection reset';
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return 'no answer in time';
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}

function networkCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
    if (/ECONNREFUSED/.test(current.message)) return 'ECONNREFUSED';
    current = (current as Error & { cause?: unknown }).cause;
  }
  return undefined;
}
