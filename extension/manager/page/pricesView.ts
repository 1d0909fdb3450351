/**
 * The "Prices" section of the connection manager page: the prices of the chosen provider that matter
 * here (see `pricesToShow`), a row to set one, and "Use built-in" to drop one of the user's own.
 * It asks the host through `send` and is told what is known through `showPrices`.
 */
import type { PriceEntry, Provider } from '../../../shared/protocol';
import type { ManagerToHost } from '../../../shared/webview';
import { checkPrice, describePrice, priceOf, pricesToShow, type PriceDraft } from './prices';
import { el } from './view';

interface PricesContext {
  send(message: ManagerToHost): void;
  /** Starts a request of kind `price` (disables "Set price" while it runs); returns its id. */
  start(): number;
  provider(): Provider | undefined;
  defaultModel(): string;
}

let ctx: PricesContext | undefined;
/** The provider whose prices are shown, and its prices as last listed. */
let shown: { provider: string; prices: PriceEntry[] } | undefined;

const inputs = { model: 'price-model', input: 'price-input', output: 'price-output' } as const;

/** Wires the section once; it loads prices when opened and follows the chosen provider. */
export function wirePrices(context: PricesContext): void {
  ctx = context;
  const details = el<HTMLDetailsElement>('prices');
  details.addEventListener('toggle', () => details.open && loadPrices());
  el<HTMLFormElement>('price-form').addEventListener('submit', (event) => {
    event.preventDefault();
    setPrice();
  });
  // Typing a model whose price is known fills in its figures, to adjust rather than retype.
  el<HTMLInputElement>('price-model').addEventListener('change', () => {
    const known = shown && priceOf(shown.prices, el<HTMLInputElement>('price-model').value);
    if (!known) return;
    el<HTMLInputElement>('price-input').value = String(known.inputPerMTok);
    el<HTMLInputElement>('price-output').value = String(known.outputPerMTok);
  });
}

/** Asks for the chosen provider's prices when the section is open (the provider or connection changed). */
export function loadPrices(): void {
  const provider = ctx?.provider();
  el('prices-provider').textContent = provider?.name ?? 'this provider';
  if (!provider || !el<HTMLDetailsElement>('prices').open) return;
  if (el<HTMLInputElement>('price-model').value.trim() === '')
    el<HTMLInputElement>('price-model').value = ctx!.defaultModel();
  ctx!.send({ type: 'loadPrices', provider: provider.id });
}

/** Draws a provider's prices (ignored when the form has moved to another provider since). */
export function showPrices(provider: string, prices: PriceEntry[], answered: boolean): void {
  if (ctx?.provider()?.id !== provider) return;
  shown = { provider, prices };
  const rows = pricesToShow(prices, ctx.defaultModel()).map(priceRow);
  el('price-list').replaceChildren(...rows);
  el('price-none').hidden = prices.some((p) => p.source === 'user');
  if (answered) {
    showPriceError(undefined);
    el('price-status').textContent = 'Price saved. Costs of new requests use it.';
  }
}

/** A failed `setPrice`, shown under the inputs. */
export function showPriceError(message: string | undefined, field: keyof PriceDraft = 'model'): void {
  const slot = el('price-error');
  slot.textContent = message ?? '';
  slot.hidden = message === undefined;
  for (const [key, id] of Object.entries(inputs))
    el(id).setAttribute('aria-invalid', String(message !== undefined && key === field));
  if (message !== undefined) el('price-status').textContent = '';
}

function setPrice(): void {
  const provider = ctx?.provider();
  if (!ctx || !provider) return;
  const draft: PriceDraft = {
    model: el<HTMLInputElement>('price-model').value,
    input: el<HTMLInputElement>('price-input').value,
    output: el<HTMLInputElement>('price-output').value,
  };
  const check = checkPrice(draft);
  if (!check.ok) {
    showPriceError(check.message, check.field);
    el(inputs[check.field]).focus();
    return;
  }
  showPriceError(undefined);
  el('price-status').textContent = 'Saving the price…';
  const price = { inputPerMTok: check.inputPerMTok, outputPerMTok: check.outputPerMTok };
  ctx.send({ type: 'setPrice', requestId: ctx.start(), provider: provider.id, model: check.model, price });
}

function priceRow(p: PriceEntry): HTMLLIElement {
  const li = document.createElement('li');
  li.dataset.model = p.model;
  const source = p.source === 'user' ? 'yours' : 'built in';
  li.append(`${p.model}: ${describePrice(p)} (${source})`);
  if (p.source === 'user' && ctx) {
    const reset = document.createElement('button');
    reset.type = 'button';
    reset.className = 'secondary';
    reset.textContent = 'Use built-in';
    reset.setAttribute('aria-label', `Drop your price of ${p.model} and use the built-in one`);
    reset.addEventListener('click', () => {
      el('price-status').textContent = 'Dropping your price…';
      ctx!.send({ type: 'setPrice', requestId: ctx!.start(), provider: p.provider, model: p.model, price: null });
    });
    li.append(reset);
  }
  return li;
}
