/**
 * The Anthropic Messages dialect: named SSE events, compact `{type:"error",…}` bodies with a
 * `request_id`, `anthropic-ratelimit-*` headers with RFC 3339 reset times, and the paginated
 * models list, as api.anthropic.com sends them.
 */
import type { ErrorContext, ErrorReply, RateLimitState, ReplyPlan, Wire } from './types';
import { CLOUDFLARE_502_HTML, randomId, rfc3339, sseEvent } from './wireUtil';

export function newMessageId(): string {
  return `msg_01${randomId(22)}`;
}

export function newAnthropicRequestId(): string {
  return `req_011C${randomId(20)}`;
}

/** The `error` object (`{type, message}`) for a status and the reason the mock refused. */
function anthropicErrorObject(status: number, ctx: ErrorContext): { type: string; message: string } {
  switch (ctx.reason) {
    case 'missingKey':
      return { type: 'authentication_error', message: 'x-api-key header is required' };
    case 'invalidKey':
      return { type: 'authentication_error', message: 'invalid x-api-key' };
    case 'modelNotFound':
      return { type: 'not_found_error', message: `model: ${ctx.model}` };
    case 'badRequest':
      return { type: 'invalid_request_error', message: ctx.message ?? 'Invalid request.' };
    case 'noRoute':
      return { type: 'not_found_error', message: 'Not Found' };
    default:
      break;
  }
  switch (status) {
    case 400:
      return { type: 'invalid_request_error', message: 'messages: at least one message is required' };
    case 401:
      return { type: 'authentication_error', message: 'invalid x-api-key' };
    case 403:
      return {
        type: 'permission_error',
        message: 'Your API key does not have permission to use the specified resource.',
      };
    case 404:
      return { type: 'not_found_error', message: `model: ${ctx.model ?? 'unknown'}` };
    case 413:
      return { type: 'request_too_large', message: 'Request exceeds the maximum allowed number of bytes.' };
    case 429:
      return {
        type: 'rate_limit_error',
        message:
          `This request would exceed the rate limit for your organization (00000000-0000-0000-0000-000000000000) of ` +
          `${ctx.rateLimits.requestsLimit} requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. ` +
          'You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens ' +
          'requested, or try again later.',
      };
    case 500:
      return { type: 'api_error', message: 'Internal server error' };
    case 529:
      return { type: 'overloaded_error', message: 'Overloaded' };
    default:
      return { type: 'api_error', message: `Mock upstream error ${status}.` };
  }
}

function rateLimitHeaders(rl: RateLimitState, resetMs: number): Record<string, string> {
  const reset = rfc3339(Date.now() + resetMs);
  const h: Record<string, string> = {
    'anthropic-ratelimit-requests-limit': String(rl.requestsLimit),
    'anthropic-ratelimit-requests-remaining': String(rl.requestsRemaining),
    'anthropic-ratelimit-requests-reset': reset,
    'anthropic-ratelimit-tokens-limit': String(rl.tokensLimit),
    'anthropic-ratelimit-tokens-remaining': String(rl.tokensRemaining),
    'anthropic-ratelimit-tokens-reset': reset,
  };
  // Input and output tokens are limited separately; the mock splits the token budget 4:1.
  for (const [kind, share] of [
    ['input', 0.8],
    ['output', 0.2],
  ] as const) {
    h[`anthropic-ratelimit-${kind}-tokens-limit`] = String(Math.floor(rl.tokensLimit * share));
    h[`anthropic-ratelimit-${kind}-tokens-remaining`] = String(Math.floor(rl.tokensRemaining * share));
    h[`anthropic-ratelimit-${kind}-tokens-reset`] = reset;
  }
  return h;
}

/** Usage as Anthropic reports it: `input_tokens` is the uncached part; cache reads and writes apart. */
function usage(plan: ReplyPlan, output: number) {
  const d = plan.usageDetails;
  return {
    input_tokens: Math.max(0, plan.usage.input - d.cachedInput - d.cacheCreation),
    cache_creation_input_tokens: d.cacheCreation,
    cache_read_input_tokens: d.cachedInput,
    output_tokens: output,
    service_tier: 'standard',
  };
}

const stopReason = (plan: ReplyPlan) =>
  plan.finishReason === 'length' ? 'max_tokens' : plan.finishReason === 'tool_calls' ? 'tool_use' : 'end_turn';

/** The answer's content blocks: thinking (signed), text, then tool_use blocks. */
function contentBlocks(plan: ReplyPlan): unknown[] {
  const blocks: unknown[] = [];
  if (plan.thinking.length > 0)
    blocks.push({ type: 'thinking', thinking: plan.thinking.join(''), signature: plan.signature });
  if (plan.chunks.length > 0 || plan.toolCalls.length === 0) blocks.push({ type: 'text', text: plan.chunks.join('') });
  for (const c of plan.toolCalls)
    blocks.push({ type: 'tool_use', id: c.id, name: c.name, input: JSON.parse(c.arguments || '{}') });
  return blocks;
}

/** `text` in pieces of `size` characters. */
function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

