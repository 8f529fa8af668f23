import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findExecutable, PrerequisiteError, type Env, type StackSettings } from '@tideline/devstack';

/** What `k8s-validate` prints for one kustomization. */
export interface ManifestReport {
  readonly dir: string;
  readonly objects: readonly { readonly kind: string; readonly name: string; readonly namespace?: string }[];
  readonly errors: readonly string[];
}

const INSTALL_GO =
  'install Go 1.25 or newer (the official archive, or a distribution package that new) so that `go` is on PATH';

/** `go` on PATH, or where the official archive installs it. */
export function findGo(env: Env): string | undefined {
  return findExecutable('go', env) ?? (fs.existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
}

/** A SHA-256 over the validator's sources (go.mod, go.sum, *.go), the key of the cached binary. */
export function validatorDigest(sourceDir: string): string {
  const hash = createHash('sha256');
  for (const name of fs.readdirSync(sourceDir).sort()) {
    if (name === 'go.mod' || name === 'go.sum' || name.endsWith('.go')) {
      hash
        .update(name)
        .update('\0')
        .update(fs.readFileSync(path.join(sourceDir, name)))
        .update('\0');
    }
  }
  return hash.digest('hex');
}

/**
 * `<home>/bin/k8s-validate`, built from `tools/deploy-checks/k8s-validate` with `go build` when missing or built from
 * other sources (the digest beside it says which). The modules come from Go's default module proxy into Go's own cache
 * (~/go/pkg/mod, ~/.cache/go-build), outside the repository, as Maven keeps the Kafka jars in ~/.m2: the first build
 * downloads and compiles for a few minutes, a fresh clone then relinks in seconds.
 */
export function ensureK8sValidator(settings: StackSettings, env: Env, log: (line: string) => void): string {
  const sourceDir = path.join(settings.repoRoot, 'tools', 'deploy-checks', 'k8s-validate');
  const binDir = path.join(settings.paths.home, 'bin');
  const binary = path.join(binDir, 'k8s-validate');
  const digestFile = `${binary}.sha256`;
  const digest = validatorDigest(sourceDir);
  try {
    if (fs.readFileSync(digestFile, 'utf8').trim() === digest && fs.existsSync(binary)) return binary;
  } catch {
    // not built yet
  }
  const go = findGo(env);
  if (go === undefined)
    throw new PrerequisiteError(`Go was not found (the Kubernetes manifest check needs it): ${INSTALL_GO}`);
  fs.mkdirSync(binDir, { recursive: true });
  const staging = `${binary}.staging-${process.pid}`;
  log(`building ${path.relative(settings.repoRoot, sourceDir)} with ${go} into ${binary}`);
  const result = spawnSync(go, ['build', '-trimpath', '-o', staging, '.'], {
    cwd: sourceDir,
    env: { ...env },
    encoding: 'utf8',
    timeout: 15 * 60_000,
  });
  if (result.status !== 0) {
    fs.rmSync(staging, { force: true });
    throw new PrerequisiteError(
      `\`go build\` of ${sourceDir} failed (${result.error?.message ?? `exit code ${result.status}`}):\n${result.stderr}`,
    );
  }
  fs.renameSync(staging, binary);
  fs.writeFileSync(digestFile, `${digest}\n`);
  return binary;
}

/** Runs the validator over kustomization folders: one report each, and its exit status (0: no errors). */
export function validateManifests(
  binary: string,
  dirs: readonly string[],
): { code: number; reports: ManifestReport[]; stderr: string } {
  const result = spawnSync(binary, [...dirs], { encoding: 'utf8', timeout: 120_000 });
  const reports = (result.stdout ?? '')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ManifestReport);
  return { code: result.status ?? 1, reports, stderr: result.stderr ?? '' };
}
