// Builds every bundle of the project: the extension host (vscode external), the daemon, the CLI,
// and each webview's browser bundle. `--watch` rebuilds on change; `--production` minifies.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

const nodeTargets = [
  { entryPoints: ['daemon/main.ts'], outfile: 'dist/daemon.js' },
  { entryPoints: ['daemon/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: ['extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  // OpenAI's tokenizers, loaded by the extension on first use (extension/lm/tokenCounter.ts): megabytes kept out of extension.js.
  { entryPoints: ['extension/lm/tokenizer.ts'], outfile: 'dist/tokenizer.js' },
  // The `switchboard/client` package export (CommonJS; Node's ESM `import` sees its named exports too).
  { entryPoints: ['shared/client/package.ts'], outfile: 'dist/client.js' },
].map((t) => ({ ...common, platform: 'node', target: 'node20', format: 'cjs', ...t }));

// Each webview's page lives in `extension/<name>/page/`, beside its host; its bundle is dist/webviews/<name>.js (+ .css).
const webviewTargets = ['manager', 'chat', 'usage']
  .map((name) => ({ name, entry: `extension/${name}/page/main.ts` }))
  .map(({ name, entry }) => ({ ...common, entryPoints: [entry], outfile: `dist/webviews/${name}.js`, platform: 'browser', target: 'es2022', format: 'iife' }));

// Entries appear as the project grows; build the ones that exist.
const targets = [...nodeTargets, ...webviewTargets].filter((t) => existsSync(t.entryPoints[0]));

if (watch) {
  for (const t of targets) await (await esbuild.context(t)).watch();
  console.log(`esbuild: watching ${targets.length} bundles`);
} else {
  await Promise.all(targets.map((t) => esbuild.build(t)));
}
