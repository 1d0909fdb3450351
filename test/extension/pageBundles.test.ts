/**
 * The webview pages run in a browser under a strict CSP: their bundles hold their own page folder, the
 * few shared modules meant for pages, and browser libraries — never `vscode`, a Node built-in, or host
 * code (a host file, another webview's page, the extension's daemon client, zod and the protocol's
 * schemas). The lint walls check the imports as written; this checks what esbuild actually bundles.
 */
import * as esbuild from 'esbuild';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const PAGES = ['chat', 'manager', 'usage'];
/** Shared files a page may bundle: the host↔page messages, the figures' house style, the common stylesheet. */
const SHARED_FOR_PAGES = [
  'shared/webview.ts',
  'shared/format.ts',
  'shared/definedOnly.ts',
  'shared/quotaText.ts',
  'extension/webviewKit/common.css',
];
/** The pure rule modules the daemon's schemas use too, so a form checks a field as the daemon would (none may import node:*). */
const sharedRule = (f: string) => /^shared\/rules\/[A-Za-z]+\.ts$/.test(f);
/** A package (node_modules may sit behind a symlink, so its path need not start with it). */
const library = (f: string) => /(^|\/)node_modules\//.test(f);
const NODE = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

async function pageBundle(page: string): Promise<esbuild.Metafile> {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [`extension/${page}/page/main.ts`],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    // Left external instead of failing the build, so the test can name the offending import.
    external: ['vscode', ...NODE],
    write: false,
    metafile: true,
    outdir: 'out',
    logLevel: 'silent',
  });
  return result.metafile;
}

describe('the webview page bundles', () => {
  for (const page of PAGES) {
    it(`${page}: only its page folder, the shared files for pages and browser libraries; no vscode, node:* or host code`, async () => {
      const metafile = await pageBundle(page);
      const inputs = Object.keys(metafile.inputs);
      const own = (f: string) => f.startsWith(`extension/${page}/page/`);
      expect(inputs.filter((f) => !own(f) && !SHARED_FOR_PAGES.includes(f) && !sharedRule(f) && !library(f))).toEqual(
        [],
      );
      // Browser libraries only: no zod (the protocol's schemas), no ws, no SDK.
      expect(
        inputs.filter((f) => /(^|\/)node_modules\/(zod|ws|openai|@anthropic-ai|@aws-sdk|json-rpc-2\.0)\//.test(f)),
      ).toEqual([]);
      const externals = Object.values(metafile.inputs).flatMap((i) =>
        i.imports.filter((imp) => imp.external).map((imp) => imp.path),
      );
      expect(externals).toEqual([]);
      expect(inputs).toContain(`extension/${page}/page/main.ts`);
    });
  }
});
