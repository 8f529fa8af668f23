import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The repository root: the nearest folder above this file that holds tools/pack-package.mjs. */
export const REPO_ROOT = findRepoRoot(__dirname);

function findRepoRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'tools', 'pack-package.mjs'))) return dir;
  }
  return resolve(from, '..', '..', '..');
}

/**
 * Builds a package with `tools/pack-package.mjs <which>` and installs the tarball, plus `extra` packages, with
 * `npm install` into a new empty temporary folder outside the workspace, as a user would. `--prefer-offline`: what
 * npm's cache holds is not fetched again (the collector has no dependencies at all). Returns the folder.
 */
export function packAndInstall(which: 'collector' | 'sdk', extra: readonly string[] = []): string {
  const tarball = execFileSync(process.execPath, [join(REPO_ROOT, 'tools', 'pack-package.mjs'), which], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .trim()
    .split('\n')
    .at(-1)!;
  const folder = mkdtempSync(join(tmpdir(), `tideline-installed-${which}-`));
  execFileSync(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball, ...extra],
    { cwd: folder, stdio: ['ignore', 'inherit', 'inherit'], env: npmEnv() },
  );
  return folder;
}

/** This process's environment with this Node.js first on PATH (for `npm` and `#!/usr/bin/env node` scripts). */
export function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}` };
  // set by `node --test` for its own children; the installed programs are not test files
  delete env['NODE_TEST_CONTEXT'];
  return env;
}
