/**
 * The OpenAI dialect: Chat Completions answers, SSE chunks, error bodies, rate-limit headers and
 * the models list, as api.openai.com sends them. azureWire.ts reuses the builders with its own
 * decorations, so they take a `flavor`.
 */
import type { ErrorContext, ErrorReply, RateLimitState, ReplyPlan, StreamFrames, Wire } from './types';
import { CLOUDFLARE_502_HTML, randomHex, randomId, sseData } from './wireUtil';

/** What differs between api.openai.com and Azure inside otherwise identical chunks. */
export interface OpenAIFlavor {
  /** Extra fields of every choice (Azure: `content_filter_results`). */
  choiceExtras?: Record<string, unknown>;
  /** Extra top-level fields of a non-streaming answer (Azure: `prompt_filter_results`). */
  completionExtras?: Record<string, unknown>;
  /** Frames before the role chunk (Azure: a chunk with `choices: []` carrying prompt filter results). */
  leadingFrames?: string[];
  /** api.openai.com pads each chunk with a random `obfuscation` field (stream_options.include_obfuscation, on by default). */
  obfuscation: boolean;
  /** api.openai.com sends `service_tier`; Azure does not. */
  serviceTier: boolean;
}

export const OPENAI_FLAVOR: OpenAIFlavor = { obfuscation: true, serviceTier: true };

export function newChatId(): string {
  return `chatcmpl-${randomId(29)}`;
}

function usageObject(plan: ReplyPlan) {
  return {
    prompt_tokens: plan.usage.input,
    completion_tokens: plan.usage.output,
    total_tokens: plan.usage.input + plan.usage.output,
    prompt_tokens_details: { cached_tokens: plan.usageDetails.cachedInput, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: plan.usageDetails.reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

export function openaiStream(plan: ReplyPlan, flavor: OpenAIFlavor): StreamFrames {
  const fingerprint = `fp_${randomHex(10)}`;
  // Field order as the real API prints it; `usage: null` appears on every chunk only when
  // the client asked for usage (stream_options.include_usage).
  const chunk = (choices: unknown[], usage?: unknown) => ({
    id: plan.id,
    object: 'chat.completion.chunk',
    created: plan.created,
    model: plan.model,
    ...(flavor.serviceTier ? { service_tier: 'default' } : {}),
    system_fingerprint: fingerprint,
    choices,
    ...(plan.includeUsage ? { usage: usage ?? null } : {}),
    ...(flavor.obfuscation ? { obfuscation: randomId(4 + Math.floor(Math.random() * 8)) } : {}),
  });
  const choice = (delta: unknown, finishReason: string | null) => ({
    index: 0,
    delta,
    logprobs: null,
    finish_reason: finishReason,
    ...flavor.choiceExtras,
  });

  const head = [
    ...(flavor.leadingFrames ?? []),
    sseData(chunk([choice({ role: 'assistant', content: '', refusal: null }, null)])),
  ];
  // Reasoning first (DeepSeek/vLLM style `reasoning_content`), then text, then the tool calls.
  const content = [
    ...plan.thinking.map((reasoning) => sseData(chunk([choice({ reasoning_content: reasoning }, null)]))),
    ...plan.chunks.map((text) => sseData(chunk([choice({ content: text }, null)]))),
    ...toolCallDeltas(plan).map((delta) => sseData(chunk([choice(delta, null)]))),
  ];
  const tail = [sseData(chunk([choice({}, plan.finishReason)]))];
  if (plan.includeUsage) tail.push(sseData(chunk([], usageObject(plan))));
  return { head, content, tail, terminator: sseData('[DONE]') };
}

export function openaiCompletion(plan: ReplyPlan, flavor: OpenAIFlavor): unknown {
  return {
    id: plan.id,
    object: 'chat.completion',
    created: plan.created,
    model: plan.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: plan.toolCalls.length > 0 && plan.chunks.length === 0 ? null : plan.chunks.join(''),
          refusal: null,
          annotations: [],
          ...(plan.thinking.length > 0 && { reasoning_content: plan.thinking.join('') }),
          ...(plan.toolCalls.length > 0 && {
            tool_calls: plan.toolCalls.map((c) => ({
              id: c.id,
              type: 'function',
              function: { name: c.name, arguments: c.arguments },
            })),
          }),
        },
        logprobs: null,
        finish_reason: plan.finishReason,
        ...flavor.choiceExtras,
      },
    ],
    usage: usageObject(plan),
    ...(flavor.serviceTier ? { service_tier: 'default' } : {}),
    system_fingerprint: `fp_${randomHex(10)}`,
    ...flavor.completionExtras,
  };
}

/** `text` in pieces of `size` characters (at least one piece, even for ''). */
export function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

/**
 * The `delta`s of the plan's tool calls as api.openai.com streams them: each call opens with its
 * id, type and name (arguments ""), then argument pieces keyed by `index`; parallel calls all open
 * first and their pieces interleave round robin, which a client must put back together by index.
 */
function toolCallDeltas(plan: ReplyPlan): unknown[] {
  const out: unknown[] = [];
  plan.toolCalls.forEach((c, index) =>
    out.push({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] }),
  );
  const split = plan.toolCalls.map((c) => pieces(c.arguments, plan.argumentPieceSize));
  for (let round = 0; split.some((p) => round < p.length); round++) {
    split.forEach((p, index) => {
      if (round < p.length && p[round] !== '') out.push({ tool_calls: [{ index, function: { arguments: p[round] } }] });
    });
  }
  return out;
}

