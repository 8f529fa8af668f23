import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectEventually } from './expect-eventually';
import { freePorts } from './service-process';

export interface PrivateInfluxdOptions {
  /** More lines of the `[http]` section, e.g. `auth-enabled = true`. */
  readonly http?: readonly string[];
  /** More lines of the `[data]` section, e.g. series limits. */
  readonly data?: readonly string[];
}

/**
 * An influxd (InfluxDB 1.x, as `tideline stack up` installs it) of a test's own: its own folder and free loopback
 * ports, so settings the shared one must not have (authentication, tiny limits) can be tested. `start` resolves when
 * `/ping` answers; `destroy` stops it and deletes its data.
 */
export class PrivateInfluxd {
  private child: ChildProcess | undefined;
  readonly dir = mkdtempSync(join(tmpdir(), 'tideline-influxd-'));
  url = '';

  constructor(private readonly options: PrivateInfluxdOptions = {}) {}

  async start(): Promise<void> {
    if (!this.url) {
      const [http, rpc] = (await freePorts(2)) as [number, number];
      this.url = `http://127.0.0.1:${http}`;
      const config = [
        'reporting-disabled = true',
        `bind-address = "127.0.0.1:${rpc}"`,
        '[meta]',
        `  dir = "${join(this.dir, 'meta')}"`,
        '[data]',
        `  dir = "${join(this.dir, 'data')}"`,
        `  wal-dir = "${join(this.dir, 'wal')}"`,
        '  query-log-enabled = false',
        ...(this.options.data ?? []).map((line) => `  ${line}`),
        // no _internal database: a test's limits apply to its own data only
        '[monitor]',
        '  store-enabled = false',
        '[http]',
        '  enabled = true',
        `  bind-address = "127.0.0.1:${http}"`,
        '  log-enabled = false',
        ...(this.options.http ?? []).map((line) => `  ${line}`),
        '[logging]',
        '  level = "warn"',
        '  suppress-logo = true',
      ].join('\n');
      writeFileSync(join(this.dir, 'influxdb.conf'), config);
    }
    const log = openSync(join(this.dir, 'influxd.log'), 'a');
    this.child = spawn('influxd', ['run', '-config', join(this.dir, 'influxdb.conf')], { stdio: ['ignore', log, log] });
    closeSync(log);
    // /ping answers without credentials even when auth is enabled
    await expectEventually(
      async () => {
        const response = await fetch(`${this.url}/ping`, { signal: AbortSignal.timeout(500) });
        if (response.status !== 204) throw new Error(`HTTP ${response.status}`);
      },
      { timeoutMs: 20_000, intervalMs: 50, message: `influxd at ${this.url}` },
    );
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    this.child = undefined;
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
