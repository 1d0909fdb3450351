/**
 * The daemon's model facts: the catalog's (catalog/modelFacts.json) with the user's
 * (`modelFacts/set`, kept in db.json as `modelFacts`) laid over them field by field, so a user who
 * only corrects a context window keeps the catalog's capabilities. Serves `modelFacts/*`,
 * `models/list` and `GET /v1/models`, which all agree through {@link FactBook.factsOf}.
 */
import { ErrorCode, SwitchboardError } from '../../shared/errors';
import type { ModelCapability, ModelFactsEntry, ModelInfo } from '../../shared/protocol';
import type { ProviderCatalog } from '../catalog/providerCatalog';
import { matchModel } from '../catalog/priceMatch';
import { catalogFactsOf, factsKey, type ModelFacts } from '../catalog/modelFacts';
import type { Database } from '../store/database';
import type { ModelFactsOverride } from '../store/schema';
import type { Loose } from '../../shared/definedOnly';

/** The three facts a user may set. */
type Fields = Pick<ModelFacts, 'contextWindow' | 'maxOutputTokens' | 'capabilities'>;

export class FactBook {
  constructor(
    private readonly db: Database,
    private readonly providers: ProviderCatalog,
  ) {}

  private get overrides(): readonly ModelFactsOverride[] {
    return this.db.data.modelFacts ?? [];
  }

  /**
   * The facts of `model` on a connection of `providerId` (undefined when nothing is known): the
   * catalog's, under the user's — theirs for the provider as the connection names the model, else
   * for the provider (and id) whose list holds it (OpenRouter's vendor, Bedrock's `anthropic.…`).
   */
  factsOf(providerId: string, model: string): Fields | undefined {
    const key = factsKey(providerId, model);
    const catalog = matchModel(catalogFactsOf(key.provider), key.model);
    const mine =
      matchModel(this.overridesOf(providerId), model) ??
      (key.provider !== providerId ? matchModel(this.overridesOf(key.provider), key.model) : undefined);
    if (!catalog && !mine) return undefined;
    return merge(catalog, mine);
  }

  /** A model listed by a connection, with what is known of it. */
  withFacts(providerId: string, m: ModelInfo): ModelInfo {
    const facts = this.factsOf(providerId, m.id);
    if (!facts) return m;
    return {
      ...m,
      ...(facts.contextWindow !== undefined && { contextWindow: facts.contextWindow }),
      ...(facts.maxOutputTokens !== undefined && { maxOutputTokens: facts.maxOutputTokens }),
      ...(facts.capabilities !== undefined && { capabilities: [...facts.capabilities] }),
    };
  }

  /** Every listed model's facts, of one provider or of all, the user's over the catalog's, sorted by model. */
  list(providerId?: string): ModelFactsEntry[] {
    const ids = providerId === undefined ? this.providers.list().map((p) => p.id) : [this.requireProvider(providerId)];
    return ids.flatMap((id) => this.entries(id));
  }

  /** Sets the user's facts for a model (fields not given keep the catalog's), or with `null` drops them. */
  async set(providerId: string, model: string, facts: Loose<Fields> | null): Promise<ModelFactsEntry | null> {
    this.requireProvider(providerId);
    const key = model.trim();
    const same = (o: ModelFactsOverride) => o.provider === providerId && o.model.toLowerCase() === key.toLowerCase();
    await this.db.update((data) => {
      const kept = (data.modelFacts ?? []).filter((o) => !same(o));
      if (facts) kept.push({ provider: providerId, model: key, ...copy(facts), updatedAt: new Date().toISOString() });
      data.modelFacts = kept;
    });
    return this.entries(providerId).find((e) => e.model.toLowerCase() === key.toLowerCase()) ?? null;
  }

  private overridesOf(providerId: string): ModelFactsOverride[] {
    return this.overrides.filter((o) => o.provider === providerId);
  }

  private entries(providerId: string): ModelFactsEntry[] {
    const byModel = new Map<string, ModelFactsEntry>();
    for (const f of catalogFactsOf(providerId))
      byModel.set(f.model.toLowerCase(), { provider: providerId, model: f.model, ...copy(f), source: 'catalog' });
    for (const o of this.overridesOf(providerId)) {
      const catalog = matchModel(
        catalogFactsOf(factsKey(providerId, o.model).provider),
        factsKey(providerId, o.model).model,
      );
      byModel.set(o.model.toLowerCase(), {
        provider: providerId,
        model: o.model,
        ...copy(merge(catalog, o)),
        source: 'user',
      });
    }
    return [...byModel.values()].sort((a, b) => a.model.localeCompare(b.model));
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

/** The user's fields over the catalog's. */
function merge(catalog: Fields | undefined, mine: Fields | undefined): Fields {
  return { ...copy(catalog ?? {}), ...copy(mine ?? {}) };
}

/** Only the three fields, only where set (a stored override holds provider, model and a date too). */
function copy(f: Loose<Fields>): {
  contextWindow?: number;
  maxOutputTokens?: number;
  capabilities?: ModelCapability[];
} {
  return {
    ...(f.contextWindow !== undefined && { contextWindow: f.contextWindow }),
    ...(f.maxOutputTokens !== undefined && { maxOutputTokens: f.maxOutputTokens }),
    ...(f.capabilities !== undefined && { capabilities: [...f.capabilities] }),
  };
}