export const anthropicWire: Wire = {
  format: 'anthropic',

  headers(requestId, rl) {
    return {
      'request-id': requestId,
      'anthropic-organization-id': '00000000-0000-0000-0000-000000000000',
      ...rateLimitHeaders(rl, 60_000),
    };
  },

  error(status, ctx): ErrorReply {
    const headers: Record<string, string> = { 'request-id': ctx.requestId };
    if (status === 502 && !ctx.reason) {
      return { status, headers: { ...headers, 'content-type': 'text/html' }, body: CLOUDFLARE_502_HTML };
    }
    headers['content-type'] = 'application/json';
    if (status === 429) {
      Object.assign(headers, rateLimitHeaders(ctx.rateLimits, ctx.retryAfterS * 1000), {
        'retry-after': String(ctx.retryAfterS),
      });
    }
    const body = { type: 'error', error: anthropicErrorObject(status, ctx), request_id: ctx.requestId };
    return { status, headers, body: JSON.stringify(body) };
  },

  completion(plan) {
    return {
      id: plan.id,
      type: 'message',
      role: 'assistant',
      model: plan.model,
      content: contentBlocks(plan),
      stop_reason: stopReason(plan),
      stop_sequence: null,
      usage: usage(plan, plan.usage.output),
    };
  },

  stream(plan) {
    // Event order of the real API: message_start, then per content block content_block_start,
    // deltas, content_block_stop (ping after the first start), message_delta (stop reason + final
    // output tokens), message_stop. Blocks: thinking (thinking_delta…, signature_delta), text,
    // tool_use (input_json_delta pieces, the first one empty as the API sends it).
    const head = [
      sseEvent('message_start', {
        type: 'message_start',
        message: {
          id: plan.id,
          type: 'message',
          role: 'assistant',
          model: plan.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: usage(plan, 1),
        },
      }),
    ];
    const content: string[] = [];
    let index = 0;
    const start = (block: unknown) =>
      sseEvent('content_block_start', { type: 'content_block_start', index, content_block: block });
    const delta = (d: unknown) => sseEvent('content_block_delta', { type: 'content_block_delta', index, delta: d });
    const stop = () => sseEvent('content_block_stop', { type: 'content_block_stop', index: index++ });
    // Block starts and stops ride on the content frames next to them, so faults cut between deltas.
    let lead = '';
    const open = (block: unknown) => {
      lead += start(block) + (index === 0 ? sseEvent('ping', { type: 'ping' }) : '');
    };
    const push = (frame: string) => {
      content.push(lead + frame);
      lead = '';
    };
    const close = () => {
      if (content.length > 0) content[content.length - 1] += stop();
      else lead += stop();
    };
    if (plan.thinking.length > 0) {
      open({ type: 'thinking', thinking: '', signature: '' });
      for (const t of plan.thinking) push(delta({ type: 'thinking_delta', thinking: t }));
      push(delta({ type: 'signature_delta', signature: plan.signature }));
      close();
    }
    if (plan.chunks.length > 0 || plan.toolCalls.length === 0) {
      open({ type: 'text', text: '' });
      for (const text of plan.chunks) push(delta({ type: 'text_delta', text }));
      close();
    }
    for (const c of plan.toolCalls) {
      open({ type: 'tool_use', id: c.id, name: c.name, input: {} });
      push(delta({ type: 'input_json_delta', partial_json: '' }));
      for (const piece of pieces(c.arguments, plan.argumentPieceSize))
        push(delta({ type: 'input_json_delta', partial_json: piece }));
      close();
    }
    const tail = [
      lead,
      sseEvent('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: stopReason(plan), stop_sequence: null },
        usage: { output_tokens: plan.usage.output },
      }),
    ].filter(Boolean);
    return { head, content, tail, terminator: sseEvent('message_stop', { type: 'message_stop' }) };
  },

  streamError(status, ctx) {
    return sseEvent('error', { type: 'error', error: anthropicErrorObject(status, ctx), request_id: ctx.requestId });
  },

  models(ids, query) {
    // Cursor pagination as the real endpoint: limit (default 20), after_id / before_id.
    const limit = Math.min(1000, Math.max(1, Number(query['limit'] ?? 20) || 20));
    let start = 0;
    let end = ids.length;
    if (query['after_id'] !== undefined) start = ids.indexOf(query['after_id']) + 1;
    if (query['before_id'] !== undefined) end = Math.max(0, ids.indexOf(query['before_id']));
    const page =
      query['before_id'] !== undefined
        ? ids.slice(Math.max(start, end - limit), end)
        : ids.slice(start, Math.min(end, start + limit));
    const hasMore = query['before_id'] !== undefined ? end - limit > start : start + limit < end;
    return {
      data: page.map(anthropicModel),
      has_more: hasMore,
      first_id: page[0] ?? null,
      last_id: page[page.length - 1] ?? null,
    };
  },

  model: anthropicModel,
};

function anthropicModel(id: string) {
  return { type: 'model', id, display_name: displayName(id), created_at: '2025-09-29T00:00:00Z' };
}

/** `claude-sonnet-4-5-20250929` → `Claude Sonnet 4.5`. */
function displayName(id: string): string {
  const words: string[] = [];
  for (const part of id.split('-')) {
    if (/^\d{8}$/.test(part)) continue; // snapshot date
    const last = words[words.length - 1];
    if (/^\d+$/.test(part) && last !== undefined && /^\d+(\.\d+)*$/.test(last))
      words[words.length - 1] = `${last}.${part}`;
    else words.push(/^\d/.test(part) ? part : part.charAt(0).toUpperCase() + part.slice(1));
  }
  return words.join(' ');
}
