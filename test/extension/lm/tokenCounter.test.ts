import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Role } from '../../../extension/lm/requestMapping';
import { encodingFor, TokenCounter } from '../../../extension/lm/tokenCounter';
import { estimateTextTokens } from '../../../extension/lm/tokenEstimate';
import * as tokenizer from '../../../extension/lm/tokenizer';

const root = path.resolve(__dirname, '../../..');
const fromSource = () => Promise.resolve(tokenizer);

describe('token counts for VS Code', () => {
  it("picks OpenAI's vocabulary by model family, behind a router's prefix too, and none for other models", () => {
    for (const m of [
      'gpt-4o',
      'gpt-4o-mini',
      'gpt-4.1-nano',
      'gpt-5.4',
      'gpt-5.4-mini',
      'o3-mini',
      'o4-mini',
      'openai/gpt-4o',
      'gpt-oss-120b',
      'chatgpt-4o-latest',
    ])
      expect(encodingFor(m), m).toBe('o200k_base');
    for (const m of ['gpt-4', 'gpt-4-turbo', 'gpt-3.5-turbo', 'gpt-35-turbo'])
      expect(encodingFor(m), m).toBe('cl100k_base');
    for (const m of ['claude-sonnet-4-5', 'gemini-2.5-pro', 'llama3.1:8b', 'my-gpt-4o-deployment', 'o1x'])
      expect(encodingFor(m), m).toBeUndefined();
  });

  it("counts an OpenAI model's text with its real tokenizer, not the estimate", async () => {
    const counter = new TokenCounter(() => undefined, fromSource);
    // o200k_base: "Hello" "," " world" "!" — the estimate says 6.
    expect(await counter.count('gpt-4o', 'Hello, world!')).toBe(4);
    expect(estimateTextTokens('Hello, world!')).toBe(6);
    // A special-token marker in a prompt is text, not a control token (and does not throw).
    expect(await counter.count('gpt-4o', 'a <|endoftext|> b')).toBeGreaterThan(3);
    const message = { role: Role.User, content: [{ value: 'Hello, world!' }] };
    expect(await counter.count('gpt-4o', message)).toBe(4 + 4); // the text plus the message framing
  });

  it('estimates for a model without a tokenizer here, without loading the tokenizer', async () => {
    let loads = 0;
    const counter = new TokenCounter(
      () => undefined,
      () => (loads++, fromSource()),
    );
    expect(await counter.count('claude-sonnet-4-5', 'Hello, world!')).toBe(6);
    expect(loads).toBe(0);
  });

  it('falls back to the estimate when the tokenizer cannot be loaded, and says so once', async () => {
    const failures: unknown[] = [];
    const counter = new TokenCounter(
      (e) => failures.push(e),
      () => Promise.reject(new Error('missing dist/tokenizer.js')),
    );
    expect(await counter.count('gpt-4o', 'Hello, world!')).toBe(6);
    expect(await counter.count('gpt-4o', 'Hello again')).toBeGreaterThan(0);
    expect(failures).toHaveLength(1);
  });

  it('bundles into a tokenizer.js that loads on its own and counts, as the extension requires it', async () => {
    // As esbuild.mjs builds dist/tokenizer.js; written to a temp dir, not over the real build.
    const outfile = path.join(mkdtempSync(path.join(tmpdir(), 'sb-tokenizer-')), 'tokenizer.js');
    await esbuild.build({
      absWorkingDir: root,
      entryPoints: ['extension/lm/tokenizer.ts'],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      logLevel: 'silent',
    });
    const out = execFileSync(
      process.execPath,
      [
        '-e',
        `const t = require(${JSON.stringify(outfile)}); process.stdout.write(t.countTokens('o200k_base', 'Hello, world!') + ' ' + t.countTokens('cl100k_base', 'Hello, world!'))`,
      ],
      { encoding: 'utf8' },
    );
    expect(out).toBe('4 4');
    rmSync(path.dirname(outfile), { recursive: true, force: true });
  }, 60_000);
});
