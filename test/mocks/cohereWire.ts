/**
 * Cohere's OpenAI compatibility API (`https://api.cohere.ai/compatibility/v1`), served by the mock
 * under `/compatibility/v1/`: OpenAI's chat completions and embeddings shapes, with Cohere's errors
 * (`{"id": …, "message": …}`, a wrong key is a 401 "invalid api token") and headers, no rate-limit
 * headers, no `obfuscation`. Its models are listed by Cohere's own API (`GET /v1/models`,
 * {@link cohereModels}), which the compatibility API does not serve.
 */
import { openaiCompletion, openaiStream, type OpenAIFlavor } from './openaiWire';
import type { ErrorContext, ErrorReply, Wire } from './types';
import { randomHex, sseData } from './wireUtil';

const COHERE_FLAVOR: OpenAIFlavor = { obfuscation: false, serviceTier: false };

function messageFor(status: number, ctx: ErrorContext): string {
  switch (ctx.reason) {
    case 'missingKey':
      return 'no api key supplied';
    case 'invalidKey':
      return 'invalid api token';
    case 'modelNotFound':
      return `model '${ctx.model ?? ''}' not found, make sure the correct model ID was used and that you have access to the model.`;
    case 'badRequest':
      return ctx.message ?? 'invalid request';
    case 'noRoute':
      return `route ${ctx.path} not found`;
    default:
      return status === 429
        ? 'You are using a Trial key, which is limited to 20 API calls / minute.'
        : status >= 500
          ? 'internal server error, this has been reported to our developers'
          : 'invalid request';
  }
}

export const cohereWire: Wire = {
  format: 'cohere',
  headers: (requestId) => ({ 'x-debug-trace-id': requestId, 'x-endpoint-monthly-call-limit': '1000', num_chars: '0' }),
  error(status, ctx): ErrorReply {
    const code =
      ctx.reason === 'modelNotFound' ? 404 : ctx.reason === 'missingKey' || ctx.reason === 'invalidKey' ? 401 : status;
    return {
      status: code,
      headers: { 'content-type': 'application/json', 'x-debug-trace-id': ctx.requestId },
      body: JSON.stringify({ id: randomHex(16), message: messageFor(status, ctx) }),
    };
  },
  completion: (plan) => openaiCompletion(plan, COHERE_FLAVOR),
  stream: (plan) => openaiStream(plan, COHERE_FLAVOR),
  streamError: (status, ctx) => sseData({ error: { message: messageFor(status, ctx) } }),
  models: (ids) => cohereModels(ids),
  model: (id) => cohereModel(id),
};

/** Cohere's own model list (`GET /v1/models`): names, the endpoints each serves, and context lengths. */
export function cohereModels(ids: string[]): unknown {
  return { models: ids.map(cohereModel) };
}

function cohereModel(id: string) {
  const embed = id.startsWith('embed-');
  const rerank = id.startsWith('rerank-');
  return {
    name: id,
    endpoints: embed ? ['embed', 'embed_jobs'] : rerank ? ['rerank'] : ['generate', 'chat', 'summarize'],
    finetuned: false,
    context_length: embed ? 512 : rerank ? 4096 : 256000,
    tokenizer_url: `https://storage.googleapis.com/cohere-public/tokenizers/${id}.json`,
    supports_vision: false,
    features: embed || rerank ? null : ['tools', 'strict_tools', 'json_mode', 'json_schema'],
    default_endpoints: embed ? ['embed'] : rerank ? ['rerank'] : ['chat'],
  };
}
