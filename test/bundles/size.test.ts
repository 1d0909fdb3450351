/**
 * The production bundles stay light (#17 "Lighter"): each is built as the VSIX ships it
 * (scripts/bundles.mjs, minified) and must stay under its limit. extension.js is parsed on every
 * activation and the chat page on every chat view, so growth there is a cost each user pays; what
 * is only sometimes needed goes in a bundle loaded on first use (dist/tokenizer.js, dist/envImport.js,
 * dist/webviews/chatLanguages.js). `npm run package` prints nothing about sizes: this test is the gate.
 */
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without declarations
import { bundleTargets } from '../../scripts/bundles.mjs';

const root = path.resolve(__dirname, '../..');
const KiB = 1024;

/**
 * Limits in bytes: a ratchet just above the sizes measured, so growth fails here. extension.js 138.0
 * KiB (657 KiB before zod and the JSON-RPC library left it, 208 KiB before the chat's, the manager's
 * and the Usage view's hosts moved to dist/chat.js, manager.js and usage.js); the chat page 175.1 KiB
 * (from 354 KiB: highlight.js's less common languages load on demand, and character references are
 * decoded by the browser rather than `entities`' tables). #17 asks for at most 150 KB and 200 KB.
 * Lower these as bundles shrink.
 */
const LIMITS: Record<string, number> = {
  'dist/extension.js': 140 * KiB,
  'dist/chat.js': 73 * KiB,
  // 26.4 KiB: main had reached 25.8 with "Custom provider…"; "Quota now" (#19) adds 0.6.
  'dist/manager.js': 27 * KiB,
  'dist/usage.js': 14 * KiB,
  'dist/webviews/chat.js': 178 * KiB,
  // 54.0 KiB: main had reached 51.6 with "Custom provider…"; "Quota now" (#19: shared/quotaText.ts
  // and the section's view) adds 2.4.
  'dist/webviews/manager.js': 55 * KiB,
  'dist/webviews/usage.js': 20 * KiB,
};

interface Built {
  bytes: number;
  inputs: string[];
}

async function build(outfile: string): Promise<Built> {
  const target = (bundleTargets({ production: true }) as esbuild.BuildOptions[]).find((t) => t.outfile === outfile);
  if (!target) throw new Error(`scripts/bundles.mjs has no target ${outfile}`);
  const result = await esbuild.build({
    ...target,
    absWorkingDir: root,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined)!;
  return {
    bytes: output.bytes,
    inputs: Object.entries(output.inputs)
      .filter(([, i]) => i.bytesInOutput > 0)
      .map(([f]) => f),
  };
}

describe('production bundle sizes', () => {
  for (const [outfile, limit] of Object.entries(LIMITS)) {
    it(`${outfile} stays under ${limit / KiB} KiB`, async () => {
      const { bytes } = await build(outfile);
      expect(bytes, `${outfile} is ${(bytes / KiB).toFixed(1)} KiB`).toBeLessThanOrEqual(limit);
    }, 60_000);
  }

  it('extension.js carries no zod, no params schema and no JSON-RPC library: the protocol reaches it as descriptors', async () => {
    const { inputs } = await build('dist/extension.js');
    expect(inputs.filter((f) => /node_modules\/(zod|json-rpc-2\.0)\//.test(f))).toEqual([]);
    expect(inputs.filter((f) => /shared\/protocol\/(connections|fields|chat|paramsSchemas)\.ts$/.test(f))).toEqual([]);
    expect(inputs).toContain('shared/protocol/methods.ts');
  }, 60_000);

  it("extension.js leaves the chat's and the manager's hosts to bundles loaded on first use, which take its error classes", async () => {
    const hosts =
      /extension\/(chat\/(chatHost|chatRunner|chatStore|chatUi|codeProposals|contextSources|chatPanel|chatViewProvider)|manager\/(managerHost|managerHtml|managerPanel)|usage\/(usageHost|usageHtml|usagePanel))\.ts$/;
    const extension = await build('dist/extension.js');
    expect(extension.inputs.filter((f) => hosts.test(f))).toEqual([]);
    expect(extension.inputs).toEqual(expect.arrayContaining(['shared/errors.ts', 'shared/client/errors.ts']));
    for (const [outfile, host] of [
      ['dist/chat.js', 'extension/chat/chatHost.ts'],
      ['dist/manager.js', 'extension/manager/managerHost.ts'],
      ['dist/usage.js', 'extension/usage/usageHost.ts'],
    ] as const) {
      const { inputs } = await build(outfile);
      expect(inputs).toContain(host);
      // Its own copy of an error class would fail `instanceof` on errors extension.js made; ws and zod stay out.
      expect(
        inputs.filter((f) => /^shared\/(client\/)?errors\.ts$|node_modules\/(ws|zod)\//.test(f)),
        outfile,
      ).toEqual([]);
    }
    expect((await build('dist/chat.js')).inputs).toContain('from-extension:shared/client/errors.ts');
  }, 60_000);

  it('the VSIX ships every bundle extension.js loads', () => {
    const shipped = readFileSync(path.join(root, '.vscodeignore'), 'utf8');
    const loaded = [
      'extension/lazyBundle.ts',
      'extension/chat/index.ts',
      'extension/commands/connectionCommands.ts',
      'extension/commands/usageCommands.ts',
      'extension/lm/tokenCounter.ts',
      'extension/commands/importCommands.ts',
    ]
      .map((f) => readFileSync(path.join(root, f), 'utf8'))
      .flatMap((source) =>
        [...source.matchAll(/(?:loadBundle<[^>]+>\(|__dirname, )'([\w-]+\.js)'/g)].map((m) => m[1]!),
      );
    expect(loaded).toEqual(
      expect.arrayContaining(['chat.js', 'manager.js', 'usage.js', 'tokenizer.js', 'envImport.js']),
    );
    const outfiles = (bundleTargets({ production: true }) as esbuild.BuildOptions[]).map((t) => t.outfile);
    for (const file of loaded) {
      expect(outfiles, file).toContain(`dist/${file}`);
      expect(shipped, file).toContain(`!dist/${file}\n`);
    }
  });

  it('the chat page bundles the everyday code languages and loads the rest on demand', async () => {
    const page = await build('dist/webviews/chat.js');
    const languages = (inputs: string[]) =>
      inputs.map((f) => /highlight\.js\/(?:es|lib)\/languages\/([\w-]+)\.js$/.exec(f)?.[1]).filter(Boolean);
    expect(languages(page.inputs)).toEqual(
      expect.arrayContaining(['typescript', 'javascript', 'python', 'bash', 'json']),
    );
    expect(languages(page.inputs)).not.toContain('cpp');
    // markdown-it's character references are decoded by the page's own HTML parser (htmlEntities.ts), not `entities`' tables.
    expect(page.inputs.filter((f) => f.includes('node_modules/entities/'))).toEqual([]);
    expect(page.inputs).toContain('extension/chat/page/htmlEntities.ts');
    const more = await build('dist/webviews/chatLanguages.js');
    expect(languages(more.inputs)).toEqual(expect.arrayContaining(['cpp', 'go', 'rust', 'java', 'sql', 'css']));
    expect(
      more.inputs.filter((f) => f.endsWith('highlight.js/es/core.js') || f.endsWith('highlight.js/lib/core.js')),
    ).toEqual([]);
  }, 60_000);
});
