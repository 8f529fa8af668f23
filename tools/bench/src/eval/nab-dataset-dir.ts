import { resolve } from 'node:path';

/** The repository root, from this file's compiled place (tools/bench/dist/eval). */
const REPO_ROOT = resolve(__dirname, '../../../..');

/**
 * The NAB corpus that `tideline eval`, `tideline nab-score` and the tests use by default: the copy shipped in the
 * repository (`datasets/nab`, see its README for provenance), or `$TIDELINE_NAB_DIR` when set.
 */
export function nabDatasetDir(): string {
  const fromEnv = process.env['TIDELINE_NAB_DIR'];
  return fromEnv !== undefined && fromEnv !== '' ? resolve(fromEnv) : resolve(REPO_ROOT, 'datasets', 'nab');
}
