// Builds an installable npm tarball of the collector or the SDK from the workspace:
//   node tools/pack-package.mjs collector   (npm run pack:collector)  -> dist/packages/tideline-collector-<v>.tgz
//   node tools/pack-package.mjs sdk         (npm run pack:sdk)        -> dist/packages/tideline-sdk-<v>.tgz
// Prints the tarball's path as the last line of stdout.
//
// Why a bundle: both depend on workspace packages that are not published (@tideline/contracts, config, kafka,
// errors). esbuild folds those (and, for the collector, every npm dependency) into one CommonJS file, so:
// - the collector installs with `npm install <tarball>` into an empty folder, with no dependency to fetch (works
//   offline) and no build step: one ~1 MB file instead of a checkout with 291 MB of node_modules;
// - the SDK keeps its npm dependencies (OpenTelemetry, kafkajs) as real dependencies, because the application's own
//   `@opentelemetry/api` must be the one the SDK registers its meter provider with; only the workspace code is folded in.
// Licences of everything folded in are listed in THIRD-PARTY-LICENSES.txt inside the package.

import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const esbuild = require('esbuild');

/** kafkajs 2.2.4's 1 ms idle timer loop, fixed in the bundled source (libs/kafka's kafkajs-idle-loop.fix.ts explains it: at run time it patches kafkajs loaded from node_modules, which a bundle does not have). */
const KAFKAJS_IDLE_LOOP = {
  file: /kafkajs[\\/]src[\\/]network[\\/]requestQueue[\\/]index\.js$/,
  from: '        scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL\n      }\n',
  to: '        scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL\n      } else if (scheduleAt <= 0) {\n        return\n      }\n',
};

/**
 * How the collector's bin runs Node (its shebang): a small young generation (the default semi-space grows to 16 MiB,
 * for an agent that allocates a few hundred kB per tick), no optimising compilers (--lite-mode: a 10 s loop never gets
 * hot enough to gain from them, and their code and the binary's pages they touch cost ~15 MiB), no helper threads, and
 * the bytecode of functions not run since the last full GC flushed at the next one (--bytecode-old-age=1: start-up
 * code such as config validation, ~1 MiB). Measured with `tideline bench collector --bundle`: see apps/collector/README.md.
 */
const COLLECTOR_NODE_FLAGS = ['--max-semi-space-size=1', '--lite-mode', '--single-threaded', '--bytecode-old-age=1'];

/**
 * The environment of the bin's Node (set by its shebang): glibc's malloc serves blocks of 32 KiB and more with their own
 * mmap, returned to the system when freed. Compiling the 1.2 MB bundle allocates about 11 MiB of V8 parser zones in
 * 32 KiB segments; freed, they stay in the program break as dirty pages, held by small live blocks between them
 * (malloc_trim cannot give them back), for as long as the process runs. Measured: RSS -10 MiB, same CPU per tick
 * (`tideline bench collector --bundle`). Other C libraries ignore the variable.
 */
const COLLECTOR_NODE_ENV = ['MALLOC_MMAP_THRESHOLD_=32768'];

const PACKAGES = {
  collector: {
    project: 'apps/collector',
    name: 'tideline-collector',
    target: 'node24',
    description:
      'Tideline host collector: host metrics and Prometheus scrapes to Kafka, as one file with no dependencies.',
    entries: { 'tideline-collector': 'apps/collector/dist/main.js' },
    bin: { 'tideline-collector': 'bin/tideline-collector.js' },
    external: [],
    // loaded only on systems other than Linux: a file of its own, so a Linux collector never holds its source
    separate: { systeminformation: 'lib/systeminformation.js' },
    // only the collector's own config schema is bundled (see onlyOwnConfig)
    configApp: 'collector',
    dependencies: {},
    files: [
      ['apps/collector/README.md', 'README.md'],
      ['apps/collector/collector.example.yaml', 'collector.example.yaml'],
      ['deploy/systemd/tideline-collector.service', 'systemd/tideline-collector.service'],
      ['deploy/systemd/tideline-collector.env', 'systemd/tideline-collector.env'],
    ],
  },
  sdk: {
    project: 'libs/sdk',
    name: '@tideline/sdk',
    target: 'node22',
    description:
      'Application metrics for Tideline: record with the OpenTelemetry metrics API, export to the metrics topic.',
    // one bundle: `@tideline/sdk/publishing` re-exports it, so both paths share one BufferedPublisher class
    entries: { index: 'libs/sdk/dist/index.js' },
    reexports: { 'dist/publishing/index.js': '../index.js' },
    external: ['@opentelemetry/*', 'kafkajs'],
    files: [['libs/sdk/README.md', 'README.md']],
  },
};

