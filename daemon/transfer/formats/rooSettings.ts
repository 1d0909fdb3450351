/**
 * Roo Code's "Export settings" file — also Kilo Code's and Zoo Code's, which share its format:
 * `{providerProfiles: {currentApiConfigName, apiConfigs: {<profile name>: {apiProvider, …}}}, globalSettings}`.
 * Each profile becomes a connection. Their exports hold keys in plain text (`openAiApiKey`, …):
 * those are never read; the connection needs its key again, and a note says so.
 */
import type { ImportSource } from '../source';
import { objectOf, textOf } from '../source';
import { connectionFromEntry } from './toolEntry';

/** Per `apiProvider`: the fields holding the base URL and the model id. */
const FIELDS: Record<string, { base?: string; model: string }> = {
  anthropic: { base: 'anthropicBaseUrl', model: 'apiModelId' },
  openai: { base: 'openAiBaseUrl', model: 'openAiModelId' },
  'openai-native': { base: 'openAiNativeBaseUrl', model: 'apiModelId' },
  openrouter: { base: 'openRouterBaseUrl', model: 'openRouterModelId' },
  ollama: { base: 'ollamaBaseUrl', model: 'ollamaModelId' },
  lmstudio: { base: 'lmStudioBaseUrl', model: 'lmStudioModelId' },
  gemini: { base: 'googleGeminiBaseUrl', model: 'apiModelId' },
  deepseek: { base: 'deepSeekBaseUrl', model: 'apiModelId' },
  mistral: { base: 'mistralCodestralUrl', model: 'apiModelId' },
  groq: { model: 'apiModelId' },
  xai: { model: 'apiModelId' },
  cerebras: { model: 'apiModelId' },
  fireworks: { model: 'apiModelId' },
};

export function readRoo(doc: Record<string, unknown>): ImportSource {
  const notes: string[] = [];
  const configs = objectOf(objectOf(doc.providerProfiles)?.apiConfigs) ?? {};
  const connections = Object.entries(configs).map(([profile, raw]) => {
    const cfg = objectOf(raw);
    if (!cfg) return raw;
    const apiProvider = textOf(cfg.apiProvider) ?? 'anthropic';
    const fields = FIELDS[apiProvider] ?? { model: 'apiModelId' };
    // "openai" in Roo is any OpenAI-compatible server: OpenAI's own only when its base URL says so.
    const base = fields.base ? textOf(cfg[fields.base]) : undefined;
    const provider =
      apiProvider === 'openai' && base && !/^https:\/\/api\.openai\.com/.test(base) ? 'openai-compatible' : apiProvider;
    const keyField = Object.keys(cfg).find((k) => /ApiKey$/.test(k) && textOf(cfg[k]) !== undefined);
    return connectionFromEntry(
      {
        at: `apiConfigs["${profile}"]`,
        name: profile,
        provider,
        baseUrl: base,
        model: textOf(cfg[fields.model]),
        apiKey: keyField ? cfg[keyField] : undefined,
      },
      notes,
    );
  });
  return { format: 'roo', connections, providers: [], prices: [], notes };
}
