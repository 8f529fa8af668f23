// A clone of the repository must be all that the code, tests and scripts need: no file may reach a path outside the
// repository root (a sibling folder, a home directory, one machine's absolute path). The corpus the evaluation uses
// is shipped in datasets/.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { findOutsidePaths } from './repository-paths';

const ROOT = resolve(__dirname, '../../..');

/** Source, test and script files: what runs. Docs may name example paths; data is not code. */
const CHECKED = /\.(ts|mts|cts|js|mjs|cjs|sh|json|ya?ml|xml|properties|conf)$|(^|\/)(Dockerfile|[^/.]+)$/;
const NOT_CHECKED = /^(datasets\/|package-lock\.json$)|(^|\/)(dist|node_modules)\//;
/** This test's own examples of what is refused. */
const SELF = 'libs/testing/src/repository-paths.spec.ts';

/** A sibling folder of the repository, written so that this file does not name one itself. */
const SIBLING = ['..', 'shared'].join('/');

describe('repository paths', () => {
  it('finds a relative path that climbs above the root, a sibling "shared" folder and a machine path', () => {
    assert.deepEqual(
      findOutsidePaths('tools/bench/src/eval/a.ts', "const d = resolve(__dirname, '../../../../x');"),
      [],
    );
    assert.equal(findOutsidePaths('tools/bench/src/a.ts', `resolve(__dirname, '../../../../${SIBLING}/x')`).length, 1);
    assert.equal(findOutsidePaths('libs/stats/src/a.ts', "resolve(__dirname, '..', '..', '..', '..')").length, 1);
    assert.equal(findOutsidePaths('tools/dev.sh', `cd "$ROOT/${SIBLING}/datasets"`).length, 1);
    assert.equal(findOutsidePaths('tools/dev.sh', 'ls /home/someone/nab').length, 1);
    assert.deepEqual(findOutsidePaths('a.mjs', 'export default [...configs.recommended, ...more];'), []);
    assert.deepEqual(
      findOutsidePaths('libs/sdk/tsconfig.json', '[{ "path": "../../libs/a" }, { "path": "../../libs/b" }]'),
      [],
    );
    assert.deepEqual(findOutsidePaths('tools/dev.sh', 'ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"'), []);
  });

  it('no source, test or script file refers to a path outside the repository root', () => {
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\0')
      .filter((file) => file !== '' && file !== SELF && CHECKED.test(file) && !NOT_CHECKED.test(file));
    assert.ok(files.length > 100, `only ${files.length} files listed: is ${ROOT} the repository root?`);
    const found = files.flatMap((file) => {
      let text: string;
      try {
        text = readFileSync(resolve(ROOT, file), 'utf8');
      } catch {
        return []; // deleted in the working tree, not yet committed
      }
      return findOutsidePaths(file, text);
    });
    assert.deepEqual(found, []);
  });
});
