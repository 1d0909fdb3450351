/**
 * Which environment variables make which connection: the one set of rules behind the CLI's
 * `import-env` and the extension's "Import from Environment". Pure (no `node:*`, no `vscode`).
 *
 * Values are checked with the schemas of `connections/create`, so a value the daemon would refuse is
 * reported here — naming its variable and where it was found — and only that connection is left
 * out; the others are still offered.
 */
import type { z } from 'zod';
import { CreateConnectionParams } from '../protocol/connections';

/** Variables from one place: the process environment or one `.env` file. */
export interface EnvSource {
  /** Shown to the user: `environment`, `.env`, `backend/.env`, `/home/me/app/.env`, … */
  label: string;
  vars: Readonly<Record<string, string | undefined>>;
}

/** What detection is given: the process environment and the `.env` files read besides it. */
export interface EnvSources {
  environment: EnvSource;
  files: readonly EnvSource[];
}

/** The catalog data detection needs (a subset of the protocol's `Provider`). */
export interface ProviderHint {
  id: string;
  name: string;
  /** The variable this provider's key is usually found in, e.g. `OPENAI_API_KEY`. */
  envVar?: string;
}

/** The connection settings a variable can fill, by protocol field name. */
export type ImportField = 'baseUrl' | 'defaultModel' | 'organization' | 'apiVersion' | 'apiKey';

/** A connection that could be created from what was found. */
export interface EnvCandidate {
  /** A suggested name, unique among the candidates and the existing connections. */
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
  /** Where the key was found (a source label), e.g. `environment` or `.env`. */
  keyFrom?: string;
  /** Which variable filled each field, so an error about a field can name the variable. */
  fields: Partial<Record<ImportField, string>>;
  /** Every variable that contributed, in the order they were read. */
  variables: string[];
  /** Where they were found (`environment`, `.env`, or several joined by `, `). */
  source: string;
}

/** A variable that was found but makes no connection, and why. Never holds a value. */
export interface EnvProblem {
  variable: string;
  /** Where it was found (a source label, with `:line` for a `.env` line when known). */
  source: string;
  message: string;
}

export interface Detection {
  candidates: EnvCandidate[];
  problems: EnvProblem[];
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
  [/(^|\.)cohere\.(ai|com)$/, 'cohere'],
];

/** Which provider a base URL (and, failing that, a key) most likely belongs to; `custom` otherwise. */
export function guessProvider(
  baseUrl: string | undefined,
  apiKey: string | undefined,
  known: ReadonlySet<string>,
): string {
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
      // Not a URL: checked (and reported) before this is called.
    }
    return 'custom';
  }
  if (apiKey) for (const [prefix, id] of KEY_PREFIXES) if (apiKey.startsWith(prefix) && pick(id)) return id;
  return 'custom';
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host === '::1';
}

/** `OLLAMA_HOST` (`0.0.0.0`, `:11434`, `localhost:8080`, `http://host:port`) → the OpenAI-compatible base URL. */
export function ollamaBaseUrl(host: string): string | undefined {
  let h = host.trim();
  if (!h) return undefined;
  if (h.startsWith(':')) h = `127.0.0.1${h}`;
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(h);
  try {
    const url = new URL(hasScheme ? h : `http://${h}`);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    // The server listens on every interface; a client reaches it on loopback.
    if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
    if (url.hostname === '[::]') url.hostname = '[::1]';
    if (!url.port && !/:\d+$/.test(h.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, ''))) url.port = '11434';
    return `${url.origin}/v1`;
  } catch {
    return undefined;
  }
}

/** A variable's value and where it was found. */
interface Found {
  value: string;
  from: string;
}

type Draft = Omit<EnvCandidate, 'name' | 'source'> & { from: string[] };

/** One place's view of the variables: a file's own, else the environment's (as a tool run beside it sees them). */
type View = (name: string) => Found | undefined;

function viewOf(primary: EnvSource, fallback?: EnvSource): View {
  const read = (source: EnvSource, name: string): Found | undefined => {
    const v = source.vars[name]?.trim();
    return v ? { value: v, from: source.label } : undefined;
  };
  return (name) => read(primary, name) ?? (fallback ? read(fallback, name) : undefined);
}

/** The first zod message for `value`, or undefined when the schema accepts it. */
function refusal(schema: z.ZodType, value: string): string | undefined {
  const r = schema.safeParse(value);
  return r.success ? undefined : (r.error.issues[0]?.message ?? 'is not valid');
}

