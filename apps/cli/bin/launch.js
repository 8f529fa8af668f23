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
  // Only a missing build is "not built yet"; any other missing module is a real error, reported as it is.
  const built = (specifier) => {
    try {
      return require.resolve(specifier);
    } catch {
      process.stderr.write('tideline is not built yet: run "npm ci" (or "npm run build") at the repository root.\n');
      process.exit(1);
    }
  };
  const cli = require(built('../dist/main.js'));
  const extraCommands = extraPackages.flatMap((name) => require(built(name)).COMMANDS);
  cli.main(process.argv, [...cli.PRODUCT_COMMANDS, ...extraCommands]).then(
    (code) => process.exit(code ?? 0),
    (error) => {
      process.stderr.write(`tideline: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
};
