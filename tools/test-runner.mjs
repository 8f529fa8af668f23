// Runs the compiled tests with Node's own test runner.
//   node tools/test-runner.mjs unit [filter]   -> every dist-spec/**/*.spec.js
//   node tools/test-runner.mjs int  [filter]   -> every dist-spec/**/*.int-spec.js, against real Kafka and InfluxDB
//   --pass-with-no-tests                       -> no matching file is not an error (Nx runs it once per project)
// Build first (npm run build): tests run from the compiled output so decorators and project references behave as
// they do in production. Each project's tests compile apart from its code (tsconfig.spec.json, into dist-spec/, so
// none ships in dist/); tools/spec-resolve.mjs lets a test's relative imports reach the code in dist/.
//
// Integration tests never skip. Before they run, the stack harness (libs/testing/src/stack-harness.ts) finds their
// servers: KAFKA_BROKERS + INFLUX_URL from the environment, else containers (testcontainers, when a container runtime
// answers), else the native stack (`tideline stack up`). The test files get KAFKA_BROKERS and INFLUX_URL; afterwards
// the harness stops exactly what it started, also when the tests fail or the run is interrupted.

// First of all, before anything that needs a newer Node.js (fs.globSync is Node 22+): the version the project runs on.
const REQUIRED_NODE_MAJOR = 24;
const nodeMajor = Number(process.versions.node.split('.')[0]);
if (nodeMajor !== REQUIRED_NODE_MAJOR) {
  console.error(
    `tools/test-runner.mjs: Tideline's tests run on Node.js ${REQUIRED_NODE_MAJOR}; this is Node.js ${process.versions.node} (${process.execPath}).\n` +
      `Run the suite with \`bash tools/dev.sh test\`, which installs Node.js ${REQUIRED_NODE_MAJOR} into .tideline/toolchain when needed, ` +
      `or put that Node.js first on your PATH: \`bash tools/dev.sh setup && export PATH="$PWD/.tideline/toolchain/bin:$PATH"\`.`,
  );
  process.exit(1);
}

const { spawn } = await import('node:child_process');
const { existsSync, globSync } = await import('node:fs');
const { createRequire } = await import('node:module');
const { dirname, join } = await import('node:path');
const { URL, fileURLToPath } = await import('node:url');

const [kind = 'unit', ...rest] = process.argv.slice(2);
const passWithNoTests = rest.includes('--pass-with-no-tests');
const filter = rest.find((arg) => !arg.startsWith('--'));
if ((kind !== 'unit' && kind !== 'int') || rest.some((arg) => arg.startsWith('--') && arg !== '--pass-with-no-tests')) {
  console.error(
    `usage: node tools/test-runner.mjs unit|int [filter] [--pass-with-no-tests]; got "${process.argv.slice(2).join(' ')}"`,
  );
  process.exit(2);
}
const suffix = kind === 'unit' ? '.spec.js' : '.int-spec.js';
// A compiled test whose source is gone (deleted or moved since the last build; tsc -b leaves its output) is not run.
const compiled = globSync(`{apps,libs,tools}/*/dist-spec/**/*${suffix}`);
const stale = compiled.filter((file) => !existsSync(file.replace('/dist-spec/', '/src/').replace(/\.js$/, '.ts')));
if (stale.length > 0) console.error(`not run, their sources are gone (stale build output): ${stale.join(', ')}`);
const files = compiled.filter((file) => !stale.includes(file) && (!filter || file.includes(filter))).sort();
if (files.length === 0 && passWithNoTests) {
  console.log(`no ${kind} test files${filter ? ` under ${filter}` : ''}`);
  process.exit(0);
}
if (files.length === 0) {
  console.error(`no ${kind} test files found (did the build run?)`);
  process.exit(1);
}
const specResolve = new URL('spec-resolve.mjs', import.meta.url).href;
const args = ['--enable-source-maps', `--import=${specResolve}`, '--test', '--test-reporter=spec'];
// Integration tests share one broker and one InfluxDB on a 2-core machine: run files one at a time.
if (kind === 'int') args.push('--test-concurrency=1', '--test-timeout=300000');

let stack;
if (kind === 'int') {
  const harness = join(dirname(fileURLToPath(import.meta.url)), '..', 'libs', 'testing', 'dist', 'stack-harness.js');
  if (!existsSync(harness)) {
    console.error('libs/testing is not built (libs/testing/dist/stack-harness.js is missing): run `npm run build`');
    process.exit(1);
  }
  const { startTestStack } = createRequire(import.meta.url)(harness);
  try {
    stack = await startTestStack();
  } catch (error) {
    console.error(`no servers for the integration tests: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

const env = stack ? { ...process.env, KAFKA_BROKERS: stack.kafkaBrokers, INFLUX_URL: stack.influxUrl } : process.env;
const child = spawn(process.execPath, [...args, ...files], { stdio: 'inherit', env });
// Ctrl-C reaches the test process too (same process group); wait for it to end, then stop the stack.
const ignore = () => undefined;
process.on('SIGINT', ignore);
process.on('SIGTERM', () => child.kill('SIGTERM'));
const status = await new Promise((resolve) => child.once('close', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
if (stack) {
  try {
    await stack.stop();
  } catch (error) {
    console.error(`stopping the test stack failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
process.exit(status);
