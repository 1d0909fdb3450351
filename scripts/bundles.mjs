// Every bundle of the project and how esbuild builds it: the extension host (vscode external), the
// daemon, the CLI, the bundles the extension loads on first use, and each webview's browser bundle.
// esbuild.mjs builds them; test/bundles/size.test.ts builds the production ones to hold their sizes.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * shared/protocol's modules have no side effects: a bundle keeps only those it takes values from. The
 * extension and the pages use the descriptors (methods.ts) and types, so the params schemas, and zod
 * with them, stay in the daemon's and the CLI's bundles.
 */
const protocolHasNoSideEffects = {
  name: 'protocol-has-no-side-effects',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, async (args) => {
      if (args.pluginData === 'resolving') return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'resolving',
      });
      if (resolved.errors.length > 0 || !/[\\/]shared[\\/]protocol[\\/]/.test(resolved.path)) return undefined;
      return { path: resolved.path, sideEffects: false };
    });
  },
};

/**
 * What a bundle that extension.js loads later takes from extension.js instead of carrying a copy
 * (extension/lazyBundle.ts hands them over): the error classes, so `instanceof` holds across the two.
 */
const EXTENSION_MODULES = ['shared/errors.ts', 'shared/client/errors.ts'];

export const fromExtension = {
  name: 'from-extension',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, async (args) => {
      if (args.pluginData === 'resolving') return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'resolving',
      });
      const file = path.relative(ROOT, resolved.path).split(path.sep).join('/');
      return EXTENSION_MODULES.includes(file) ? { path: file, namespace: 'from-extension' } : undefined;
    });
    // An ES module naming each value export of the real file, so `export * from` it still tree-shakes.
    build.onLoad({ filter: /.*/, namespace: 'from-extension' }, async (args) => {
      const source = await readFile(path.join(ROOT, args.path), 'utf8');
      const names = [...source.matchAll(/^export (?:const|let|function|class|enum) (\w+)/gm)].map((m) => m[1]);
      return {
        loader: 'js',
        contents: `const shared = globalThis[Symbol.for('switchboard.extensionModules')]?.[${JSON.stringify(args.path)}];
if (!shared) throw new Error('Switchboard: this bundle is loaded by extension.js (extension/lazyBundle.ts), not on its own.');
export const { ${names.join(', ')} } = shared;`,
      };
    });
  },
};

/** The targets, as esbuild options (`absWorkingDir` is the repo); `production` minifies and drops source maps. */
export function bundleTargets({ production }) {
  const common = {
    bundle: true,
    plugins: [protocolHasNoSideEffects],
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'warning',
    legalComments: 'none',
  };
  const node = [
    { entryPoints: ['daemon/main.ts'], outfile: 'dist/daemon.js' },
    { entryPoints: ['daemon/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
    {
      entryPoints: ['extension/extension.ts'],
      outfile: 'dist/extension.js',
      external: ['vscode'],
      // The client half of ws: its index also bundles the server (WebSocketServer), which only the daemon uses.
      alias: { ws: './node_modules/ws/lib/websocket.js' },
    },
    // OpenAI's tokenizers, loaded by the extension on first use (extension/lm/tokenCounter.ts): megabytes kept out of extension.js.
    { entryPoints: ['extension/lm/tokenizer.ts'], outfile: 'dist/tokenizer.js' },
    // The chat's host side (views, tabs, runner, store, commands), loaded when a chat is first shown or one of
    // its commands runs (extension/chat/index.ts).
    {
      entryPoints: ['extension/chat/chatFeature.ts'],
      outfile: 'dist/chat.js',
      external: ['vscode'],
      plugins: [fromExtension, protocolHasNoSideEffects],
    },
    // The connection manager's host, loaded when Add or Edit Connection first opens it (extension/commands/connectionCommands.ts).
    {
      entryPoints: ['extension/manager/managerPanel.ts'],
      outfile: 'dist/manager.js',
      external: ['vscode'],
      plugins: [fromExtension, protocolHasNoSideEffects],
    },
    // The Usage view's host, loaded when it is first shown or restored (extension/commands/usageCommands.ts).
    {
      entryPoints: ['extension/usage/usagePanel.ts'],
      outfile: 'dist/usage.js',
      external: ['vscode'],
      plugins: [fromExtension, protocolHasNoSideEffects],
    },
    // The env-import rules, loaded by "Import from Environment" (extension/commands/importCommands.ts): they check
    // values with the protocol's zod schemas, which extension.js leaves out.
    { entryPoints: ['shared/envImport/index.ts'], outfile: 'dist/envImport.js' },
    // The `switchboard/client` package export (CommonJS; Node's ESM `import` sees its named exports too).
    { entryPoints: ['shared/client/package.ts'], outfile: 'dist/client.js' },
  ].map((t) => ({ ...common, platform: 'node', target: 'node20', format: 'cjs', ...t }));

  const browser = { ...common, platform: 'browser', target: 'es2022', format: 'iife', charset: 'utf8' };
  // Each webview's page lives in `extension/<name>/page/`, beside its host; its bundle is dist/webviews/<name>.js (+ .css).
  const pages = ['manager', 'chat', 'usage'].map((name) => ({
    ...browser,
    entryPoints: [`extension/${name}/page/main.ts`],
    outfile: `dist/webviews/${name}.js`,
    // markdown-it takes only two decoders from `entities`, whose tables (26 KiB) the browser already has:
    // the page decodes with its own HTML parser (htmlEntities.ts).
    ...(name === 'chat' && { alias: { entities: './extension/chat/page/htmlEntities.ts' } }),
  }));
  // The chat page's less common code languages, loaded when an answer names one (extension/chat/page/languages.ts).
  const chatLanguages = {
    ...browser,
    entryPoints: ['extension/chat/page/moreLanguages.ts'],
    outfile: 'dist/webviews/chatLanguages.js',
  };
  return [...node, ...pages, chatLanguages];
}
