/**
 * Which price applies to a model: the user's own prices (`prices/set`) laid over the catalog's, then
 * matched against the model id. Pure functions, so `providers/list`, `prices/list` and the cost of
 * every chat agree on one rule.
 *
 * Matching: the exact id (case-insensitive) first; otherwise the longest listed id that is a prefix of
 * the model followed by `-`, so `gpt-4o` prices the dated `gpt-4o-2024-08-06` and `gpt-4o-mini`'s own
 * entry prices `gpt-4o-mini-2024-07-18`. A suffix that starts with a one- or two-digit number is a newer
 * version, not a variant (`claude-sonnet-4-6` is not `claude-sonnet-4`), so it stays unknown until it is
 * listed. Between a user price and
 * a catalog price for the same id, the user's wins. A provider marked free (a local server) prices
 * every model at 0 unless the user says otherwise; any other unlisted model has no price (unknown,
 * never zero).
 */
import type { ModelPrice, PriceEntry } from '../../shared/protocol';
import type { PriceOverride } from '../store/schema';
import { catalogPricesOf } from './catalogPrices';

/** Every price known for `providerId`, the user's in place of the catalog's, sorted by model id. */
export function effectivePrices(providerId: string, overrides: readonly PriceOverride[]): PriceEntry[] {
  const byModel = new Map<string, PriceEntry>();
  for (const p of catalogPricesOf(providerId).models)
    byModel.set(p.model.toLowerCase(), { provider: providerId, ...p, source: 'catalog' });
  for (const o of overrides) {
    if (o.provider !== providerId) continue;
    byModel.set(o.model.toLowerCase(), {
      provider: providerId,
      model: o.model,
      inputPerMTok: o.inputPerMTok,
      outputPerMTok: o.outputPerMTok,
      source: 'user',
    });
  }
  return [...byModel.values()].sort((a, b) => a.model.localeCompare(b.model));
}

/** The price of `model` among `prices`, by exact id, then the longest `<id>-…` prefix; undefined when none fits. */
export function matchPrice<T extends ModelPrice>(prices: readonly T[], model: string): T | undefined {
  return matchModel(prices, model);
}

/** The entry of `model` among `entries` by the rule above (model facts use it too). */
export function matchModel<T extends { model: string }>(entries: readonly T[], model: string): T | undefined {
  const wanted = normalize(model);
  let best: T | undefined;
  for (const p of entries) {
    const id = p.model.toLowerCase();
    if (id === wanted) return p;
    if (isVariantOf(wanted, id) && (!best || id.length > best.model.length)) best = p;
  }
  return best;
}

/**
 * The price of `model` on `providerId`, or undefined when it is unknown. A free provider's unlisted
 * models cost 0 — only there is zero a real price.
 */
export function priceFor(
  providerId: string,
  model: string,
  overrides: readonly PriceOverride[],
): ModelPrice | undefined {
  const found = matchPrice(effectivePrices(providerId, overrides), model);
  if (found) return { model: found.model, inputPerMTok: found.inputPerMTok, outputPerMTok: found.outputPerMTok };
  if (catalogPricesOf(providerId).free) return { model, inputPerMTok: 0, outputPerMTok: 0 };
  return undefined;
}

/** US dollars for the tokens at `price`; rounded to 1e-9 so float noise never shows as a fraction of a cent. */
export function costAt(price: ModelPrice, inputTokens: number, outputTokens: number): number {
  const raw = (inputTokens * price.inputPerMTok + outputTokens * price.outputPerMTok) / 1_000_000;
  return Math.round(raw * 1e9) / 1e9;
}

/** `model` is `id` plus a variant suffix (a date, `latest`, `preview`…), not a new version number. */
function isVariantOf(model: string, id: string): boolean {
  if (!model.startsWith(`${id}-`)) return false;
  const firstSegment = model.slice(id.length + 1).split('-')[0]!;
  return !/^\d{1,2}$/.test(firstSegment);
}

/** Some APIs name models with a path (`models/gemini-2.5-flash`); the price is the last segment's. */
function normalize(model: string): string {
  const lower = model.trim().toLowerCase();
  return lower.startsWith('models/') ? lower.slice('models/'.length) : lower;
}
