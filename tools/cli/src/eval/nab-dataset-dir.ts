import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Where the NAB corpus lives for tests and defaults: `$TIDELINE_NAB_DIR`, else `../shared/datasets/nab` beside the
 * repository. Returns undefined when neither exists (tests that need the corpus then skip and say why).
 */
export function findNabDatasetDir(repoRoot = resolve(__dirname, '../../../..')): string | undefined {
  const candidates = [process.env['TIDELINE_NAB_DIR'], resolve(repoRoot, '../shared/datasets/nab')];
  return candidates.find((c): c is string => c !== undefined && c !== '' && existsSync(resolve(c, 'labels')));
}
