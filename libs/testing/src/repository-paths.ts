/** Names of places that exist beside a developer's clone but never beside a user's. */
const MACHINE_PATHS = /(^|[^\w.])(\/home\/|\/work\/|\/Users\/)|\.\.\/shared\b/;

/**
 * Lines of `text` (the file at repository-relative `file`) that refer to a path outside the repository: a machine
 * path or a sibling `shared` folder, or a path that climbs more `..` steps than the file's folder is deep (compiled
 * files sit as deep as their sources: `src/x` becomes `dist/x`). Returns `file:line: text` for each.
 *
 * A heuristic: a climb is a run of `..` steps in one string (`'../../x'`) or as separate arguments (`'..', '..'`),
 * which is how this repository's code and scripts build paths.
 */
export function findOutsidePaths(file: string, text: string): string[] {
  const depth = file.split('/').length - 1;
  const found: string[] = [];
  text.split('\n').forEach((line, index) => {
    const climbs = line.match(/(?<![.\w])\.\.(?:(?:\/|['"`]\s*,\s*['"`])\.\.)*(?![.\w])/g) ?? [];
    const ups = Math.max(0, ...climbs.map((climb) => climb.split('..').length - 1));
    if (ups > depth || MACHINE_PATHS.test(line)) found.push(`${file}:${index + 1}: ${line.trim()}`);
  });
  return found;
}