const which = process.argv[2];
const spec = PACKAGES[which];
if (!spec) {
  console.error(`usage: node tools/pack-package.mjs ${Object.keys(PACKAGES).join('|')}`);
  process.exit(2);
}

// 1. compile the project and what it references (quick when up to date)
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', spec.project], {
  cwd: root,
  stdio: 'inherit',
});

const own = JSON.parse(readFileSync(join(root, spec.project, 'package.json'), 'utf8'));
const version = own.version;
const stage = join(root, 'dist', 'packages', `${spec.name.replace(/^@.*\//, '')}-stage`);
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });

// 2. bundle
const isBin = spec.bin !== undefined;
const result = await esbuild.build({
  entryPoints: Object.fromEntries(
    Object.entries(spec.entries).map(([out, file]) => [isBin ? `bin/${out}` : `dist/${out}`, join(root, file)]),
  ),
  outdir: stage,
  bundle: true,
  platform: 'node',
  target: spec.target,
  format: 'cjs',
  external: spec.external,
  // smaller source, less memory: V8 keeps a script's source for as long as it runs
  minify: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  ...(isBin
    ? { banner: { js: `#!/usr/bin/env -S ${[...COLLECTOR_NODE_ENV, 'node', ...COLLECTOR_NODE_FLAGS].join(' ')}` } }
    : {}),
  plugins: [
    patchKafkajs(),
    ...(isBin
      ? [
          lazyBuiltins(['tls', 'crypto']),
          withoutZodLocales(),
          separateModules(spec.separate ?? {}),
          onlyOwnConfig(spec.configApp),
        ]
      : []),
  ],
});
const metafiles = [result.metafile];
for (const [name, file] of Object.entries(spec.separate ?? {})) {
  const separate = await esbuild.build({
    entryPoints: [require.resolve(name, { paths: [join(root, spec.project)] })],
    outfile: join(stage, file),
    bundle: true,
    platform: 'node',
    target: spec.target,
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  metafiles.push(separate.metafile);
}

for (const [file, target] of Object.entries(spec.reexports ?? {})) {
  mkdirSync(dirname(join(stage, file)), { recursive: true });
  writeFileSync(join(stage, file), `'use strict';\nmodule.exports = require('${target}');\n`);
}
if (isBin) for (const out of Object.keys(spec.bin)) chmodSync(join(stage, spec.bin[out]), 0o755);

// 3. package.json, files, licences
const dependencies = Object.fromEntries(
  (spec.external ?? []).flatMap((pattern) =>
    Object.entries(own.dependencies ?? {}).filter(([name]) =>
      pattern.endsWith('/*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern,
    ),
  ),
);
const manifest = {
  name: spec.name,
  version,
  description: spec.description,
  license: 'Apache-2.0',
  engines: own.engines ?? { node: '>=24' },
  ...(isBin
    ? { bin: spec.bin, files: ['bin', 'lib', 'systemd', 'collector.example.yaml', 'THIRD-PARTY-LICENSES.txt'] }
    : {
        main: 'dist/index.js',
        exports: {
          '.': { default: './dist/index.js' },
          './publishing': { default: './dist/publishing/index.js' },
          './package.json': './package.json',
        },
        files: ['dist', 'THIRD-PARTY-LICENSES.txt'],
      }),
  dependencies,
};
writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
for (const [from, to] of spec.files) {
  mkdirSync(dirname(join(stage, to)), { recursive: true });
  copyFileSync(join(root, from), join(stage, to));
}
writeFileSync(join(stage, 'THIRD-PARTY-LICENSES.txt'), thirdPartyLicences(metafiles));

// 4. npm pack
const out = join(root, 'dist', 'packages');
const packed = execFileSync('npm', ['pack', '--pack-destination', out, '--silent'], { cwd: stage, encoding: 'utf8' })
  .trim()
  .split('\n')
  .at(-1);
const tarball = join(out, packed);
const bundled = metafiles
  .flatMap((metafile) => Object.values(metafile.outputs))
  .reduce((sum, output) => sum + output.bytes, 0);
console.error(
  `${spec.name}@${version}: bundle ${(bundled / 1024).toFixed(0)} KiB from ${metafiles.reduce((sum, metafile) => sum + Object.keys(metafile.inputs).length, 0)} modules, ` +
    `tarball ${(statSync(tarball).size / 1024).toFixed(0)} KiB, runtime dependencies: ${Object.keys(dependencies).join(', ') || 'none'}`,
);
console.log(tarball);

function patchKafkajs() {
  return {
    name: 'kafkajs-idle-loop-fix',
    setup(build) {
      build.onLoad({ filter: KAFKAJS_IDLE_LOOP.file }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        const { version: kafkajsVersion } = JSON.parse(readFileSync(require.resolve('kafkajs/package.json'), 'utf8'));
        if (kafkajsVersion !== '2.2.4') return { contents: source, loader: 'js' };
        if (!source.includes(KAFKAJS_IDLE_LOOP.from)) {
          throw new Error(`kafkajs ${kafkajsVersion}: the idle-loop code to fix was not found in ${args.path}`);
        }
        return { contents: source.replace(KAFKAJS_IDLE_LOOP.from, KAFKAJS_IDLE_LOOP.to), loader: 'js' };
      });
    },
  };
}

/**
 * `require('tls')` and `require('crypto')` made lazy: the module is loaded on first use of one of its members. Loading
 * `tls` initialises OpenSSL, which costs a Node process about 8 MiB of RSS at start; kafkajs requires both at load
 * time, but uses them only for TLS connections and SASL/SCRAM, which a plain-text collector never opens.
 */
function lazyBuiltins(names) {
  const filter = new RegExp(`^(node:)?(${names.join('|')})$`);
  return {
    name: 'lazy-builtins',
    setup(build) {
      build.onResolve({ filter }, (args) =>
        args.namespace === 'lazy-builtin'
          ? undefined
          : { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' },
      );
      build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
        contents: `let real; const load = () => (real ??= require('node:${args.path}'));
module.exports = new Proxy({}, {
  get: (_, key) => load()[key],
  has: (_, key) => key in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, key) => ({ ...Reflect.getOwnPropertyDescriptor(load(), key), configurable: true }),
});`,
        loader: 'js',
      }));
    },
  };
}

