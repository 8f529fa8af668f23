import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { freePort } from './service-process';

/** Debian's package and command of Prometheus' node_exporter. */
export const NODE_EXPORTER = { package: 'prometheus-node-exporter', command: 'prometheus-node-exporter' } as const;

/** node_exporter on PATH or in /usr/bin; undefined when missing. */
export function findNodeExporter(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [...(env['PATH'] ?? '').split(delimiter), '/usr/bin', '/usr/sbin'];
  for (const name of [NODE_EXPORTER.command, 'node_exporter']) {
    for (const dir of dirs) if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * node_exporter's path, installed with `apt-get install -y prometheus-node-exporter` when missing (root needed;
 * the package's own service is not started: Debian's policy-rc.d or a container without systemd prevents it, and the
 * callers start their own on a free loopback port). apt's output goes to stderr.
 */
export function ensureNodeExporter(log: (line: string) => void = () => undefined): string {
  const found = findNodeExporter();
  if (found) return found;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(`node_exporter is missing: install it with \`sudo apt-get install -y ${NODE_EXPORTER.package}\``);
  }
  log(`node_exporter not found: installing Debian's "${NODE_EXPORTER.package}" package with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', NODE_EXPORTER.package],
  ]) {
    const result = spawnSync('apt-get', args, { stdio: ['ignore', 2, 2], env });
    if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (status ${result.status})`);
  }
  const installed = findNodeExporter();
  if (!installed) throw new Error(`apt-get installed ${NODE_EXPORTER.package} but node_exporter is not on PATH`);
  return installed;
}

export interface NodeExporterProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Its exposition, e.g. http://127.0.0.1:40123/metrics. */
  readonly metricsUrl: string;
  stop(): Promise<void>;
}

/** Starts node_exporter on a free loopback port and resolves once `/metrics` answers. */
export async function startNodeExporter(binary: string): Promise<NodeExporterProcess> {
  const port = await freePort();
  const child = spawn(binary, [`--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = once(child, 'exit');
  const metricsUrl = `http://127.0.0.1:${port}/metrics`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = performance.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`node_exporter exited with status ${child.exitCode}:\n${stderr}`);
    const ok = await fetch(metricsUrl).then(
      (response) => response.body?.cancel().then(() => response.ok) ?? response.ok,
      () => false,
    );
    if (ok) break;
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`node_exporter did not answer on ${metricsUrl} within 15 s:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, pid: child.pid!, metricsUrl, stop };
}
