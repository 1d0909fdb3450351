/**
 * The "Custom provider…" form of the connection manager, its pure half: what the form holds, the
 * checks it makes before a round trip (the shared rules the daemon and the CLI use, in their words),
 * the id a new provider gets from its name, and what `providers/upsert` is sent. Unit-tested.
 */
import type { Provider } from '../../../shared/protocol';
import type { ManagerProviderInput } from '../../../shared/webview';
import { authHeaderNameProblem, authPrefixProblem } from '../../../shared/rules/providerFields';

/** The provider list's last entry: it opens the form instead of choosing a provider. */
export const CUSTOM_PROVIDER_OPTION = '__custom__';

export interface CustomProviderValues {
  name: string;
  baseUrl: string;
  format: 'openai' | 'anthropic';
  /** Empty: the format's own header (Authorization: Bearer, or x-api-key). */
  authHeader: string;
  authPrefix: string;
}

export type CustomProviderField = keyof CustomProviderValues;

export const EMPTY_CUSTOM_PROVIDER: CustomProviderValues = {
  name: '',
  baseUrl: '',
  format: 'openai',
  authHeader: '',
  authPrefix: '',
};

/**
 * A provider id from its name, numbered past the ids taken: `Acme Gateway` → `acme-gateway`,
 * then `acme-gateway-2`. Falls back to `custom` for a name with no letter or digit.
 */
export function providerIdFor(name: string, taken: readonly string[]): string {
  const slug =
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[^a-z0-9]+|[-._]+$/g, '')
      .slice(0, 56) || 'custom';
  const used = new Set(taken);
  if (!used.has(slug)) return slug;
  for (let n = 2; ; n++) if (!used.has(`${slug}-${n}`)) return `${slug}-${n}`;
}

/** What is wrong with each field, in the words the daemon would use; empty when the form can be saved. */
export function checkCustomProvider(v: CustomProviderValues): Partial<Record<CustomProviderField, string>> {
  const errors: Partial<Record<CustomProviderField, string>> = {};
  if (v.name.trim() === '') errors.name = 'Give the provider a name, e.g. Acme Gateway.';
  else if (v.name.trim().length > 100) errors.name = 'The name must be at most 100 characters.';
  const url = urlProblem(v.baseUrl.trim());
  if (url) errors.baseUrl = url;
  const header = v.authHeader.trim();
  const prefix = v.authPrefix.trim();
  if (header !== '') {
    const problem = authHeaderNameProblem(header);
    if (problem) errors.authHeader = `${capitalize(problem)}.`;
  }
  if (prefix !== '') {
    const problem = authPrefixProblem(prefix);
    if (problem) errors.authPrefix = `The prefix ${problem}.`;
    else if (header === '') errors.authPrefix = 'A prefix goes before the key in a header: name the header too.';
  }
  return errors;
}

function urlProblem(url: string): string | undefined {
  if (url === '') return 'Give the base URL the server answers at, e.g. https://llm.example.com/v1.';
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      return 'The base URL must start with https:// (or http:// for a local server).';
    if (u.username || u.password) return 'Leave credentials out of the URL: the key goes in the connection.';
  } catch {
    return 'The base URL is not a valid URL: it should look like https://llm.example.com/v1.';
  }
  return undefined;
}

/** What the form saves through `providers/upsert`: a new id from the name, the key header when named. */
export function toProviderInput(v: CustomProviderValues, providers: readonly Provider[]): ManagerProviderInput {
  const id = providerIdFor(
    v.name.trim(),
    providers.map((p) => p.id),
  );
  const header = v.authHeader.trim();
  const prefix = v.authPrefix.trim();
  return {
    id,
    name: v.name.trim(),
    adapter: v.format,
    defaultBaseUrl: v.baseUrl.trim(),
    requiresKey: true,
    ...(header !== '' && { authHeader: { name: header, ...(prefix !== '' && { prefix }) } }),
  };
}

/** The line under the header fields: how the key will be sent, e.g. `api-key: Token <key>`. */
export function keyHeaderPreview(v: Pick<CustomProviderValues, 'format' | 'authHeader' | 'authPrefix'>): string {
  const header = v.authHeader.trim();
  const prefix = v.authPrefix.trim();
  if (header === '') return v.format === 'anthropic' ? 'x-api-key: <key>' : 'Authorization: Bearer <key>';
  return `${header}: ${prefix !== '' ? `${prefix} ` : ''}<key>`;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
