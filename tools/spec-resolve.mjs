// Loaded by tools/test-runner.mjs into every test process (`node --import`). Tests compile apart from the code they
// test, so that no test ships in a project's dist/: `src/x.spec.ts` becomes `dist-spec/x.spec.js`, `src/x.ts` stays
// `dist/x.js`. A test's relative import (`./x`) names a file that is not beside it, so when it is not found in
// dist-spec/ it resolves from the same place in dist/ (the two folders mirror src/). Everything else resolves as usual.
import { registerHooks } from 'node:module';
import { URL, fileURLToPath } from 'node:url';

const SPEC_OUT = '/dist-spec/';
const BUILD_OUT = '/dist/';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      const parent = context.parentURL;
      if (!parent?.includes(SPEC_OUT) || !specifier.startsWith('.')) throw error;
      // require() resolves from the parent module's folder, not from parentURL: hand it an absolute path instead.
      const built = fileURLToPath(new URL(specifier, parent.replace(SPEC_OUT, BUILD_OUT)));
      try {
        return nextResolve(built, context);
      } catch {
        throw error;
      }
    }
  },
});
