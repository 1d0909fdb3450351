import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, SwitchboardError } from '../../../shared/errors';
import { ProviderCatalog } from '../../../daemon/catalog/providerCatalog';
import { silentLogger } from '../../../daemon/log';
import { PriceBook } from '../../../daemon/pricing/priceBook';
import { catalogPricesOf } from '../../../daemon/catalog/catalogPrices';
import { BUILT_IN_PROVIDERS } from '../../../daemon/catalog/builtInProviders';
import { Database } from '../../../daemon/store/database';
import { tempDir } from '../store/helpers';

let db: Database;
let book: PriceBook;
let providers: ProviderCatalog;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  const t = await tempDir('sb-prices-');
  cleanup = t.cleanup;
  db = await Database.open(join(t.dir, 'db.json'), silentLogger);
  providers = new ProviderCatalog(db);
  book = new PriceBook(db, providers);
});
afterEach(async () => {
  await db.close();
  await cleanup();
});

const gpt4o = catalogPricesOf('openai').models.find((m) => m.model === 'gpt-4o')!;
const gpt4oMini = catalogPricesOf('openai').models.find((m) => m.model === 'gpt-4o-mini')!;

describe('PriceBook.priceOf', () => {
  it('prices a catalog model by its exact id', () => {
    expect(book.priceOf('openai', 'gpt-4o')).toEqual(gpt4o);
  });

  it('prices a dated variant at the longest listed id it extends', () => {
    expect(book.priceOf('openai', 'gpt-4o-2024-08-06')).toEqual(gpt4o);
    expect(book.priceOf('openai', 'gpt-4o-mini-2024-07-18')).toEqual(gpt4oMini);
    expect(book.priceOf('anthropic', 'claude-opus-4-1-20250805')?.model).toBe('claude-opus-4-1');
  });

  it('does not take a newer version number for a variant of an older model', () => {
    expect(book.priceOf('anthropic', 'claude-sonnet-4-9')).toBeUndefined();
    expect(book.priceOf('openai', 'gpt-4ox')).toBeUndefined();
  });

  it('leaves an unknown model on a paid provider without a price, and never prices it at zero', () => {
    expect(book.priceOf('openai', 'some-new-model')).toBeUndefined();
    expect(book.costOf('openai', 'some-new-model', { inputTokens: 1000, outputTokens: 1000 })).toBeNull();
    expect(book.costOf('custom', 'anything', { inputTokens: 10, outputTokens: 10 })).toBeNull();
    expect(book.costOf('azure-openai', 'my-deployment', { inputTokens: 10, outputTokens: 10 })).toBeNull();
  });

  it('prices every model of a local server at zero', () => {
    for (const id of ['ollama', 'lmstudio', 'vllm'])
      expect(book.costOf(id, 'llama3.2', { inputTokens: 5000, outputTokens: 900 })).toBe(0);
  });

  it('lists a price for well-known models of each paid provider', () => {
    for (const id of ['openai', 'anthropic', 'gemini', 'groq', 'mistral', 'deepseek', 'xai']) {
      const { models, free } = catalogPricesOf(id);
      expect(free, id).toBeFalsy();
      expect(models.length, id).toBeGreaterThan(1);
      for (const m of models) {
        expect(m.inputPerMTok, `${id}/${m.model}`).toBeGreaterThan(0);
        // Embedding models produce no output tokens: their output price is 0, every chat model's is not.
        if (/embedding/.test(m.model)) expect(m.outputPerMTok, `${id}/${m.model}`).toBe(0);
        else expect(m.outputPerMTok, `${id}/${m.model}`).toBeGreaterThan(0);
      }
      expect(
        BUILT_IN_PROVIDERS.some((p) => p.id === id),
        id,
      ).toBe(true);
    }
  });
});

describe('PriceBook.costOf', () => {
  it('charges input and output tokens at their own per-million prices', () => {
    const cost = book.costOf('openai', 'gpt-4o', { inputTokens: 1200, outputTokens: 340 });
    expect(cost).toBeCloseTo((1200 * gpt4o.inputPerMTok + 340 * gpt4o.outputPerMTok) / 1e6, 12);
  });
});

