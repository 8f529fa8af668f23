// Runs the compiled tests with Node's own test runner.
//   node tools/test-runner.mjs unit [filter]   -> every dist/**/*.spec.js
//   node tools/test-runner.mjs int  [filter]   -> every dist/**/*.int-spec.js, against real Kafka and InfluxDB
// Build first (npm run build): tests run from the compiled output so decorators and project references behave as
// they do in production.
import { spawnSync } from 'node:child_process';
import { globSync } from 'node:fs';

const [kind = 'unit', filter] = process.argv.slice(2);
if (kind !== 'unit' && kind !== 'int') {
  console.error(`usage: node tools/test-runner.mjs unit|int [filter]; got "${kind}"`);
  process.exit(2);
}
const suffix = kind === 'unit' ? '.spec.js' : '.int-spec.js';
const files = globSync(`{apps,libs,tools}/*/dist/**/*${suffix}`)
  .filter((file) => !filter || file.includes(filter))
  .sort();
if (files.length === 0) {
  console.error(`no ${kind} test files found (did the build run?)`);
  process.exit(1);
}
const args = ['--enable-source-maps', '--test', '--test-reporter=spec'];
// Integration tests share one broker and one InfluxDB on a 2-core machine: run files one at a time.
if (kind === 'int') args.push('--test-concurrency=1', '--test-timeout=300000');
const result = spawnSync(process.execPath, [...args, ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
