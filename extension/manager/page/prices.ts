/**
 * Model prices in the connection manager: which prices to list for the chosen provider and what is
 * wrong with a price typed in. Pure (no DOM), so both are unit-tested; pricesView.ts draws them.
 * Prices are per provider (every connection of that provider uses them), in US dollars per million
 * tokens, and a price set here is the user's own (`prices/set`): it wins over the built-in one.
 */
import type { PriceEntry } from '../../../shared/protocol';
import { modelIdProblem } from '../../../shared/rules/inputRules';

/** The most a price may be, as the daemon's `prices/set` allows (US dollars per million tokens). */
const MAX_PRICE = 100_000;

/** A price as typed: the model and the two figures, as text. */
export interface PriceDraft {
  model: string;
  input: string;
  output: string;
}

export type PriceCheck =
  | { ok: true; model: string; inputPerMTok: number; outputPerMTok: number }
  | { ok: false; field: keyof PriceDraft; message: string };

/** The price to send, or what is wrong with it (naming the input at fault). */
export function checkPrice(d: PriceDraft): PriceCheck {
  const model = d.model.trim();
  if (model === '') return { ok: false, field: 'model', message: 'Enter the model id the price is for.' };
  if (model.length > 256) return { ok: false, field: 'model', message: 'A model id is at most 256 characters.' };
  const modelProblem = modelIdProblem(model);
  if (modelProblem) return { ok: false, field: 'model', message: `The model id ${modelProblem}.` };
  const input = figure(d.input);
  if (input === undefined)
    return {
      ok: false,
      field: 'input',
      message: `Enter the input price in US dollars per million tokens, from 0 to ${MAX_PRICE}, e.g. 0.15.`,
    };
  const output = figure(d.output);
  if (output === undefined)
    return {
      ok: false,
      field: 'output',
      message: `Enter the output price in US dollars per million tokens, from 0 to ${MAX_PRICE}, e.g. 0.6.`,
    };
  return { ok: true, model, inputPerMTok: input, outputPerMTok: output };
}

function figure(text: string): number | undefined {
  const t = text.trim().replace(/^\$/, '');
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(t)) return undefined;
  const n = Number(t);
  return n <= MAX_PRICE ? n : undefined;
}

/**
 * The prices worth showing for a connection: the user's own, then the built-in price of its default
 * model (a catalog lists dozens of models; the rest is found by typing a model id).
 */
export function pricesToShow(prices: readonly PriceEntry[], defaultModel: string): PriceEntry[] {
  const own = prices.filter((p) => p.source === 'user');
  const def = prices.find((p) => p.model === defaultModel.trim() && p.source === 'catalog');
  return [...own, ...(def && !own.some((p) => p.model === def.model) ? [def] : [])];
}

/** The price a model has now (the user's, else the catalog's, matched exactly), to prefill the inputs. */
export function priceOf(prices: readonly PriceEntry[], model: string): PriceEntry | undefined {
  const id = model.trim();
  return prices.find((p) => p.model === id && p.source === 'user') ?? prices.find((p) => p.model === id);
}

/** `$0.15 in / $0.60 out per 1M tokens`. */
export function describePrice(p: Pick<PriceEntry, 'inputPerMTok' | 'outputPerMTok'>): string {
  return `$${money(p.inputPerMTok)} in / $${money(p.outputPerMTok)} out per 1M tokens`;
}

function money(n: number): string {
  return n >= 0.01 || n === 0 ? n.toFixed(2) : String(n);
}