/** Each field's check, exactly as `connections/create` applies it. */
const FIELD_SCHEMAS: Record<ImportField, z.ZodType> = {
  baseUrl: CreateConnectionParams.shape.baseUrl,
  defaultModel: CreateConnectionParams.shape.defaultModel,
  organization: CreateConnectionParams.shape.organization,
  apiVersion: CreateConnectionParams.shape.apiVersion,
  apiKey: CreateConnectionParams.shape.apiKey,
};
const BaseUrl = FIELD_SCHEMAS.baseUrl;

/** Builds one draft, checking each value; a value the daemon would refuse makes a problem instead. */
class DraftBuilder {
  readonly draft: Draft;
  problem: EnvProblem | undefined;

  constructor(
    private readonly get: View,
    provider: string,
  ) {
    this.draft = { provider, fields: {}, variables: [], from: [] };
  }

  /** Takes the first of `names` that is set into `field`; returns its value. */
  take(field: ImportField, ...names: string[]): string | undefined {
    for (const name of names) {
      const found = this.get(name);
      if (!found) continue;
      const value = field === 'baseUrl' ? found.value.replace(/\/+$/, '') : found.value;
      const why = refusal(FIELD_SCHEMAS[field], value);
      if (why) {
        this.problem ??= {
          variable: name,
          source: found.from,
          message: `${field === 'apiKey' ? 'the key' : 'the value'} ${why}`,
        };
        return undefined;
      }
      if (field === 'apiKey') {
        this.draft.keyVariable = name;
        this.draft.keyFrom = found.from;
      }
      this.draft[field] = value;
      this.draft.fields[field] = name;
      this.draft.variables.push(name);
      if (!this.draft.from.includes(found.from)) this.draft.from.push(found.from);
      return value;
    }
    return undefined;
  }
}

/** The drafts one view describes, and the problems met on the way. */
function draftsFrom(get: View, providers: readonly ProviderHint[]): { drafts: Draft[]; problems: EnvProblem[] } {
  const known = new Set(providers.map((p) => p.id));
  const drafts: Draft[] = [];
  const problems: EnvProblem[] = [];
  const finish = (b: DraftBuilder) => {
    if (b.problem) problems.push({ ...b.problem, message: `${b.problem.message}; that connection was not imported` });
    else drafts.push(b.draft);
  };

  // The generic trio: LLM_BASE_URL / LLM_API_KEY / LLM_MODEL describe one connection.
  const llmUrl = get('LLM_BASE_URL');
  const llmKey = get('LLM_API_KEY');
  if (llmUrl || llmKey) {
    // The provider is guessed from the URL (else the key) before the values are checked.
    const b = new DraftBuilder(
      get,
      guessProvider(
        llmUrl && refusal(BaseUrl, llmUrl.value) === undefined ? llmUrl.value : undefined,
        llmKey?.value,
        known,
      ),
    );
    b.take('baseUrl', 'LLM_BASE_URL');
    b.take('apiKey', 'LLM_API_KEY');
    b.take('defaultModel', 'LLM_MODEL');
    finish(b);
  } else {
    const model = get('LLM_MODEL');
    if (model)
      problems.push({
        variable: 'LLM_MODEL',
        source: model.from,
        message: 'is set without LLM_BASE_URL or LLM_API_KEY, so it belongs to no connection',
      });
  }

  const keyVarsUsed = new Set<string>();
  for (const p of providers) {
    const keyVars = p.envVar ? [p.envVar] : [];
    if (p.id === 'gemini') keyVars.push('GOOGLE_API_KEY');
    if (p.id === 'cohere') keyVars.push('COHERE_API_KEY');
    const keyVar = keyVars.find((n) => get(n) !== undefined && !keyVarsUsed.has(n));
    if (!keyVar) continue;
    keyVarsUsed.add(keyVar);
    const b = new DraftBuilder(get, p.id);
    b.take('apiKey', keyVar);
    if (p.id === 'azure-openai') {
      if (!b.take('baseUrl', 'AZURE_OPENAI_ENDPOINT', 'AZURE_OPENAI_BASE_URL') && !b.problem) {
        b.problem = {
          variable: keyVar,
          source: get(keyVar)!.from,
          message:
            'has no AZURE_OPENAI_ENDPOINT beside it (Azure needs the resource endpoint, e.g. https://NAME.openai.azure.com)',
        };
      }
      b.take('defaultModel', 'AZURE_OPENAI_DEPLOYMENT', 'AZURE_OPENAI_DEPLOYMENT_NAME', 'AZURE_OPENAI_MODEL');
      b.take('apiVersion', 'AZURE_OPENAI_API_VERSION', 'OPENAI_API_VERSION');
    } else {
      const prefix = keyVar.replace(/_API_KEY$/, '');
      if (p.id === 'openai') b.take('baseUrl', 'OPENAI_BASE_URL', 'OPENAI_API_BASE');
      else b.take('baseUrl', `${prefix}_BASE_URL`);
      b.take('defaultModel', `${prefix}_MODEL`);
      if (p.id === 'openai') b.take('organization', 'OPENAI_ORG_ID', 'OPENAI_ORGANIZATION');
    }
    finish(b);
  }

  const ollamaHost = get('OLLAMA_HOST');
  if (ollamaHost && known.has('ollama')) {
    const baseUrl = ollamaBaseUrl(ollamaHost.value);
    if (baseUrl && refusal(BaseUrl, baseUrl) === undefined) {
      drafts.push({
        provider: 'ollama',
        baseUrl,
        fields: { baseUrl: 'OLLAMA_HOST' },
        variables: ['OLLAMA_HOST'],
        from: [ollamaHost.from],
      });
    } else {
      problems.push({
        variable: 'OLLAMA_HOST',
        source: ollamaHost.from,
        message: 'is not a host[:port] or an http(s) URL; that connection was not imported',
      });
    }
  }
  return { drafts, problems };
}

