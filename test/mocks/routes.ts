/**
 * Which endpoint a request hits, and so which dialect answers it (errors on unknown paths
 * included: a wrong path still gets its provider's 404).
 */
import { anthropicWire } from './anthropicWire';
import { azureWire } from './azureWire';
import { cohereWire } from './cohereWire';
import { geminiWire } from './geminiWire';
import { openaiWire } from './openaiWire';
import type { Wire } from './types';

export interface Route {
  kind: 'chat' | 'models' | 'model' | 'embeddings' | 'responses' | 'countTokens' | 'none';
  wire: Wire;
  /** Azure: the deployment named in the path (it stands for the model). */
  deployment?: string;
  /** GET …/models/{id}. */
  modelId?: string;
}

const AZURE_CHAT = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/;
const AZURE_EMBEDDINGS = /^\/openai\/deployments\/([^/]+)\/embeddings$/;
const AZURE_MODEL = /^\/openai\/models\/(.+)$/;
const V1_MODEL = /^\/v1\/models\/(.+)$/;

export function resolveRoute(
  method: string,
  path: string,
  headers: Record<string, string>,
  query?: URLSearchParams,
): Route {
  if (path.startsWith('/openai/')) {
    // AzureOpenAI (openai SDK) turns `/chat/completions` into `/deployments/{model}/chat/completions`
    // under `${endpoint}/openai`, and lists models at `${endpoint}/openai/models`.
    const chat = AZURE_CHAT.exec(path);
    if (chat && method === 'POST') return { kind: 'chat', wire: azureWire, deployment: decodeURIComponent(chat[1]!) };
    const embeddings = AZURE_EMBEDDINGS.exec(path);
    if (embeddings && method === 'POST')
      return { kind: 'embeddings', wire: azureWire, deployment: decodeURIComponent(embeddings[1]!) };
    // The Responses API is in Azure's v1 API, not under a deployment: the deployment is the body's `model`.
    if (method === 'POST' && path === '/openai/v1/responses') return { kind: 'responses', wire: azureWire };
    if (method === 'GET' && path === '/openai/models') return { kind: 'models', wire: azureWire };
    const model = AZURE_MODEL.exec(path);
    if (model && method === 'GET') return { kind: 'model', wire: azureWire, modelId: decodeURIComponent(model[1]!) };
    return { kind: 'none', wire: azureWire };
  }
  // Gemini and Cohere serve the OpenAI API under their own prefixes, in their own dialects.
  for (const [prefix, wire] of [
    ['/v1beta/openai/', geminiWire],
    ['/compatibility/v1/', cohereWire],
  ] as const) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    if (method === 'POST' && rest === 'chat/completions') return { kind: 'chat', wire };
    if (method === 'POST' && rest === 'embeddings') return { kind: 'embeddings', wire };
    // Cohere's compatibility API lists no models (Cohere's own GET /v1/models does, below).
    if (method === 'GET' && rest === 'models' && wire === geminiWire) return { kind: 'models', wire };
    if (method === 'GET' && rest.startsWith('models/') && wire === geminiWire)
      return { kind: 'model', wire, modelId: decodeURIComponent(rest.slice('models/'.length)) };
    return { kind: 'none', wire };
  }
  if (method === 'POST' && path === '/v1/chat/completions') return { kind: 'chat', wire: openaiWire };
  if (method === 'POST' && path === '/v1/messages') return { kind: 'chat', wire: anthropicWire };
  if (method === 'POST' && path === '/v1/messages/count_tokens') return { kind: 'countTokens', wire: anthropicWire };
  if (method === 'POST' && path === '/v1/embeddings') return { kind: 'embeddings', wire: openaiWire };
  if (method === 'POST' && path === '/v1/responses') return { kind: 'responses', wire: openaiWire };

  // Both providers serve GET /v1/models; the Anthropic SDK always sends anthropic-version.
  const wire =
    headers['x-api-key'] !== undefined || headers['anthropic-version'] !== undefined ? anthropicWire : openaiWire;
  // Cohere's own model list is paged by `page_size`, which OpenAI's has not.
  if (method === 'GET' && path === '/v1/models' && query?.has('page_size')) return { kind: 'models', wire: cohereWire };
  if (method === 'GET' && path === '/v1/models') return { kind: 'models', wire };
  const model = V1_MODEL.exec(path);
  if (model && method === 'GET') return { kind: 'model', wire, modelId: decodeURIComponent(model[1]!) };
  return { kind: 'none', wire };
}
