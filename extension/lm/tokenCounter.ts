/**
 * Token counts for VS Code's `provideTokenCount`: OpenAI's own tokenizer for the OpenAI model families
 * (loaded on first use from dist/tokenizer.js, so the extension bundle stays small), and an estimate
 * that leans high for every other model (Anthropic, Gemini and most open models publish no tokenizer
 * that runs here). If the tokenizer cannot be loaded the estimate is used, and said once in the log.
 */
import { join } from 'node:path';
import { estimateMessageTokens, estimateTextTokens, type TextCounter } from './tokenEstimate';
import type { LmMessage } from './requestMapping';
import type { Encoding } from './tokenizer';

/** What dist/tokenizer.js exports. */
export interface TokenizerModule {
  countTokens(encoding: Encoding, text: string): number;
}

/**
 * The vocabulary of an OpenAI model id, also behind a router's `openai/` prefix; undefined for models
 * whose tokenizer is not OpenAI's (or not known).
 */
export function encodingFor(model: string): Encoding | undefined {
  const id = model.toLowerCase().replace(/^openai\//, '');
  if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|chatgpt-4o|o1|o3|o4)(\b|[-.:])/.test(id)) return 'o200k_base';
  if (/^(gpt-4|gpt-3\.5|gpt-35)(\b|[-.:])/.test(id)) return 'cl100k_base';
  return undefined;
}

/** The bundle beside the extension's own (both in dist/). */
const loadBundled = (): Promise<TokenizerModule> =>
  // A runtime require of a sibling file: esbuild leaves it alone, so the vocabularies stay out of extension.js.
  Promise.resolve(require(join(__dirname, 'tokenizer.js')) as TokenizerModule);

export class TokenCounter {
  private tokenizer: Promise<TokenizerModule | undefined> | undefined;

  constructor(
    private readonly onLoadFailure: (error: unknown) => void,
    private readonly load: () => Promise<TokenizerModule> = loadBundled,
  ) {}

  /** Tokens of a text or a message for `model`: exact for OpenAI models, an estimate for the rest. */
  async count(model: string, input: string | LmMessage): Promise<number> {
    const text = await this.textCounter(model);
    return typeof input === 'string' ? text(input) : estimateMessageTokens(input, text);
  }

  private async textCounter(model: string): Promise<TextCounter> {
    const encoding = encodingFor(model);
    if (!encoding) return estimateTextTokens;
    const tokenizer = await (this.tokenizer ??= this.load().catch((error: unknown) => {
      this.onLoadFailure(error);
      return undefined;
    }));
    return tokenizer ? (text) => tokenizer.countTokens(encoding, text) : estimateTextTokens;
  }
}
