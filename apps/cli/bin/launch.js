'use strict';
/**
 * Starts the `tideline` program: the product's commands, plus the `COMMANDS` exported by each package named in
 * `extraPackages` (a checkout of the repository adds its development commands this way: tools/tideline.js). First
 * says plainly what a newcomer may lack: Node.js 24, or a build.
 */
module.exports = function launch(extraPackages = []) {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 24) {
    process.stderr.write(
      `tideline needs Node.js 24 (this is ${process.version}). Run "bash tools/dev.sh setup" at the repository root, ` +
        'which installs Node.js 24 into .tideline/toolchain, then put .tideline/toolchain/bin on your PATH.\n',
    );
    process.exit(1);
  }
  let cli;
  const extraCommands = [];
  try {
    cli = require('../dist/main.js');
    for (const name of extraPackages) extraCommands.push(...require(name).COMMANDS);
  } catch (error) {
    if (error && error.code === 'MODULE_NOT_FOUND') {
      process.stderr.write('tideline is not built yet: run "npm ci" (or "npm run build") at the repository root.\n');
      process.exit(1);
    }
    throw error;
  }
  cli.main(process.argv, [...cli.PRODUCT_COMMANDS, ...extraCommands]).then(
    (code) => process.exit(code ?? 0),
    (error) => {
      process.stderr.write(`tideline: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
};
