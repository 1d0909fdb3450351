/**
 * Another tool's provider name (or a LiteLLM model prefix) as a Switchboard provider id, and which
 * of them need no key. Unknown OpenAI-compatible servers become `custom` with their base URL.
 */
const ALIASES: Record<string, string> = {
  openai: 'openai',
  'openai-native': 'openai',
  anthropic: 'anthropic',
  azure: 'azure-openai',
  'azure-openai': 'azure-openai',
  gemini: 'gemini',
  google: 'gemini',
  groq: 'groq',
  mistral: 'mistral',
  deepseek: 'deepseek',
  xai: 'xai',
  openrouter: 'openrouter',
  together: 'together',
  together_ai: 'together',
  fireworks: 'fireworks',
  fireworks_ai: 'fireworks',
  cerebras: 'cerebras',
  ollama: 'ollama',
  ollama_chat: 'ollama',
  lmstudio: 'lmstudio',
  lm_studio: 'lmstudio',
  vllm: 'vllm',
  hosted_vllm: 'vllm',
  customoai: 'custom',
  'openai-compatible': 'custom',
  openai_compatible: 'custom',
  custom: 'custom',
};

/** Providers that run locally and need no key. */
export const KEYLESS = new Set(['ollama', 'lmstudio', 'vllm']);

/** The Switchboard provider id for another tool's provider name, or undefined. */
export function providerFor(name: string | undefined): string | undefined {
  if (!name) return undefined;
  return ALIASES[name.toLowerCase().replace(/\s+/g, '')];
}

/** Ollama's own address (`http://localhost:11434`) as the OpenAI-compatible base Switchboard calls (`…/v1`). */
export function openAiStyleBase(provider: string, base: string | undefined): string | undefined {
  if (!base) return undefined;
  const trimmed = base.replace(/\/+$/, '');
  if ((provider === 'ollama' || provider === 'lmstudio') && !/\/v1$/.test(trimmed)) return `${trimmed}/v1`;
  return trimmed;
}
