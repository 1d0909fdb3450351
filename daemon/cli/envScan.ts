/**
 * Finds connections in environment variables and a `.env` file, for `switchboard import-env`.
 * Provider keys are mapped through the catalog's `envVar` fields (`providers/list`), so a provider
 * added to the catalog is found without code here; a few variables need more than a key
 * (`LLM_BASE_URL`, `AZURE_OPENAI_ENDPOINT`, `OLLAMA_HOST`) and are handled by name.
 */
import type { Provider } from '../../shared/protocol';

/** Where a value was found: this process's environment, or the `.env` file. */
export type Origin = 'env' | '.env';

export interface Found {
  value: string;
  from: Origin;
}

/** A connection that could be created from what was found. Holds the key in memory only. */
export interface Candidate {
  name: string;
  provider: Provider;
  baseUrl?: string;
  defaultModel?: string;
  /** The variable the key came from, and the key. */
  keyVar?: string;
  key?: Found;
  /** The variables this candidate was built from, for display. */
  variables: string[];
  /** Where its main variable (the key, or the endpoint when there is no key) was found. */
  origin: Origin;
}

export interface Scan {
  candidates: Candidate[];
  /** Variables found but not usable, with why. */
  ignored: Array<{ variable: string; reason: string }>;
}

/** Used only when the catalog gives a built-in provider no `envVar` (an older daemon). */
const FALLBACK_ENV_VARS: Record<string, string> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  gemini: 'GEMINI_API_KEY',
  groq: 'GROQ_API_KEY',
  mistral: 'MISTRAL_API_KEY',
  deepseek: 'DEEPSEEK_API_KEY',
  xai: 'XAI_API_KEY',
  openrouter: 'OPENROUTER_API_KEY',
  together: 'TOGETHER_API_KEY',
  fireworks: 'FIREWORKS_API_KEY',
  cerebras: 'CEREBRAS_API_KEY',
  'azure-openai': 'AZURE_OPENAI_API_KEY',
};

/** Process environment first (it wins over `.env`, as with dotenv), empty values ignored. */
export function lookup(env: NodeJS.ProcessEnv, dotenv: Record<string, string>): (name: string) => Found | undefined {
  return (name) => {
    const fromEnv = env[name]?.trim();
    if (fromEnv) return { value: fromEnv, from: 'env' };
    const fromFile = dotenv[name]?.trim();
    return fromFile ? { value: fromFile, from: '.env' } : undefined;
  };
}

export function scanEnvironment(providers: Provider[], env: NodeJS.ProcessEnv, dotenv: Record<string, string>): Scan {
  const get = lookup(env, dotenv);
  const candidates: Candidate[] = [];
  const ignored: Scan['ignored'] = [];
  const byId = new Map(providers.map((p) => [p.id, p]));

  // A generic OpenAI-compatible endpoint: LLM_BASE_URL (+ LLM_API_KEY, LLM_MODEL).
  const llmUrl = get('LLM_BASE_URL');
  const llmKey = get('LLM_API_KEY');
  const llmModel = get('LLM_MODEL');
  if (llmUrl) {
    const url = llmUrl.value.replace(/\/+$/, '');
    const provider = providers.find((p) => p.defaultBaseUrl.replace(/\/+$/, '') === url) ?? byId.get('custom');
    if (provider) {
      candidates.push({
        name: 'LLM (env)',
        provider,
        baseUrl: url,
        ...(llmModel && { defaultModel: llmModel.value }),
        ...(llmKey && { keyVar: 'LLM_API_KEY', key: llmKey }),
        variables: ['LLM_BASE_URL', ...(llmKey ? ['LLM_API_KEY'] : []), ...(llmModel ? ['LLM_MODEL'] : [])],
        origin: llmKey?.from ?? llmUrl.from,
      });
    }
  } else if (llmKey || llmModel) {
    ignored.push({ variable: llmKey ? 'LLM_API_KEY' : 'LLM_MODEL', reason: 'LLM_BASE_URL is not set, so the endpoint is unknown' });
  }

  for (const provider of providers) {
    const envVar = provider.envVar ?? (provider.builtIn ? FALLBACK_ENV_VARS[provider.id] : undefined);
    if (!envVar) continue;
    const key = get(envVar);
    if (!key) continue;
    const candidate: Candidate = { name: `${provider.name} (env)`, provider, keyVar: envVar, key, variables: [envVar], origin: key.from };
    if (provider.azure) {
      const endpoint = get('AZURE_OPENAI_ENDPOINT');
      if (!endpoint) {
        ignored.push({ variable: envVar, reason: 'AZURE_OPENAI_ENDPOINT is not set (Azure needs the resource endpoint)' });
        continue;
      }
      candidate.baseUrl = endpoint.value.replace(/\/+$/, '');
      candidate.variables.push('AZURE_OPENAI_ENDPOINT');
      const deployment = get('AZURE_OPENAI_DEPLOYMENT');
      if (deployment) candidate.defaultModel = deployment.value;
    }
    candidates.push(candidate);
  }

  const ollamaHost = get('OLLAMA_HOST');
  const ollama = byId.get('ollama');
  if (ollamaHost && ollama) {
    const baseUrl = ollamaBaseUrl(ollamaHost.value);
    if (baseUrl) candidates.push({ name: 'Ollama (env)', provider: ollama, baseUrl, variables: ['OLLAMA_HOST'], origin: ollamaHost.from });
    else ignored.push({ variable: 'OLLAMA_HOST', reason: `"${ollamaHost.value.slice(0, 60)}" is not a host[:port] or URL` });
  }
  return { candidates, ignored };
}

/** `OLLAMA_HOST` (`0.0.0.0`, `localhost:11434`, `http://host:port`) → the OpenAI-compatible base URL. */
export function ollamaBaseUrl(host: string): string | undefined {
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(host) ? host : `http://${host}`);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    // The server listens on every interface; a client reaches it on loopback.
    if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
    if (url.hostname === '[::]') url.hostname = '[::1]';
    if (!url.port && !/:\d+/.test(host.replace(/^[a-z]+:\/\//i, ''))) url.port = '11434';
    return `${url.origin}/v1`;
  } catch {
    return undefined;
  }
}
