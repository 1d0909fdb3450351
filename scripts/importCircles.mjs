// Import circles among the project's own modules (#15): files that import each other, directly or round
// a longer loop, cannot be read, tested or bundled apart. test/lint/importCircles.test.ts fails on any;
// `node scripts/importCircles.mjs` prints them. Type-only imports count too: they tie the files together
// for a reader just the same, and a type-only arrow becomes a value arrow with one edit.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Every .ts file under `dir` (absolute paths), skipping declaration files. */
function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The file a relative specifier names (`./x` → x.ts or x/index.ts), or undefined for a package. */
function resolve(from, spec) {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec.replace(/\.js$/, ''));
  return [`${base}.ts`, path.join(base, 'index.ts'), base].find((f) => f.endsWith('.ts') && existsSync(f));
}

/** The relative imports and re-exports of one file, static or `import()`, type-only ones included. */
function importsOf(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const specs = [];
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier)
      specs.push(node.moduleSpecifier.text);
    else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      ts.isStringLiteral(node.arguments[0])
    )
      specs.push(node.arguments[0].text);
    else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    )
      specs.push(node.argument.literal.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return [...new Set(specs.map((s) => resolve(file, s)).filter(Boolean))];
}

/**
 * The circles among the .ts files under `folders` (relative to `root`): each a list of repo-relative
 * paths in import order, the first repeated at the end. Found as the strongly connected components of
 * the import graph (Tarjan), each shown as one loop through it.
 */
export function findImportCircles(folders, root = ROOT) {
  const files = folders.flatMap((f) => sourceFiles(path.join(root, f)));
  const edges = new Map(files.map((f) => [f, importsOf(f)]));
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  let next = 0;
  const connect = (v) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!edges.has(w)) continue;
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    const selfImport = component.length === 1 && (edges.get(v) ?? []).includes(v);
    if (component.length > 1 || selfImport) components.push(component);
  };
  for (const f of files) if (!index.has(f)) connect(f);
  const rel = (f) => path.relative(root, f).split(path.sep).join('/');
  return components.map((component) => loopThrough(component, edges).map(rel));
}

/** One loop through a component: a shortest path from its first file back to it, inside the component. */
function loopThrough(component, edges) {
  const inside = new Set(component);
  const start = [...component].sort()[0];
  const previous = new Map();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift();
    for (const w of edges.get(v) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const loop = [v];
        while (loop[0] !== start) loop.unshift(previous.get(loop[0]));
        return [...loop, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...component, component[0]];
}

if (process.argv[1] === import.meta.filename) {
  const circles = findImportCircles(
    process.argv.length > 2 ? process.argv.slice(2) : ['extension', 'daemon', 'shared'],
  );
  for (const c of circles) console.log(c.join(' → '));
  if (circles.length) process.exitCode = 1;
}