/** zod's `locales` namespace (error messages in 40 languages), which nothing here uses: English is built in. */
function withoutZodLocales() {
  return {
    name: 'without-zod-locales',
    setup(build) {
      build.onResolve({ filter: /[\\/]locales[\\/]index\.c?js$/ }, (args) =>
        /[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'empty' } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
    },
  };
}

/**
 * Modules bundled into files of their own (`{ name: 'lib/file.js' }`), required from the bin at run time only when
 * used: V8 keeps the whole source of a script in memory for as long as it runs, used or not.
 */
function separateModules(files) {
  const names = Object.keys(files);
  if (names.length === 0) return { name: 'separate-modules', setup() {} };
  const filter = new RegExp(`^(${names.join('|')})$`);
  return {
    name: 'separate-modules',
    setup(build) {
      build.onResolve({ filter }, (args) =>
        args.namespace === 'separate-module' ? undefined : { path: args.path, namespace: 'separate-module' },
      );
      build.onResolve({ filter: /^\.\.\/lib\// }, (args) =>
        args.namespace === 'separate-module' ? { path: args.path, external: true } : undefined,
      );
      // a CommonJS shim, so `import()` of it still sees the module's named exports
      build.onLoad({ filter: /.*/, namespace: 'separate-module' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(`../${files[args.path]}`)});`,
        loader: 'js',
      }));
    },
  };
}

/**
 * `@tideline/config` as the app uses it: libs/config's own files, but its index and its `sections` index re-export
 * lazily (each export a getter that loads its file on first use), and `APP_CONFIG_SCHEMAS` holds only this app's
 * schema. So the other apps' schemas and sections (reporter, anomaly, alerting rules) are never built: zod's schema
 * objects are large, and building them all cost the collector heap it never used. No schema is written here; the build
 * fails if libs/config no longer has the files named.
 */
function onlyOwnConfig(app) {
  if (app === undefined) return { name: 'only-own-config', setup() {} };
  const dist = join(root, 'libs', 'config', 'dist');
  const appFile = join(dist, 'apps', `${app}.config.js`);
  const schemaName = `${app}ConfigSchema`;
  /** `module.exports` of an index of `export * from './x'` lines, each name a getter loading its file on first use. */
  const lazyIndex = (indexFile) => {
    const dir = dirname(indexFile);
    const files = [...readFileSync(indexFile, 'utf8').matchAll(/__exportStar\(require\("(\.[^"]+)"\)/g)].map(
      ([, file]) => require.resolve(join(dir, file)),
    );
    if (files.length === 0) throw new Error(`${indexFile}: no re-exports found`);
    const getters = files.flatMap((file) =>
      Object.keys(require(file)).map(
        (name) =>
          `  ${JSON.stringify(name)}: { enumerable: true, get: () => require(${JSON.stringify(file)})[${JSON.stringify(name)}] },`,
      ),
    );
    return `Object.defineProperties(module.exports, {\n${getters.join('\n')}\n});`;
  };
  return {
    name: 'only-own-config',
    setup(build) {
      build.onResolve({ filter: /^@tideline\/config$/ }, () => ({
        path: join(dist, 'index.js'),
        namespace: 'own-config',
      }));
      build.onResolve({ filter: /^\.\.\/sections$/ }, (args) =>
        dirname(args.importer) === join(dist, 'apps')
          ? { path: join(dist, 'sections', 'index.js'), namespace: 'own-config' }
          : undefined,
      );
      build.onResolve({ filter: /^\.\/apps$/ }, (args) =>
        args.importer === join(dist, 'load-config.js') ? { path: 'apps', namespace: 'own-config' } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'own-config' }, (args) => {
        if (args.path !== 'apps')
          return { contents: lazyIndex(args.path), loader: 'js', resolveDir: dirname(args.path) };
        if (!(schemaName in require(appFile))) throw new Error(`${appFile} has no ${schemaName}`);
        return {
          contents: `module.exports = { APP_CONFIG_SCHEMAS: { ${app}: require(${JSON.stringify(appFile)}).${schemaName} } };`,
          loader: 'js',
          resolveDir: dist,
        };
      });
    },
  };
}

/** Name, version, licence and licence text of every npm package folded into the bundle. */
function thirdPartyLicences(metafiles) {
  const packages = new Map();
  for (const input of metafiles.flatMap((metafile) => Object.keys(metafile.inputs))) {
    const match = /^(.*node_modules\/(@[^/]+\/[^/]+|[^/]+))\//.exec(input);
    if (match) packages.set(match[2], join(root, match[1]));
  }
  const sections = [...packages.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, dir]) => {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      const licenceFile = readdirSync(dir).find((file) => /^(licen[cs]e|copying)/i.test(file));
      const text = licenceFile
        ? readFileSync(join(dir, licenceFile), 'utf8').trim()
        : `(no licence file; package.json says ${pkg.license})`;
      return `${name}@${pkg.version} (${pkg.license})\n\n${text}\n`;
    });
  return `This package bundles the following third-party packages.\n\n${sections.join('\n' + '-'.repeat(78) + '\n\n')}`;
}
