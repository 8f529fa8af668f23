#!/usr/bin/env node
'use strict';
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `tideline needs Node.js 24 (this is ${process.version}). Run "bash tools/dev.sh setup" at the repository root, ` +
      'which installs Node.js 24 into .tideline/toolchain, then put .tideline/toolchain/bin on your PATH.\n',
  );
  process.exit(1);
}
try {
  require.resolve('../dist/main.js');
} catch {
  process.stderr.write('tideline is not built yet: run "npm ci" (or "npm run build") at the repository root.\n');
  process.exit(1);
}
require('../dist/main.js')
  .main(process.argv)
  .then(
    (code) => process.exit(code ?? 0),
    (error) => {
      process.stderr.write(`tideline: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
