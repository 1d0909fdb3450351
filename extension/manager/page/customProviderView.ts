/**
 * The "Custom provider…" form of the connection manager page: picked from the provider list, it
 * opens under it (name, base URL, format, the key's header and prefix), checks itself with the rules
 * the daemon uses, saves through the host (`saveProvider` → `providers/upsert`), and on `providerSaved`
 * puts the new provider in the list and selects it, as if the person had picked it.
 */
import type { Provider } from '../../../shared/protocol';
import type { ManagerToHost } from '../../../shared/webview';
import {
  checkCustomProvider,
  CUSTOM_PROVIDER_OPTION,
  EMPTY_CUSTOM_PROVIDER,
  keyHeaderPreview,
  toProviderInput,
  type CustomProviderField,
  type CustomProviderValues,
} from './customProvider';
import { el, fillProviders } from './view';

interface CustomProviderContext {
  send(message: ManagerToHost): void;
  /** Starts a request of kind `provider` (disables "Save provider" while it runs); returns its id. */
  start(): number;
  providers(): Provider[];
  /** The provider the list showed before "Custom provider…" was picked (it goes back to it). */
  currentProvider(): string;
}

const FIELDS: Record<CustomProviderField, string> = {
  name: 'cp-name',
  baseUrl: 'cp-baseUrl',
  format: 'cp-format',
  authHeader: 'cp-authHeader',
  authPrefix: 'cp-authPrefix',
};

let ctx: CustomProviderContext | undefined;

/** Wires the form once. */
export function wireCustomProvider(context: CustomProviderContext): void {
  ctx = context;
  const select = el<HTMLSelectElement>('provider');
  select.addEventListener('change', () => {
    if (select.value !== CUSTOM_PROVIDER_OPTION) return;
    // The list keeps showing a real provider; the form says what is being added.
    select.value = ctx!.currentProvider();
    openCustomProvider();
  });
  const section = el('custom-provider');
  section.addEventListener('input', showPreview);
  // Enter in one of these fields saves the provider, not the connection around it.
  section.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || (event.target as HTMLElement).tagName !== 'INPUT') return;
    event.preventDefault();
    saveCustomProvider();
  });
  el('cp-save').addEventListener('click', saveCustomProvider);
  el('cp-cancel').addEventListener('click', () => {
    closeCustomProvider();
    el('provider').focus();
  });
}

/** Shows the form, empty, with the focus in its first field. */
export function openCustomProvider(): void {
  writeValues(EMPTY_CUSTOM_PROVIDER);
  showErrors({});
  el('custom-provider').hidden = false;
  showPreview();
  el<HTMLInputElement>('cp-name').focus();
}

export function closeCustomProvider(): void {
  el('custom-provider').hidden = true;
  showErrors({});
}

/** A save the daemon refused: its message (and hint) under the form. */
export function showCustomProviderError(text: string): void {
  const line = el('cp-error');
  line.textContent = text;
  line.hidden = false;
}

/**
 * The daemon saved the provider: the list gets it, and it is selected through the list's own
 * `change` event (base URL, name and key hints follow, as for any provider the person picks).
 */
export function customProviderSaved(provider: Provider, providers: Provider[]): void {
  closeCustomProvider();
  fillProviders(providers);
  const select = el<HTMLSelectElement>('provider');
  select.value = provider.id;
  select.dispatchEvent(new Event('change', { bubbles: true }));
  select.focus();
}

function saveCustomProvider(): void {
  if (!ctx) return;
  const values = readValues();
  const errors = checkCustomProvider(values);
  showErrors(errors);
  const first = (Object.keys(FIELDS) as CustomProviderField[]).find((f) => errors[f] !== undefined);
  if (first) return el(FIELDS[first]).focus();
  const provider = toProviderInput(values, ctx.providers());
  ctx.send({ type: 'saveProvider', requestId: ctx.start(), provider });
}

function readValues(): CustomProviderValues {
  const text = (f: CustomProviderField) => el<HTMLInputElement>(FIELDS[f]).value;
  return {
    name: text('name'),
    baseUrl: text('baseUrl'),
    format: text('format') === 'anthropic' ? 'anthropic' : 'openai',
    authHeader: text('authHeader'),
    authPrefix: text('authPrefix'),
  };
}

function writeValues(v: CustomProviderValues): void {
  for (const f of Object.keys(FIELDS) as CustomProviderField[]) el<HTMLInputElement>(FIELDS[f]).value = v[f];
}

function showErrors(errors: Partial<Record<CustomProviderField, string>>): void {
  for (const f of Object.keys(FIELDS) as CustomProviderField[]) {
    const line = el(`${FIELDS[f]}-error`);
    line.textContent = errors[f] ?? '';
    line.hidden = errors[f] === undefined;
    el(FIELDS[f]).setAttribute('aria-invalid', String(errors[f] !== undefined));
  }
  el('cp-error').hidden = true;
}

function showPreview(): void {
  el('cp-preview').textContent = `The key will be sent as ${keyHeaderPreview(readValues())}`;
}
