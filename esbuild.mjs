// Builds every bundle of the project (scripts/bundles.mjs lists them). `--watch` rebuilds on change;
// `--production` minifies, as `npm run package` and the e2e run build what the VSIX ships.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { bundleTargets } from './scripts/bundles.mjs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// Entries appear as the project grows; build the ones that exist.
const targets = bundleTargets({ production }).filter((t) => existsSync(t.entryPoints[0]));

if (watch) {
  for (const t of targets) await (await esbuild.context(t)).watch();
  console.log(`esbuild: watching ${targets.length} bundles`);
} else {
  await Promise.all(targets.map((t) => esbuild.build(t)));
}
