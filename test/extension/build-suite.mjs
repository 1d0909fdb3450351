// Bundles the extension-host test suite (test/extension/suite/index.ts) into dist/test/suite/index.js,
// the file VS Code loads as extensionTestsPath. `vscode` is the host's; `mocha` resolves from node_modules.
import * as esbuild from 'esbuild';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
await esbuild.build({
  absWorkingDir: root,
  entryPoints: ['test/extension/suite/index.ts'],
  outfile: 'dist/test/suite/index.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['vscode', 'mocha'],
  sourcemap: 'linked',
  logLevel: 'warning',
});