/** Two drafts describe the same connection when every setting and the key agree. */
function sameDraft(a: Draft, b: Draft): boolean {
  return (
    a.provider === b.provider &&
    a.baseUrl === b.baseUrl &&
    a.defaultModel === b.defaultModel &&
    a.apiKey === b.apiKey &&
    a.organization === b.organization &&
    a.apiVersion === b.apiVersion
  );
}

/**
 * Every connection the sources describe, and every variable that makes none (with why).
 *
 * The environment is read alone, then each `.env` file with the environment filling the variables
 * the file does not set (so `AZURE_OPENAI_API_KEY` exported in the shell and `AZURE_OPENAI_ENDPOINT`
 * in `.env` make one connection). The same settings found through several sources appear once, their
 * sources joined; different settings for one provider appear once per source. Names are unique among
 * themselves and against `existingNames`.
 */
export function detectConnections(
  sources: EnvSources,
  providers: readonly ProviderHint[],
  existingNames: Iterable<string> = [],
): Detection {
  const found: Draft[] = [];
  const problems: EnvProblem[] = [];
  const views: View[] = [viewOf(sources.environment), ...sources.files.map((f) => viewOf(f, sources.environment))];
  for (const view of views) {
    const result = draftsFrom(view, providers);
    for (const draft of result.drafts) {
      const same = found.find((f) => sameDraft(f, draft));
      if (!same) found.push(draft);
      else for (const from of draft.from) if (!same.from.includes(from)) same.from.push(from);
    }
    for (const p of result.problems)
      if (!problems.some((q) => q.variable === p.variable && q.source === p.source && q.message === p.message))
        problems.push(p);
  }
  const names = new Map(providers.map((p) => [p.id, p.name]));
  const perProvider = new Map<string, number>();
  for (const f of found) perProvider.set(f.provider, (perProvider.get(f.provider) ?? 0) + 1);
  const taken = [...existingNames];
  const candidates = found.map(({ from, ...draft }) => {
    const source = from.join(', ');
    const base = names.get(draft.provider) ?? draft.provider;
    const name = uniqueName((perProvider.get(draft.provider) ?? 0) > 1 ? `${base} (${source})` : base, taken);
    taken.push(name);
    return { name, ...draft, source };
  });
  return { candidates, problems };
}

/** The variable names detection looks at, for the "nothing found" message. */
export function watchedVariables(providers: readonly ProviderHint[]): string[] {
  const names = ['LLM_BASE_URL', 'LLM_API_KEY', 'LLM_MODEL'];
  for (const p of providers) if (p.envVar) names.push(p.envVar);
  names.push('GOOGLE_API_KEY', 'AZURE_OPENAI_ENDPOINT', 'OLLAMA_HOST');
  return [...new Set(names)];
}

/** The variable that filled a protocol field (e.g. `baseUrl` of a daemon VALIDATION error), if any. */
export function variableForField(candidate: EnvCandidate, field: string | undefined): string | undefined {
  if (!field) return undefined;
  const top = field.split('.')[0] as ImportField;
  return candidate.fields[top];
}
