import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tailFile } from './log-tail';
import { PrerequisiteError, requireMaven } from './prerequisites';
import type { Env, StackSettings } from './stack-settings';

/** The file in the jar folder that records which pom the jars were resolved from. */
export const POM_DIGEST_FILE = '.pom-sha256';

/** The cache key: a SHA-256 of the pom's bytes, so any change to the pom resolves the jars again. */
export function pomDigest(pom: string | Buffer): string {
  return createHash('sha256').update(pom).digest('hex');
}

/** Whether `libsDir` holds jars resolved from a pom with this digest. */
export function classpathIsCurrent(libsDir: string, digest: string): boolean {
  try {
    if (fs.readFileSync(path.join(libsDir, POM_DIGEST_FILE), 'utf8').trim() !== digest) return false;
    return fs.readdirSync(libsDir).some((name) => /^kafka_2\.13-.*\.jar$/.test(name));
  } catch {
    return false;
  }
}

/** Whether `stack up` will have to run Maven (so the preflight can ask for it). */
export function classpathNeedsResolving(settings: StackSettings): boolean {
  return !classpathIsCurrent(settings.paths.kafkaLibs, pomDigest(fs.readFileSync(settings.paths.pom)));
}

/**
 * Makes `<home>/kafka-libs` hold Kafka's runtime classpath, resolved by `mvn dependency:copy-dependencies` from
 * `tools/devstack/kafka/pom.xml` (the first run downloads about 45 MB from Maven Central into ~/.m2). The jars are resolved
 * into a temporary folder and swapped in whole, so a failed or interrupted run never leaves a half-filled cache and a
 * broker running from the old jars keeps its open files.
 */
export async function ensureKafkaClasspath(
  settings: StackSettings,
  env: Env,
  log: (line: string) => void,
): Promise<string> {
  const { kafkaLibs, pom, runDir } = settings.paths;
  const digest = pomDigest(fs.readFileSync(pom));
  if (classpathIsCurrent(kafkaLibs, digest)) return kafkaLibs;

  const mvn = requireMaven(env);
  log(`resolving the Kafka jars with Maven from ${path.relative(settings.repoRoot, pom)} (cached in ${kafkaLibs})`);
  fs.mkdirSync(runDir, { recursive: true });
  const mavenLog = path.join(runDir, 'maven.log');
  const staging = `${kafkaLibs}.staging-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  const args = [
    '-B',
    '-q',
    '-f',
    pom,
    'dependency:copy-dependencies',
    '-DincludeScope=runtime',
    `-DoutputDirectory=${staging}`,
  ];
  const code = await runLogged(mvn, args, mavenLog, env);
  if (code !== 0) {
    fs.rmSync(staging, { recursive: true, force: true });
    const tail = tailFile(mavenLog, 15).join('\n  ');
    throw new PrerequisiteError(`\`mvn ${args.join(' ')}\` failed (exit code ${code}); see ${mavenLog}:\n  ${tail}`);
  }
  fs.writeFileSync(path.join(staging, POM_DIGEST_FILE), `${digest}\n`);
  const old = `${kafkaLibs}.old-${process.pid}`;
  if (fs.existsSync(kafkaLibs)) fs.renameSync(kafkaLibs, old);
  fs.renameSync(staging, kafkaLibs);
  fs.rmSync(old, { recursive: true, force: true });
  return kafkaLibs;
}

function runLogged(command: string, args: string[], logFile: string, env: Env): Promise<number> {
  const fd = fs.openSync(logFile, 'a');
  return new Promise<number>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', fd, fd], env: { ...env } });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  }).finally(() => fs.closeSync(fd));
}