/** The `error` object of an OpenAI error body for a status (and the reason the mock refused). */
export function openaiErrorObject(status: number, ctx: ErrorContext) {
  const err = (message: string, type: string, param: string | null, code: string | null) => ({
    message,
    type,
    param,
    code,
  });
  switch (ctx.reason) {
    case 'missingKey':
      return err(
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth " +
          "(i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API " +
          'from your browser and are prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys.',
        'invalid_request_error',
        null,
        null,
      );
    case 'modelNotFound':
      return err(
        `The model \`${ctx.model}\` does not exist or you do not have access to it.`,
        'invalid_request_error',
        null,
        'model_not_found',
      );
    case 'badRequest':
      return err(
        ctx.message ?? 'Invalid request.',
        'invalid_request_error',
        ctx.param ?? null,
        ctx.param ? 'missing_required_parameter' : null,
      );
    case 'noRoute':
      return err(`Invalid URL (${ctx.method} ${ctx.path})`, 'invalid_request_error', null, null);
    case 'insufficientQuota':
      return err(
        'You exceeded your current quota, please check your plan and billing details. For more information on this error, ' +
          'read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
        'insufficient_quota',
        null,
        'insufficient_quota',
      );
    default:
      break;
  }
  switch (status) {
    case 400:
      return err(
        "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
        'invalid_request_error',
        'messages',
        'empty_array',
      );
    case 401:
      // The real API echoes a masked key (`sk-abc***...xyz`); the mock echoes the FULL key it got,
      // so any upstream message that reaches our users proves our redaction, not OpenAI's.
      return err(
        `Incorrect API key provided: ${ctx.key ?? ''}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        'invalid_request_error',
        null,
        'invalid_api_key',
      );
    case 403:
      return err(
        'Country, region, or territory not supported',
        'request_forbidden',
        null,
        'unsupported_country_region_territory',
      );
    case 404:
      return err(
        `The model \`${ctx.model ?? 'unknown'}\` does not exist or you do not have access to it.`,
        'invalid_request_error',
        null,
        'model_not_found',
      );
    case 429:
      return err(
        `Rate limit reached for ${ctx.model ?? 'gpt-4o'} in organization org-mock on requests per min (RPM): ` +
          `Limit ${ctx.rateLimits.requestsLimit}, Used ${ctx.rateLimits.requestsLimit}, Requested 1. ` +
          `Please try again in ${ctx.retryAfterS}s. Visit https://platform.openai.com/account/rate-limits to learn more.`,
        'requests',
        null,
        'rate_limit_exceeded',
      );
    case 500:
      return err(
        'The server had an error while processing your request. Sorry about that!',
        'server_error',
        null,
        null,
      );
    case 503:
    case 529:
      return err('The server is overloaded or not ready yet.', 'server_error', null, null);
    default:
      return err(
        `Mock upstream error ${status}.`,
        status >= 500 ? 'server_error' : 'invalid_request_error',
        null,
        null,
      );
  }
}

export function openaiRateLimitHeaders(rl: RateLimitState, resetRequests: string): Record<string, string> {
  return {
    'x-ratelimit-limit-requests': String(rl.requestsLimit),
    'x-ratelimit-limit-tokens': String(rl.tokensLimit),
    'x-ratelimit-remaining-requests': String(rl.requestsRemaining),
    'x-ratelimit-remaining-tokens': String(rl.tokensRemaining),
    'x-ratelimit-reset-requests': resetRequests,
    'x-ratelimit-reset-tokens': '6m0s',
  };
}

/** OpenAI pretty-prints its error bodies with 4 spaces; kept, since it is what clients receive. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 4) + '\n';
}

export const openaiWire: Wire = {
  format: 'openai',

  headers(requestId, rl) {
    return {
      'x-request-id': requestId,
      'openai-organization': 'user-mock',
      'openai-processing-ms': '1',
      'openai-version': '2020-10-01',
      ...openaiRateLimitHeaders(rl, '1s'),
    };
  },

  error(status, ctx): ErrorReply {
    const base = { 'x-request-id': ctx.requestId };
    if (status === 502 && !ctx.reason) {
      return { status, headers: { ...base, 'content-type': 'text/html' }, body: CLOUDFLARE_502_HTML };
    }
    const headers: Record<string, string> = { ...base, 'content-type': 'application/json; charset=utf-8' };
    if (status === 429) {
      Object.assign(headers, openaiRateLimitHeaders(ctx.rateLimits, `${ctx.retryAfterS}s`), {
        'retry-after': String(ctx.retryAfterS),
      });
    }
    return { status, headers, body: prettyJson({ error: openaiErrorObject(status, ctx) }) };
  },

  completion: (plan) => openaiCompletion(plan, OPENAI_FLAVOR),
  stream: (plan) => openaiStream(plan, OPENAI_FLAVOR),

  streamError(status, ctx) {
    // Mid-stream failures arrive as a data frame holding `{error: …}`; the SDK throws APIError on it.
    return sseData({ error: openaiErrorObject(status, ctx) });
  },

  models: (ids) => ({ object: 'list', data: ids.map(openaiModel) }),
  model: openaiModel,
};

function openaiModel(id: string) {
  return { id, object: 'model', created: 1_715_367_049, owned_by: 'system' };
}
