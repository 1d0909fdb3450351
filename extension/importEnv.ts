/**
 * "Import from Environment": finds LLM settings in environment variables and `.env` files and turns
 * them into connection drafts. Pure (no `vscode`), so every rule is unit-tested; the command that
 * shows the drafts and creates the ticked ones lives in `commands/importCommands.ts`.
 */
import { isUsableBaseUrl } from '../shared/protocol/fields';

/** Variables from one place: the process environment or one `.env` file. */
export interface EnvSource {
  /** Shown to the user: `environment`, `.env`, `backend/.env`, … */
  label: string;
  vars: Readonly<Record<string, string | undefined>>;
}

/** The catalog data detection needs (a subset of the protocol's `Provider`). */
export interface ProviderHint {
  id: string;
  name: string;
  /** The variable this provider's key is usually found in, e.g. `OPENAI_API_KEY`. */
  envVar?: string;
  requiresKey: boolean;
}

/** A connection that could be created from what was found. */
export interface EnvCandidate {
  /** A suggested unique name. */
  name: string;
  provider: string;
  baseUrl?: string;
  defaultModel?: string;
  organization?: string;
  apiVersion?: string;
  /** The key, when one was found. Never shown: use `keyHint` / `keyFingerprint` from shared/client/keyMask. */
  apiKey?: string;
  /** The variable the key came from, e.g. `OPENAI_API_KEY`. */
  keyVariable?: string;
  /** Every variable that contributed, in the order they were read. */
  variables: string[];
  /** Where they were found (`environment`, `.env`, or both joined by `, `). */
  source: string;
}

/** `base`, or `base 2`, `base 3`, … — the first not in `taken` (compared case-insensitively, like the daemon). */
export function uniqueName(base: string, taken: Iterable<string>): string {
  const used = new Set([...taken].map((n) => n.toLocaleLowerCase()));
  if (!used.has(base.toLocaleLowerCase())) return base;
  for (let n = 2; ; n++) {
    const name = `${base} ${n}`;
    if (!used.has(name.toLocaleLowerCase())) return name;
  }
}

/** Key prefixes that identify a provider, most specific first. */
const KEY_PREFIXES: ReadonlyArray<[prefix: string, provider: string]> = [
  ['sk-ant-', 'anthropic'],
  ['sk-or-', 'openrouter'],
  ['gsk_', 'groq'],
  ['xai-', 'xai'],
  ['AIza', 'gemini'],
  ['fw_', 'fireworks'],
  ['csk-', 'cerebras'],
  ['sk-', 'openai'],
];

/** Hosts that identify a provider in a base URL. */
const HOSTS: ReadonlyArray<[pattern: RegExp, provider: string]> = [
  [/(^|\.)api\.openai\.com$/, 'openai'],
  [/(^|\.)anthropic\.com$/, 'anthropic'],
  [/\.openai\.azure\.com$/, 'azure-openai'],
  [/(^|\.)generativelanguage\.googleapis\.com$/, 'gemini'],
  [/(^|\.)groq\.com$/, 'groq'],
  [/(^|\.)mistral\.ai$/, 'mistral'],
  [/(^|\.)deepseek\.com$/, 'deepseek'],
  [/(^|\.)x\.ai$/, 'xai'],
  [/(^|\.)openrouter\.ai$/, 'openrouter'],
  [/(^|\.)together\.(xyz|ai)$/, 'together'],
  [/(^|\.)fireworks\.ai$/, 'fireworks'],
  [/(^|\.)cerebras\.ai$/, 'cerebras'],
];

/** Which provider a base URL (and, failing that, a key) most likely belongs to; `custom` otherwise. */
export function guessProvider(baseUrl: string | undefined, apiKey: string | undefined, known: ReadonlySet<string>): string {
  const pick = (id: string): string | undefined => (known.has(id) ? id : undefined);
  if (baseUrl) {
    try {
      const url = new URL(baseUrl);
      for (const [pattern, id] of HOSTS) if (pattern.test(url.hostname) && pick(id)) return id;
      if (isLoopback(url.hostname)) {
        if (url.port === '11434' && pick('ollama')) return 'ollama';
        if (url.port === '1234' && pick('lmstudio')) return 'lmstudio';
      }
    } catch {
      // Not a URL: the caller drops the base URL; fall through to the key.
    }
    return pick('custom') ?? 'custom';
  }
  if (apiKey) for (const [prefix, id] of KEY_PREFIXES) if (apiKey.startsWith(prefix) && pick(id)) return id;
  return pick('custom') ?? 'custom';
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host === '::1';
}

/** A base URL the daemon accepts (shared/protocol/fields.ts), or undefined. */
function httpUrl(value: string | undefined): string | undefined {
  return value && isUsableBaseUrl(value) ? value : undefined;
}

/** A key as the daemon accepts it (non-empty, no whitespace), or undefined. */
function usableKey(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v && !/\s/.test(v) && v.length <= 4096 ? v : undefined;
}

