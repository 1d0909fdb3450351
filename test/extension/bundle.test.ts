/**
 * The extension bundle stays light: no provider SDK (only the daemon talks to providers) and no
 * daemon internals — it reaches the daemon through `shared/client` alone.
 */
import * as esbuild from 'esbuild';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');

describe('the extension bundle', () => {
  it('includes no provider SDK and nothing from daemon/', async () => {
    const result = await esbuild.build({
      absWorkingDir: root,
      entryPoints: ['extension/extension.ts'],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['vscode'],
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((f) => /node_modules\/(openai|@anthropic-ai|@aws-sdk)\//.test(f))).toEqual([]);
    // OpenAI's vocabularies (megabytes) live in dist/tokenizer.js, loaded on first use.
    expect(inputs.filter((f) => f.includes('js-tiktoken'))).toEqual([]);
    expect(inputs.filter((f) => f.startsWith('daemon/'))).toEqual([]);
    expect(inputs).toContain('shared/client/index.ts');
  });
});