describe('PriceBook.set', () => {
  it('lets a user price win over the catalog, for the id and its dated variants, and survive a reload', async () => {
    const entry = await book.set('openai', 'gpt-4o', { inputPerMTok: 1, outputPerMTok: 2 });
    expect(entry).toEqual({ provider: 'openai', model: 'gpt-4o', inputPerMTok: 1, outputPerMTok: 2, source: 'user' });
    expect(book.costOf('openai', 'gpt-4o-2024-08-06', { inputTokens: 1_000_000, outputTokens: 1_000_000 })).toBe(3);
    const file = db.file;
    await db.close();
    db = await Database.open(file, silentLogger);
    book = new PriceBook(db, new ProviderCatalog(db));
    expect(book.priceOf('openai', 'gpt-4o')).toEqual({ model: 'gpt-4o', inputPerMTok: 1, outputPerMTok: 2 });
  });

  it("prices a model the catalog does not know, and a local model at the user's price", async () => {
    await book.set('openai', 'my-finetune', { inputPerMTok: 4, outputPerMTok: 8 });
    expect(book.costOf('openai', 'my-finetune', { inputTokens: 500_000, outputTokens: 0 })).toBe(2);
    await book.set('ollama', 'llama3.2', { inputPerMTok: 0.5, outputPerMTok: 0.5 });
    expect(book.costOf('ollama', 'llama3.2', { inputTokens: 2_000_000, outputTokens: 0 })).toBe(1);
  });

  it('clears a user price so the catalog price applies again', async () => {
    await book.set('openai', 'gpt-4o', { inputPerMTok: 1, outputPerMTok: 2 });
    const after = await book.set('openai', 'gpt-4o', null);
    expect(after).toEqual({ provider: 'openai', ...gpt4o, source: 'catalog' });
    expect(book.priceOf('openai', 'gpt-4o')).toEqual(gpt4o);
    expect(db.data.prices).toEqual([]);
    expect(await book.set('openai', 'my-finetune', null)).toBeNull();
  });

  it('reprices a model already priced as soon as a user price is set, changed or cleared', async () => {
    const usage = { inputTokens: 1_000_000, outputTokens: 0 };
    expect(book.costOf('openai', 'gpt-4o', usage)).toBe(gpt4o.inputPerMTok);
    await book.set('openai', 'gpt-4o', { inputPerMTok: 1, outputPerMTok: 2 });
    expect(book.costOf('openai', 'gpt-4o', usage)).toBe(1);
    await book.set('openai', 'gpt-4o', { inputPerMTok: 3, outputPerMTok: 2 }); // as many user prices as before
    expect(book.costOf('openai', 'gpt-4o', usage)).toBe(3);
    expect(book.costOf('openai', 'my-finetune', usage)).toBeNull();
    await book.set('openai', 'my-finetune', { inputPerMTok: 5, outputPerMTok: 5 });
    expect(book.costOf('openai', 'my-finetune', usage)).toBe(5);
    await book.set('openai', 'gpt-4o', null);
    expect(book.costOf('openai', 'gpt-4o', usage)).toBe(gpt4o.inputPerMTok);
  });

  it('refuses an unknown provider with PROVIDER_NOT_FOUND', async () => {
    const error = await book.set('nope', 'm', { inputPerMTok: 1, outputPerMTok: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchboardError);
    expect((error as SwitchboardError).code).toBe(ErrorCode.PROVIDER_NOT_FOUND);
    expect(() => book.list('nope')).toThrow(/nope/);
    expect(db.data.prices).toEqual([]);
  });
});

describe('PriceBook.list and providers/list', () => {
  it("lists one provider's prices with the user's in place of the catalog's", async () => {
    await book.set('openai', 'gpt-4o', { inputPerMTok: 1, outputPerMTok: 2 });
    const list = book.list('openai');
    expect(list.filter((e) => e.model === 'gpt-4o')).toEqual([
      { provider: 'openai', model: 'gpt-4o', inputPerMTok: 1, outputPerMTok: 2, source: 'user' },
    ]);
    expect(list.find((e) => e.model === 'gpt-4o-mini')?.source).toBe('catalog');
    expect(new Set(list.map((e) => e.provider))).toEqual(new Set(['openai']));
    expect(new Set(book.list().map((e) => e.provider))).toEqual(
      new Set(['openai', 'anthropic', 'gemini', 'groq', 'mistral', 'deepseek', 'xai']),
    );
  });

  it("shows each provider's effective prices in the catalog", async () => {
    await book.set('anthropic', 'claude-custom', { inputPerMTok: 7, outputPerMTok: 9 });
    const anthropic = providers.list().find((p) => p.id === 'anthropic')!;
    expect(anthropic.models).toContainEqual({ model: 'claude-custom', inputPerMTok: 7, outputPerMTok: 9 });
    expect(anthropic.models).toContainEqual(
      catalogPricesOf('anthropic').models.find((m) => m.model === 'claude-sonnet-4-5'),
    );
    expect(providers.list().find((p) => p.id === 'custom')!.models).toBeUndefined();
  });
});
