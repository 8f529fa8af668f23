import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root: the nearest folder above `from` holding `tools/devstack/kafka/pom.xml`. */
export function findRepoRoot(from: string = __dirname): string {
  let dir = path.resolve(from);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'tools', 'devstack', 'kafka', 'pom.xml'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new Error(`no tools/devstack/kafka/pom.xml above ${from}: is tideline running from its repository?`);
    dir = parent;
  }
}
