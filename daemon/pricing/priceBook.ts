/**
 * The daemon's prices: the catalog's built-in ones with the user's (`prices/set`, kept in `db.json`)
 * over them. Prices every chat's usage for the ledger and budgets, and serves `prices/*`.
 */
import { ErrorCode, SwitchboardError } from '../../shared/errors';
import type { ModelPrice, PriceEntry, Usage } from '../../shared/protocol';
import type { Pricing } from '../chat/ports';
import type { ProviderCatalog } from '../catalog/providerCatalog';
import type { Database } from '../store/database';
import { costAt, effectivePrices, priceFor } from '../catalog/priceMatch';

/** Models whose price is kept at once; past it the cache starts over (model ids come from clients). */
const MAX_CACHED_PRICES = 1000;

export class PriceBook implements Pricing {
  /**
   * {@link priceOf}'s answers (null: unknown), for the user's prices they were worked out from. Every
   * chat is priced, and working a price out lays the user's prices over the provider's whole catalog
   * and sorts it. Every transaction on the store ({@link set}'s included) makes `db.data` anew, a deep
   * clone, so a new array of user prices (or one of another length) starts a new cache; the per-chat
   * counters (`updateLater`) change the state in place and leave it be.
   */
  private cached: { prices: readonly unknown[]; length: number; byModel: Map<string, ModelPrice | null> } = {
    prices: [],
    length: 0,
    byModel: new Map(),
  };

  constructor(
    private readonly db: Database,
    private readonly providers: ProviderCatalog,
  ) {}

  /** US dollars for `usage` on the model, or null when its price is unknown (never zero for unknown). */
  costOf(providerId: string, model: string, usage: Usage): number | null {
    const price = this.priceOf(providerId, model);
    return price ? costAt(price, usage.inputTokens, usage.outputTokens) : null;
  }

  /** The price that applies to `model` on `providerId`, or undefined when it is unknown. */
  priceOf(providerId: string, model: string): ModelPrice | undefined {
    const prices = this.db.data.prices;
    let cached = this.cached;
    if (cached.prices !== prices || cached.length !== prices.length || cached.byModel.size >= MAX_CACHED_PRICES)
      this.cached = cached = { prices, length: prices.length, byModel: new Map() };
    const key = `${providerId}\n${model}`;
    let price = cached.byModel.get(key);
    if (price === undefined) {
      const found = priceFor(providerId, model, prices);
      price = found ? Object.freeze(found) : null;
      cached.byModel.set(key, price);
    }
    return price ?? undefined;
  }

  /** Every listed price, of one provider or of all, the user's in place of the catalog's. */
  list(providerId?: string): PriceEntry[] {
    const ids = providerId === undefined ? this.providers.list().map((p) => p.id) : [this.requireProvider(providerId)];
    return ids.flatMap((id) => effectivePrices(id, this.db.data.prices));
  }

  /**
   * Sets the user's price for a model, or with `price: null` drops it (the catalog's applies again).
   * Returns the entry that now applies to that model id, if any.
   */
  async set(
    providerId: string,
    model: string,
    price: { inputPerMTok: number; outputPerMTok: number } | null,
  ): Promise<PriceEntry | null> {
    this.requireProvider(providerId);
    const key = model.trim();
    await this.db.update((data) => {
      data.prices = data.prices.filter(
        (p) => !(p.provider === providerId && p.model.toLowerCase() === key.toLowerCase()),
      );
      if (price)
        data.prices.push({
          provider: providerId,
          model: key,
          inputPerMTok: price.inputPerMTok,
          outputPerMTok: price.outputPerMTok,
          updatedAt: new Date().toISOString(),
        });
    });
    const entries = effectivePrices(providerId, this.db.data.prices);
    return entries.find((e) => e.model.toLowerCase() === key.toLowerCase()) ?? null;
  }

  private requireProvider(providerId: string): string {
    if (!this.providers.find(providerId)) {
      throw new SwitchboardError(ErrorCode.PROVIDER_NOT_FOUND, `No provider has the id "${providerId}".`, {
        hint: `Use one of: ${this.providers
          .list()
          .map((p) => p.id)
          .join(', ')} (providers/list shows them).`,
      });
    }
    return providerId;
  }
}
