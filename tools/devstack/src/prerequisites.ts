import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Env } from './stack-settings';

/** A missing or too old tool; the message says what to install. Not retriable: rerunning will not help. */
export class PrerequisiteError extends Error {
  readonly retriable = false;
  override readonly name = 'PrerequisiteError';
}

export const INSTALL_HINTS = {
  java: 'install a Java 17+ runtime, e.g. `apt-get install -y openjdk-17-jre-headless` (or point JAVA_HOME at one)',
  maven: 'install Maven, e.g. `apt-get install -y maven`; it fetches the Kafka jars from Maven Central once',
  influxd:
    'install InfluxDB 1.x so that `influxd` is on PATH (Debian/Ubuntu: `apt-get install -y influxdb`); ' +
    'apt-get is not available here to do it for you',
} as const;

/** The first executable called `name` on `PATH` (as `which` does), or undefined. */
export function findExecutable(name: string, env: Env): string | undefined {
  for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The major version in `java -version` output: `openjdk version "17.0.15"` → 17, `java version "1.8.0_292"` → 8,
 * `openjdk version "21" 2023-09-19` → 21, `openjdk version "25-ea"` → 25.
 */
export function parseJavaMajorVersion(output: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(output);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

/** `$JAVA_HOME/bin/java` when set, else `java` on PATH. */
export function findJava(env: Env): string | undefined {
  const javaHome = env['JAVA_HOME'];
  if (javaHome) {
    const candidate = path.join(javaHome, 'bin', 'java');
    if (fs.existsSync(candidate)) return candidate;
  }
  return findExecutable('java', env);
}

/** The java binary, checked to be version 17 or newer (Kafka 4's broker needs 17). */
export function requireJava17(env: Env): string {
  const java = findJava(env);
  if (java === undefined) throw new PrerequisiteError(`Java was not found: ${INSTALL_HINTS.java}`);
  const result = spawnSync(java, ['-version'], { encoding: 'utf8', timeout: 30_000 });
  const major = parseJavaMajorVersion(`${result.stderr ?? ''}\n${result.stdout ?? ''}`);
  if (major === undefined) {
    throw new PrerequisiteError(
      `could not read the version of ${java} (\`java -version\` failed): ${INSTALL_HINTS.java}`,
    );
  }
  if (major < 17) {
    throw new PrerequisiteError(`Kafka 4 needs Java 17 or newer, ${java} is Java ${major}: ${INSTALL_HINTS.java}`);
  }
  return java;
}

export function requireMaven(env: Env): string {
  const mvn = findExecutable('mvn', env);
  if (mvn === undefined) throw new PrerequisiteError(`Maven (mvn) was not found: ${INSTALL_HINTS.maven}`);
  return mvn;
}

/** Where `influxd` is: on PATH, or where Debian's package puts it. */
export function findInfluxd(env: Env): string | undefined {
  return findExecutable('influxd', env) ?? (fs.existsSync('/usr/bin/influxd') ? '/usr/bin/influxd' : undefined);
}

/** Fails early when `influxd` is missing and cannot be installed with apt-get. */
export function checkInfluxdInstallable(env: Env): void {
  if (findInfluxd(env) === undefined && findExecutable('apt-get', env) === undefined) {
    throw new PrerequisiteError(`InfluxDB (influxd) was not found: ${INSTALL_HINTS.influxd}`);
  }
}

/**
 * `influxd`, installed with `apt-get update && apt-get install -y influxdb` (Debian's InfluxDB 1.x) when missing.
 * apt's output goes to stderr so that a command's JSON on stdout stays parseable.
 */
export async function ensureInfluxd(env: Env, log: (line: string) => void): Promise<string> {
  const found = findInfluxd(env);
  if (found !== undefined) return found;
  await aptInstall('influxdb', 'InfluxDB (influxd)', env, log);
  const installed = findInfluxd(env);
  if (installed === undefined) {
    throw new PrerequisiteError('apt-get installed "influxdb" but `influxd` is still not on PATH');
  }
  return installed;
}

/** A command of a Debian package that a test or a documented workflow runs next to the stack. */
export interface DebianTool {
  readonly command: string;
  readonly package: string;
  /** What it is for, in the message when it can be neither found nor installed. */
  readonly purpose: string;
}

/** The stack's client tools: a non-Node subscriber of the alerts topic, and Alertmanager with its `amtool`. */
export const DEBIAN_TOOLS = {
  kcat: { command: 'kcat', package: 'kcat', purpose: 'reads Kafka topics without Node.js' },
  alertmanager: {
    command: 'prometheus-alertmanager',
    package: 'prometheus-alertmanager',
    purpose: 'Prometheus Alertmanager, which the webhook forwarder posts alerts to',
  },
  amtool: { command: 'amtool', package: 'prometheus-alertmanager', purpose: "Alertmanager's command-line client" },
} as const satisfies Record<string, DebianTool>;

/** A Debian package's command on PATH (or in /usr/bin); installed with apt-get (as ensureInfluxd does) when missing. */
export async function ensureDebianTool(tool: DebianTool, env: Env, log: (line: string) => void): Promise<string> {
  const find = () =>
    findExecutable(tool.command, env) ??
    (fs.existsSync(path.join('/usr/bin', tool.command)) ? path.join('/usr/bin', tool.command) : undefined);
  const found = find();
  if (found !== undefined) return found;
  await aptInstall(tool.package, `${tool.command} (${tool.purpose})`, env, log);
  const installed = find();
  if (installed === undefined) {
    throw new PrerequisiteError(`apt-get installed "${tool.package}" but \`${tool.command}\` is still not on PATH`);
  }
  return installed;
}

/** `apt-get update && apt-get install -y <pkg>`, as root or through sudo; its output goes to stderr. */
async function aptInstall(pkg: string, what: string, env: Env, log: (line: string) => void): Promise<void> {
  const aptGet = findExecutable('apt-get', env);
  if (aptGet === undefined) {
    throw new PrerequisiteError(
      `${what} was not found: install Debian's "${pkg}" package (apt-get is not available here)`,
    );
  }
  const asRoot = process.getuid?.() === 0;
  const sudo = asRoot ? undefined : findExecutable('sudo', env);
  if (!asRoot && sudo === undefined) {
    throw new PrerequisiteError(
      `${what} was not found and installing it needs root: run \`sudo apt-get install -y ${pkg}\``,
    );
  }
  log(`${what} not found: installing Debian's "${pkg}" package (apt-get update && apt-get install -y ${pkg})`);
  const run = (args: string[]) => runToStderr(sudo ?? aptGet, sudo ? [aptGet, ...args] : args, env);
  await run(['update']);
  await run(['install', '-y', pkg]);
}

function runToStderr(command: string, args: string[], env: Env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 2, 2],
      env: { ...env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new PrerequisiteError(`\`${command} ${args.join(' ')}\` failed (${signal ?? `exit code ${code}`})`)),
    );
  });
}
