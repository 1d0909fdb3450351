/**
 * The built-in provider catalog. Providers are data: one that speaks an existing wire format needs
 * only an entry here (or a user-defined one via `providers/upsert`), never code. `apis` says which
 * OpenAI APIs besides chat completions a provider serves (embeddings; the Responses API, which Codex
 * needs), so `/v1/embeddings` and `/v1/responses` go only where they can be answered.
 */
import type { Provider, ProviderApi } from '../../shared/protocol';

type Entry = Omit<Provider, 'builtIn'>;

const openaiCompatible = (e: Omit<Entry, 'adapter'>): Entry => ({ adapter: 'openai', ...e });

const ENTRIES: Entry[] = [
  openaiCompatible({
    id: 'openai',
    name: 'OpenAI',
    defaultBaseUrl: 'https://api.openai.com/v1',
    requiresKey: true,
    keyFormatHint: 'starts with sk- (project keys: sk-proj-)',
    docsUrl: 'https://platform.openai.com/api-keys',
    envVar: 'OPENAI_API_KEY',
    apis: ['embeddings', 'responses'],
  }),
  {
    id: 'anthropic',
    name: 'Anthropic',
    adapter: 'anthropic',
    defaultBaseUrl: 'https://api.anthropic.com',
    requiresKey: true,
    keyFormatHint: 'starts with sk-ant-',
    docsUrl: 'https://console.anthropic.com/settings/keys',
    envVar: 'ANTHROPIC_API_KEY',
    apis: [],
  },
  {
    id: 'bedrock',
    name: 'AWS Bedrock',
    adapter: 'bedrock',
    defaultBaseUrl: 'https://bedrock-runtime.{region}.amazonaws.com',
    requiresKey: true,
    keyFormatHint:
      'access keys: the secret access key of an IAM access key id (AKIA…, or ASIA… with a session token); or a Bedrock API key (ABSK…); or none with an AWS profile',
    docsUrl: 'https://docs.aws.amazon.com/bedrock/latest/userguide/getting-started.html',
    envVar: 'AWS_BEARER_TOKEN_BEDROCK',
    apis: [],
  },
  openaiCompatible({
    id: 'azure-openai',
    name: 'Azure OpenAI',
    azure: true,
    defaultBaseUrl: 'https://YOUR-RESOURCE.openai.azure.com',
    requiresKey: true,
    keyFormatHint:
      '32 hex characters, from the resource\'s "Keys and Endpoint" page; the default model is the deployment name',
    docsUrl: 'https://learn.microsoft.com/azure/ai-services/openai/quickstart',
    envVar: 'AZURE_OPENAI_API_KEY',
    apis: ['embeddings', 'responses'],
  }),
  openaiCompatible({
    id: 'gemini',
    name: 'Google Gemini',
    defaultBaseUrl: 'https://generativelanguage.googleapis.com/v1beta/openai',
    requiresKey: true,
    keyFormatHint: 'starts with AIza',
    docsUrl: 'https://aistudio.google.com/apikey',
    envVar: 'GEMINI_API_KEY',
    apis: ['embeddings'],
    dialect: 'gemini',
  }),
  openaiCompatible({
    id: 'groq',
    name: 'Groq',
    defaultBaseUrl: 'https://api.groq.com/openai/v1',
    requiresKey: true,
    keyFormatHint: 'starts with gsk_',
    docsUrl: 'https://console.groq.com/keys',
    envVar: 'GROQ_API_KEY',
    apis: [],
  }),
  openaiCompatible({
    id: 'mistral',
    name: 'Mistral',
    defaultBaseUrl: 'https://api.mistral.ai/v1',
    requiresKey: true,
    keyFormatHint: '32 characters',
    docsUrl: 'https://console.mistral.ai/api-keys',
    envVar: 'MISTRAL_API_KEY',
    apis: ['embeddings'],
  }),
  openaiCompatible({
    id: 'deepseek',
    name: 'DeepSeek',
    defaultBaseUrl: 'https://api.deepseek.com/v1',
    requiresKey: true,
    keyFormatHint: 'starts with sk-',
    docsUrl: 'https://platform.deepseek.com/api_keys',
    envVar: 'DEEPSEEK_API_KEY',
    apis: [],
  }),
  openaiCompatible({
    id: 'xai',
    name: 'xAI',
    defaultBaseUrl: 'https://api.x.ai/v1',
    requiresKey: true,
    keyFormatHint: 'starts with xai-',
    docsUrl: 'https://console.x.ai',
    envVar: 'XAI_API_KEY',
    apis: [],
  }),
  // Cohere's OpenAI compatibility API (https://docs.cohere.com/docs/compatibility-api): chat with tools, and embeddings.
  openaiCompatible({
    id: 'cohere',
    name: 'Cohere',
    defaultBaseUrl: 'https://api.cohere.ai/compatibility/v1',
    requiresKey: true,
    keyFormatHint: "40 letters and digits, from the dashboard's API keys page (trial or production)",
    docsUrl: 'https://dashboard.cohere.com/api-keys',
    envVar: 'CO_API_KEY',
    apis: ['embeddings'],
    dialect: 'cohere',
  }),
  openaiCompatible({
    id: 'openrouter',
    name: 'OpenRouter',
    defaultBaseUrl: 'https://openrouter.ai/api/v1',
    requiresKey: true,
    keyFormatHint: 'starts with sk-or-',
    docsUrl: 'https://openrouter.ai/keys',
    envVar: 'OPENROUTER_API_KEY',
    apis: ['embeddings', 'responses'],
  }),
  openaiCompatible({
    id: 'together',
    name: 'Together AI',
    defaultBaseUrl: 'https://api.together.xyz/v1',
    requiresKey: true,
    keyFormatHint: '64 hex characters',
    docsUrl: 'https://api.together.ai/settings/api-keys',
    envVar: 'TOGETHER_API_KEY',
    apis: ['embeddings'],
  }),
  openaiCompatible({
    id: 'fireworks',
    name: 'Fireworks AI',
    defaultBaseUrl: 'https://api.fireworks.ai/inference/v1',
    requiresKey: true,
    keyFormatHint: 'starts with fw_',
    docsUrl: 'https://fireworks.ai/account/api-keys',
    envVar: 'FIREWORKS_API_KEY',
    apis: ['embeddings'],
  }),
  openaiCompatible({
    id: 'cerebras',
    name: 'Cerebras',
    defaultBaseUrl: 'https://api.cerebras.ai/v1',
    requiresKey: true,
    keyFormatHint: 'starts with csk-',
    docsUrl: 'https://cloud.cerebras.ai',
    envVar: 'CEREBRAS_API_KEY',
    apis: [],
  }),
  openaiCompatible({
    id: 'ollama',
    name: 'Ollama',
    defaultBaseUrl: 'http://127.0.0.1:11434/v1',
    requiresKey: false,
    keyFormatHint: 'no key needed for a local server',
    docsUrl: 'https://github.com/ollama/ollama/blob/main/docs/openai.md',
    apis: ['embeddings'],
  }),
  openaiCompatible({
    id: 'lmstudio',
    name: 'LM Studio',
    defaultBaseUrl: 'http://127.0.0.1:1234/v1',
    requiresKey: false,
    keyFormatHint: 'no key needed for a local server',
    docsUrl: 'https://lmstudio.ai/docs/app/api/endpoints/openai',
    apis: ['embeddings'],
  }),
  openaiCompatible({
    id: 'vllm',
    name: 'vLLM / llama.cpp server',
    defaultBaseUrl: 'http://127.0.0.1:8000/v1',
    requiresKey: false,
    keyFormatHint: 'only if the server was started with --api-key',
    docsUrl: 'https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html',
    apis: ['embeddings', 'responses'],
  }),
  openaiCompatible({
    id: 'custom',
    name: 'Custom (OpenAI-compatible)',
    defaultBaseUrl: 'http://127.0.0.1:8080/v1',
    requiresKey: false,
    keyFormatHint: 'whatever your server expects as a bearer token, if any',
    docsUrl: 'https://platform.openai.com/docs/api-reference/chat',
    apis: ['embeddings', 'responses'],
  }),
];

/** The built-in providers, in the order a picker shows them. */
export const BUILT_IN_PROVIDERS: readonly Provider[] = Object.freeze(
  ENTRIES.map((e) => Object.freeze({ ...e, builtIn: true })),
);

const BY_ID = new Map(BUILT_IN_PROVIDERS.map((p) => [p.id, p]));

/**
 * Whether connections of `provider` serve an OpenAI API besides chat completions (see `Provider.apis`;
 * a user-defined OpenAI-format provider that says nothing is taken to serve embeddings only).
 */
export function servesApi(provider: Provider, api: ProviderApi): boolean {
  if (provider.adapter !== 'openai') return false;
  return provider.apis ? provider.apis.includes(api) : api === 'embeddings';
}

/** Looked up on every request (a Map: the list is walked by pickers, not here). */
export function findBuiltIn(id: string): Provider | undefined {
  return BY_ID.get(id);
}
