/**
 * Built-in model prices, in US dollars per million input / output tokens, for the catalog's paid
 * providers. Prices change: these are the providers' published list prices as best known when written
 * (see PRICES_AS_OF), for standard (non-batch, non-cached, short-context) requests. A user corrects or
 * adds one with `prices/set` (CLI: `switchboard prices set`), which wins over anything here.
 *
 * A model missing here has no price: its cost shows as unknown, never as zero. Only a provider marked
 * `free` (a server on your own machine) prices unlisted models at 0.
 */
import type { ModelPrice } from '../../shared/protocol';

/** When these prices were last checked against the providers' pricing pages. */
export const PRICES_AS_OF = '2025-11';

/** A provider's built-in prices. */
export interface CatalogPrices {
  /** Local servers: every model costs nothing unless the user sets a price. */
  free?: boolean;
  models: readonly ModelPrice[];
}

const p = (model: string, inputPerMTok: number, outputPerMTok: number): ModelPrice =>
  Object.freeze({ model, inputPerMTok, outputPerMTok });

const PRICES: Readonly<Record<string, CatalogPrices>> = {
  openai: {
    models: [
      p('gpt-5.1', 1.25, 10),
      p('gpt-5', 1.25, 10),
      p('gpt-5-mini', 0.25, 2),
      p('gpt-5-nano', 0.05, 0.4),
      p('gpt-5-pro', 15, 120),
      p('gpt-4.1', 2, 8),
      p('gpt-4.1-mini', 0.4, 1.6),
      p('gpt-4.1-nano', 0.1, 0.4),
      p('gpt-4o', 2.5, 10),
      p('gpt-4o-mini', 0.15, 0.6),
      p('chatgpt-4o-latest', 5, 15),
      p('gpt-4-turbo', 10, 30),
      p('gpt-4', 30, 60),
      p('gpt-3.5-turbo', 0.5, 1.5),
      p('o1', 15, 60),
      p('o1-mini', 1.1, 4.4),
      p('o1-pro', 150, 600),
      p('o3', 2, 8),
      p('o3-mini', 1.1, 4.4),
      p('o3-pro', 20, 80),
      p('o4-mini', 1.1, 4.4),
      p('codex-mini-latest', 1.5, 6),
      // Embeddings: input tokens only.
      p('text-embedding-3-small', 0.02, 0),
      p('text-embedding-3-large', 0.13, 0),
      p('text-embedding-ada-002', 0.1, 0),
    ],
  },
  anthropic: {
    models: [
      p('claude-opus-4-5', 5, 25),
      p('claude-opus-4-1', 15, 75),
      p('claude-opus-4', 15, 75),
      p('claude-sonnet-4-5', 3, 15),
      p('claude-sonnet-4', 3, 15),
      p('claude-haiku-4-5', 1, 5),
      p('claude-3-7-sonnet', 3, 15),
      p('claude-3-5-sonnet', 3, 15),
      p('claude-3-5-haiku', 0.8, 4),
      p('claude-3-opus', 15, 75),
      p('claude-3-haiku', 0.25, 1.25),
    ],
  },
  gemini: {
    models: [
      p('gemini-3-pro-preview', 2, 12),
      p('gemini-2.5-pro', 1.25, 10),
      p('gemini-2.5-flash', 0.3, 2.5),
      p('gemini-2.5-flash-lite', 0.1, 0.4),
      p('gemini-2.0-flash', 0.1, 0.4),
      p('gemini-2.0-flash-lite', 0.075, 0.3),
      p('gemini-1.5-pro', 1.25, 5),
      p('gemini-1.5-flash', 0.075, 0.3),
      p('gemini-1.5-flash-8b', 0.0375, 0.15),
    ],
  },
  groq: {
    models: [
      p('llama-3.3-70b-versatile', 0.59, 0.79),
      p('llama-3.1-8b-instant', 0.05, 0.08),
      p('meta-llama/llama-4-scout-17b-16e-instruct', 0.11, 0.34),
      p('meta-llama/llama-4-maverick-17b-128e-instruct', 0.2, 0.6),
      p('openai/gpt-oss-120b', 0.15, 0.75),
      p('openai/gpt-oss-20b', 0.1, 0.5),
      p('qwen/qwen3-32b', 0.29, 0.59),
      p('moonshotai/kimi-k2-instruct', 1, 3),
      p('deepseek-r1-distill-llama-70b', 0.75, 0.99),
    ],
  },
  mistral: {
    models: [
      p('mistral-large', 2, 6),
      p('mistral-medium', 0.4, 2),
      p('mistral-small', 0.1, 0.3),
      p('magistral-medium', 2, 5),
      p('magistral-small', 0.5, 1.5),
      p('codestral', 0.3, 0.9),
      p('devstral-medium', 0.4, 2),
      p('devstral-small', 0.1, 0.3),
      p('pixtral-large', 2, 6),
      p('ministral-8b', 0.1, 0.1),
      p('ministral-3b', 0.04, 0.04),
      p('open-mistral-nemo', 0.15, 0.15),
    ],
  },
  deepseek: {
    models: [p('deepseek-chat', 0.28, 0.42), p('deepseek-reasoner', 0.28, 0.42)],
  },
  xai: {
    models: [
      p('grok-4', 3, 15),
      p('grok-4-fast', 0.2, 0.5),
      p('grok-4-1-fast', 0.2, 0.5),
      p('grok-code-fast-1', 0.2, 1.5),
      p('grok-3', 3, 15),
      p('grok-3-mini', 0.3, 0.5),
      p('grok-2', 2, 10),
    ],
  },
  // Servers on your own machine: nothing to pay per token.
  ollama: { free: true, models: [] },
  lmstudio: { free: true, models: [] },
  vllm: { free: true, models: [] },
};

const NONE: CatalogPrices = Object.freeze({ models: Object.freeze([]) as readonly ModelPrice[] });

/** The built-in prices of a provider (none for providers without a list, including user-defined ones). */
export function catalogPricesOf(providerId: string): CatalogPrices {
  return Object.hasOwn(PRICES, providerId) ? PRICES[providerId]! : NONE;
}
