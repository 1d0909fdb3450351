// The import walls between the project's wings (../../shared/STYLE.md, "Lint holds the walls"), as
// one ESLint rule: `switchboard/walls` in eslint.config.mjs, tested in test/lint/walls.test.ts.
import { builtinModules } from 'node:module';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

const SDK = /^(openai|@anthropic-ai\/sdk|@aws-sdk\/|@smithy\/)/;
const NODE = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/**
 * Where an import leads, as `{ module }` for a package or `{ file }` for a repo-relative path. Walls
 * are checked on where an import resolves, not on how its specifier is spelled: `../daemon/x` is the
 * daemon from `extension/`, but the extension's own `extension/daemon/` from `extension/chat/`.
 */
function target(filename, spec) {
  if (!spec.startsWith('.')) return { module: spec };
  return {
    file: path
      .relative(ROOT, path.resolve(path.dirname(filename), spec))
      .split(path.sep)
      .join('/'),
  };
}

const under = (prefix) => (t) => t.file !== undefined && (t.file === prefix || t.file.startsWith(`${prefix}/`));
const pkg = (test) => (t) => t.module !== undefined && test(t.module);

const WALL = {
  daemon: {
    hits: under('daemon'),
    message: 'The extension and shared/ never import the daemon: they talk to it over the protocol (shared/client).',
  },
  extension: {
    hits: (t) => under('extension')(t) || t.module === 'vscode',
    message: 'Only the extension imports VS Code or extension code.',
  },
  sdk: { hits: pkg((m) => SDK.test(m)), message: 'Provider SDKs are used only under daemon/providers/.' },
  node: { hits: pkg((m) => NODE.has(m)), message: 'Browser code and the protocol use no Node built-ins.' },
  transport: {
    hits: pkg((m) => m === 'ws' || m.startsWith('lowdb')),
    message: 'The protocol imports no transport and no store.',
  },
  document: {
    hits: (t) =>
      under('daemon/store/database.ts')(t) || under('daemon/store/database')(t) || pkg((m) => m.startsWith('lowdb'))(t),
    message:
      "A handler never touches the store's document: it calls the service that owns the slice (connections, settings, prices…).",
  },
  vscode: { hits: pkg((m) => m === 'vscode'), message: 'A webview page runs in a browser: no VS Code API.' },
  host: {
    // Everything of the extension outside the importing page's own `page/` folder: host files use vscode
    // and node:crypto, and another webview's page is that webview's business (shared rules go to shared/).
    hits: (t, file) => under('extension')(t) && !under(pageFolder(file))(t),
    message:
      'A webview page imports only its siblings, shared/webview, shared/format and types from shared/protocol: never host code.',
  },
};

/** A webview page's folder, `extension/<webview>/page`, or undefined for a file outside every page. */
function pageFolder(file) {
  return /^(extension\/[^/]+\/page)\//.exec(file)?.[1];
}

/** Which walls stand around a file, by where it lives. */
function wallsFor(file) {
  if (pageFolder(file) !== undefined) return ['daemon', 'sdk', 'node', 'vscode', 'host'];
  if (file.startsWith('extension/')) return ['daemon', 'sdk'];
  if (/^shared\/(protocol\/|errors\.ts$|webview\.ts$)/.test(file))
    return ['daemon', 'extension', 'sdk', 'node', 'transport'];
  if (file.startsWith('shared/')) return ['daemon', 'extension', 'sdk'];
  if (file.startsWith('daemon/providers/')) return ['extension'];
  if (/^daemon\/(rpc|http)\//.test(file)) return ['extension', 'sdk', 'document'];
  if (file.startsWith('daemon/')) return ['extension', 'sdk'];
  return [];
}

/** `import type {…}`, `import { type A, type B }`, `export type {…}`: nothing of it reaches a bundle. */
function typeOnly(node) {
  if (node.importKind === 'type' || node.exportKind === 'type') return true;
  const specifiers = node.specifiers ?? [];
  return specifiers.length > 0 && specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type');
}

export const wallsRule = {
  meta: {
    type: 'problem',
    schema: [],
    docs: { description: 'Import boundaries between the wings (see ../shared/STYLE.md, "Lint holds the walls").' },
  },
  create(context) {
    const file = path.relative(ROOT, context.filename).split(path.sep).join('/');
    const walls = wallsFor(file).map((w) => WALL[w]);
    const isPage = wallsFor(file).includes('host');
    if (walls.length === 0) return {};
    const check = (node) => {
      const spec = node.source?.value;
      if (typeof spec !== 'string') return;
      const t = target(context.filename, spec);
      for (const w of walls)
        if (w.hits(t, file)) return context.report({ node: node.source, message: `'${spec}': ${w.message}` });
      // A page may name the protocol's types, but a value import would bundle zod and the schemas into the browser.
      if (isPage && under('shared/protocol')(t) && !typeOnly(node))
        context.report({
          node: node.source,
          message: `'${spec}': a webview page imports only types from shared/protocol (\`import type\`).`,
        });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};
