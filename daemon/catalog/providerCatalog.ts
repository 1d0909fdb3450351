/**
 * The catalog clients see: the built-in providers, then the user's own (kept in the store), each with
 * the model prices that apply to it (the catalog's, with the user's `prices/set` ones in their place).
 */
import type { Provider } from '../../shared/protocol';
import { ErrorCode, SwitchboardError } from '../../shared/errors';
import { definedOnly, type Loose } from '../../shared/definedOnly';
import { effectivePrices } from './priceMatch';
import { BUILT_IN_PROVIDERS, findBuiltIn } from './builtInProviders';
import type { Database } from '../store/database';

/** A user's provider as `providers/upsert` and import give it (parsed params: optional fields may be undefined). */
export type ProviderInput = Loose<Omit<Provider, 'builtIn' | 'authHeader'>> & {
  authHeader?: Loose<NonNullable<Provider['authHeader']>> | undefined;
};

export class ProviderCatalog {
  constructor(private readonly db: Database) {}

  /** Every provider, with its effective `models` prices (omitted when none is known). */
  list(): Provider[] {
    return [...BUILT_IN_PROVIDERS, ...this.db.data.providers].map((provider) => this.withPrices(provider));
  }

  private withPrices(provider: Provider): Provider {
    const models = effectivePrices(provider.id, this.db.data.prices).map(({ model, inputPerMTok, outputPerMTok }) => ({
      model,
      inputPerMTok,
      outputPerMTok,
    }));
    return models.length > 0 ? { ...provider, models } : provider;
  }

  find(id: string): Provider | undefined {
    return findBuiltIn(id) ?? this.db.data.providers.find((p) => p.id === id);
  }

  /** The provider, or a VALIDATION error naming the `provider` field. */
  require(id: string): Provider {
    const provider = this.find(id);
    if (!provider) {
      throw new SwitchboardError(ErrorCode.VALIDATION, `provider: "${id}" is not in the catalog.`, {
        hint: `Use one of: ${this.list()
          .map((p) => p.id)
          .join(', ')} — or add your own with providers/upsert.`,
        field: 'provider',
      });
    }
    return provider;
  }

  async upsert(input: ProviderInput): Promise<Provider> {
    if (findBuiltIn(input.id)) {
      throw new SwitchboardError(
        ErrorCode.PROVIDER_IN_USE,
        `"${input.id}" is a built-in provider and cannot be replaced.`,
        { hint: 'Give your provider another id, e.g. "my-' + input.id + '".', field: 'id' },
      );
    }
    const { authHeader, ...fields } = input;
    const provider: Provider = {
      ...definedOnly(fields),
      ...(authHeader && { authHeader: definedOnly(authHeader) }),
      builtIn: false,
    };
    await this.db.update((db) => {
      const i = db.providers.findIndex((p) => p.id === provider.id);
      if (i >= 0) db.providers[i] = provider;
      else db.providers.push(provider);
    });
    return provider;
  }

  async delete(id: string): Promise<Provider> {
    if (findBuiltIn(id))
      throw new SwitchboardError(ErrorCode.PROVIDER_IN_USE, `"${id}" is a built-in provider and cannot be deleted.`, {
        hint: 'Only providers added with providers/upsert can be deleted.',
      });
    return this.db.update((db) => {
      const i = db.providers.findIndex((p) => p.id === id);
      if (i < 0)
        throw new SwitchboardError(ErrorCode.PROVIDER_NOT_FOUND, `No user-defined provider has the id "${id}".`, {
          hint: 'List providers with providers/list.',
        });
      const users = db.connections.filter((c) => c.provider === id).map((c) => c.name);
      if (users.length > 0)
        throw new SwitchboardError(ErrorCode.PROVIDER_IN_USE, `Provider "${id}" is used by ${users.join(', ')}.`, {
          hint: 'Delete those connections or move them to another provider first.',
        });
      return db.providers.splice(i, 1)[0]!;
    });
  }
}