/** `OLLAMA_HOST` is `host:port`, `:port`, or a URL; the OpenAI-compatible API is under `/v1`. */
function ollamaUrl(host: string): string | undefined {
  let h = host.trim();
  if (!h) return undefined;
  if (h.startsWith(':')) h = `127.0.0.1${h}`;
  if (!/^https?:\/\//.test(h)) h = `http://${h}`;
  try {
    const url = new URL(h);
    // 0.0.0.0 is where a server listens, not an address to call.
    if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
    if (!url.port && url.protocol === 'http:') url.port = '11434';
    return `${url.origin}/v1`;
  } catch {
    return undefined;
  }
}

type Draft = Omit<EnvCandidate, 'name' | 'source'>;

/** Extra variables by provider: base URL / model / organization / api-version overrides. */
function draftsFrom(vars: EnvSource['vars'], providers: readonly ProviderHint[]): Draft[] {
  const get = (name: string): string | undefined => {
    const v = vars[name]?.trim();
    return v ? v : undefined;
  };
  const known = new Set(providers.map((p) => p.id));
  const drafts: Draft[] = [];
  const keyVarsUsed = new Set<string>();

  // The generic trio first: LLM_BASE_URL / LLM_API_KEY / LLM_MODEL describe one connection.
  const llmUrl = get('LLM_BASE_URL');
  const llmKey = usableKey(get('LLM_API_KEY'));
  if (llmUrl || llmKey) {
    const baseUrl = httpUrl(llmUrl);
    const provider = guessProvider(baseUrl, llmKey, known);
    drafts.push(
      compact({
        provider,
        baseUrl,
        defaultModel: get('LLM_MODEL'),
        apiKey: llmKey,
        keyVariable: llmKey ? 'LLM_API_KEY' : undefined,
        variables: ['LLM_BASE_URL', 'LLM_API_KEY', 'LLM_MODEL'].filter((n) => get(n) !== undefined),
      }),
    );
  }

  for (const p of providers) {
    const keyVars = p.envVar ? [p.envVar] : [];
    if (p.id === 'gemini') keyVars.push('GOOGLE_API_KEY');
    const keyVar = keyVars.find((n) => usableKey(get(n)) !== undefined && !keyVarsUsed.has(n));
    if (!keyVar) continue;
    keyVarsUsed.add(keyVar);
    const prefix = keyVar.replace(/_API_KEY$/, '');
    const variables = [keyVar];
    const take = (...names: string[]): string | undefined => {
      for (const n of names) {
        const v = get(n);
        if (v !== undefined) {
          variables.push(n);
          return v;
        }
      }
      return undefined;
    };
    let baseUrl: string | undefined;
    let defaultModel: string | undefined;
    let organization: string | undefined;
    let apiVersion: string | undefined;
    if (p.id === 'azure-openai') {
      baseUrl = httpUrl(take('AZURE_OPENAI_ENDPOINT', 'AZURE_OPENAI_BASE_URL'));
      defaultModel = take('AZURE_OPENAI_DEPLOYMENT', 'AZURE_OPENAI_DEPLOYMENT_NAME', 'AZURE_OPENAI_MODEL');
      apiVersion = take('AZURE_OPENAI_API_VERSION', 'OPENAI_API_VERSION');
    } else {
      baseUrl = httpUrl(p.id === 'openai' ? take('OPENAI_BASE_URL', 'OPENAI_API_BASE') : take(`${prefix}_BASE_URL`));
      defaultModel = take(`${prefix}_MODEL`);
      if (p.id === 'openai') organization = take('OPENAI_ORG_ID', 'OPENAI_ORGANIZATION');
    }
    drafts.push(compact({ provider: p.id, baseUrl, defaultModel, organization, apiVersion, apiKey: usableKey(get(keyVar)), keyVariable: keyVar, variables }));
  }

  const ollamaHost = get('OLLAMA_HOST');
  const ollama = ollamaHost && known.has('ollama') ? ollamaUrl(ollamaHost) : undefined;
  if (ollama) drafts.push({ provider: 'ollama', baseUrl: ollama, variables: ['OLLAMA_HOST'] });
  return drafts;
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Two drafts describe the same connection when every setting and the key agree. */
function sameDraft(a: Draft, b: Draft): boolean {
  return a.provider === b.provider && a.baseUrl === b.baseUrl && a.defaultModel === b.defaultModel && a.apiKey === b.apiKey && a.organization === b.organization && a.apiVersion === b.apiVersion;
}

/**
 * Every connection the sources describe, in source order. The same settings found in several
 * sources appear once (their sources joined); different settings for one provider appear once per
 * source. Names are unique among themselves and against `existingNames`.
 */
export function detectConnections(sources: readonly EnvSource[], providers: readonly ProviderHint[], existingNames: Iterable<string> = []): EnvCandidate[] {
  const found: Array<Draft & { sources: string[] }> = [];
  for (const source of sources) {
    for (const draft of draftsFrom(source.vars, providers)) {
      const same = found.find((f) => sameDraft(f, draft));
      if (same) {
        if (!same.sources.includes(source.label)) same.sources.push(source.label);
      } else {
        found.push({ ...draft, sources: [source.label] });
      }
    }
  }
  const names = new Map(providers.map((p) => [p.id, p.name]));
  const perProvider = new Map<string, number>();
  for (const f of found) perProvider.set(f.provider, (perProvider.get(f.provider) ?? 0) + 1);
  const taken = [...existingNames];
  return found.map(({ sources, ...draft }) => {
    const source = sources.join(', ');
    const base = names.get(draft.provider) ?? draft.provider;
    const name = uniqueName((perProvider.get(draft.provider) ?? 0) > 1 ? `${base} (${source})` : base, taken);
    taken.push(name);
    return { name, ...draft, source };
  });
}

/** The variable names detection looks at, for the "nothing found" message. */
export function watchedVariables(providers: readonly ProviderHint[]): string[] {
  const names = ['LLM_BASE_URL', 'LLM_API_KEY', 'LLM_MODEL'];
  for (const p of providers) if (p.envVar) names.push(p.envVar);
  names.push('GOOGLE_API_KEY', 'OLLAMA_HOST');
  return [...new Set(names)];
}
