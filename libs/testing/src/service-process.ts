// Free ports and services started as processes: the one implementation for every test, harness and benchmark.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { expectEventually } from './expect-eventually';

/** A port nothing listens on right now (the OS picked it, then we let it go). */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}

/**
 * `count` different ports that were free a moment ago (loopback). All are held open until every one is chosen: ports
 * asked for one after the other can come back equal, since each is released before the next is asked for.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(
      servers.map(async (server) => {
        server.listen(0, '127.0.0.1');
        await once(server, 'listening');
        const address = server.address();
        if (address === null || typeof address === 'string') throw new Error('no TCP address');
        return address.port;
      }),
    );
  } finally {
    await Promise.all(
      servers.map((server) => (server.listening ? new Promise((resolve) => server.close(resolve)) : undefined)),
    );
  }
}

export interface ServiceExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A service started as its own process (`node dist/main.js`), the way it runs in production. */
export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything the process wrote so far (its last `outputTailChars` with that option). */
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited; rejects if it has not within `timeoutMs`. */
  exit(timeoutMs: number): Promise<ServiceExit>;
  /** Sends a signal (default SIGTERM) and waits for the exit. */
  stop(timeoutMs: number, signal?: NodeJS.Signals): Promise<ServiceExit>;
  /** SIGKILL if still running: for test clean-up after a failure. */
  kill(): void;
}

export interface StartServiceOptions {
  /** Path of the compiled entry point, e.g. `apps/collector/dist/main.js`. */
  readonly main: string;
  /** Added to (and overriding) this process's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Where the service will listen (`HTTP_PORT`), for `url`. */
  readonly port: number;
  /**
   * Keep only the last this many characters of stdout and of stderr (default: all): a benchmark runs a service for
   * long enough that all of its output would grow without bound.
   */
  readonly outputTailChars?: number;
}

export function startService(options: StartServiceOptions): ServiceProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  // Set by `node --test` for its own children; the service is not one of them.
  delete env['NODE_TEST_CONTEXT'];
  const child = spawn(process.execPath, ['--enable-source-maps', options.main], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const tail = options.outputTailChars;
  const keep = tail === undefined ? (text: string) => text : (text: string) => text.slice(-tail);
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout = keep(stdout + chunk)));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = keep(stderr + chunk)));
  const exited = new Promise<ServiceExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });

  const exit = async (timeoutMs: number): Promise<ServiceExit> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${options.main} did not exit within ${timeoutMs}ms; stderr:\n${stderr}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    child,
    url: `http://127.0.0.1:${options.port}`,
    stdout: () => stdout,
    stderr: () => stderr,
    exit,
    stop: async (timeoutMs, signal = 'SIGTERM') => {
      child.kill(signal);
      return exit(timeoutMs);
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Runs a Node script (e.g. the CLI's bin) as a process until it exits, with its stdout and stderr. */
export async function runScript(
  script: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  // Set by `node --test` for its own children; the script is not one of them.
  delete childEnv['NODE_TEST_CONTEXT'];
  const child = spawn(process.execPath, [script, ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
  return { code, stdout, stderr };
}

/**
 * Waits until a started service's `/health` answers 200 (its consumers are running), failing early if the process
 * exits. On failure the process is killed (a child left running would keep the test process alive) and the error names
 * `name` and carries the last `/health` answer or the process's stderr.
 */
export async function waitUntilHealthy(service: ServiceProcess, name: string, timeoutMs = 60_000): Promise<void> {
  try {
    await expectEventually(
      async () => {
        assert.equal(service.child.exitCode, null, `${name} exited; stderr:\n${service.stderr()}`);
        const response = await fetch(`${service.url}/health`);
        assert.equal(response.status, 200, `${name} /health: ${await response.text()}`);
      },
      { timeoutMs, intervalMs: 250, message: `${name} did not become ready` },
    );
  } catch (error) {
    service.kill();
    throw error;
  }
}

/** Sum of a Prometheus counter or gauge on `<baseUrl>/metrics` over the series matching every given label. */
export async function metricValue(baseUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  return sumMetric(await (await fetch(`${baseUrl}/metrics`)).text(), name, labels);
}

/** Sum of a counter or gauge in a Prometheus text exposition over the series matching every given label. */
export function sumMetric(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const labelText = match[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) sum += Number(match[3]);
  }
  return sum;
}
