// Bundles the extension-host test suites (test/extension/suite/, test/extension/lmSuite/) into
// dist/test/*/index.js, the files VS Code loads as extensionTestsPath. `vscode` is the host's; `mocha` resolves from node_modules.
import * as esbuild from 'esbuild';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// The main suite, and the language-model suite that needs VS Code 1.104+ (test/e2e/run.ts --lm).
const suites = [
  { entry: 'test/extension/suite/index.ts', out: 'dist/test/suite/index.js' },
  { entry: 'test/extension/lmSuite/index.ts', out: 'dist/test/lmSuite/index.js' },
];
await Promise.all(
  suites.map(({ entry, out }) =>
    esbuild.build({
      absWorkingDir: root,
      entryPoints: [entry],
      outfile: out,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: ['vscode', 'mocha'],
      sourcemap: 'linked',
      logLevel: 'warning',
    }),
  ),
);
