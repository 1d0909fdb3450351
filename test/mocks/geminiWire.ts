/**
 * Gemini's OpenAI-compatible endpoint (`https://generativelanguage.googleapis.com/v1beta/openai/`),
 * served by the mock under `/v1beta/openai/`. The same Chat Completions shapes as OpenAI, with
 * Google's differences kept:
 * - errors are Google RPC errors wrapped in a one-element list: `[{"error": {"code": 400,
 *   "message": …, "status": "INVALID_ARGUMENT"}}]`; a wrong key is a 400 `API_KEY_INVALID`;
 * - a streamed tool call arrives whole in one chunk, and on Gemini 3 models the first call of an
 *   answer carries its thought signature as `extra_content.google.thought_signature`;
 * - models are listed as `models/gemini-…`, owned by `google`;
 * - no rate-limit headers, no `obfuscation`, no `service_tier`.
 * What it refuses (signatures, schema keywords, reasoning values) is in geminiRules.ts.
 */
import { openaiCompletion, openaiStream, type OpenAIFlavor } from './openaiWire';
import type { ErrorContext, ErrorReply, ReplyPlan, StreamFrames, Wire } from './types';
import { sseData } from './wireUtil';

const GEMINI_FLAVOR: OpenAIFlavor = { obfuscation: false, serviceTier: false };

/** A Google RPC error body as the OpenAI-compatible endpoint sends it. */
export function googleError(code: number, status: string, message: string, details?: unknown[]): string {
  return `${JSON.stringify([{ error: { code, message, status, ...(details && { details }) } }], null, 2)}\n`;
}

const STATUS_OF: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

function errorFor(status: number, ctx: ErrorContext): { status: number; body: string } {
  switch (ctx.reason) {
    case 'missingKey':
      return {
        status: 401,
        body: googleError(
          401,
          'UNAUTHENTICATED',
          "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
        ),
      };
    case 'invalidKey':
      return {
        status: 400,
        body: googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'API_KEY_INVALID',
            domain: 'googleapis.com',
            metadata: { service: 'generativelanguage.googleapis.com' },
          },
        ]),
      };
    case 'modelNotFound':
      return {
        status: 404,
        body: googleError(
          404,
          'NOT_FOUND',
          `models/${ctx.model ?? 'unknown'} is not found for API version v1main, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
        ),
      };
    case 'badRequest':
      return {
        status: 400,
        body: googleError(400, 'INVALID_ARGUMENT', ctx.message ?? 'Request contains an invalid argument.'),
      };
    case 'noRoute':
      return { status: 404, body: googleError(404, 'NOT_FOUND', `Invalid URL (${ctx.method} ${ctx.path})`) };
    default:
      break;
  }
  if (status === 429)
    return { status, body: googleError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).') };
  return {
    status,
    body: googleError(
      status,
      STATUS_OF[status] ?? 'UNKNOWN',
      status >= 500
        ? 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting'
        : 'Request contains an invalid argument.',
    ),
  };
}

/** A tool call as Gemini writes it: whole, with the thought signature Gemini gave it (if any). */
function toolCall(plan: ReplyPlan, index: number, withIndex: boolean): Record<string, unknown> {
  const c = plan.toolCalls[index]!;
  const signature = plan.toolSignatures?.[index];
  return {
    ...(signature !== undefined && { extra_content: { google: { thought_signature: signature } } }),
    function: { arguments: c.arguments, name: c.name },
    id: c.id,
    ...(withIndex && { index }),
    type: 'function',
  };
}

function geminiStream(plan: ReplyPlan): StreamFrames {
  const frames = openaiStream({ ...plan, toolCalls: [] }, GEMINI_FLAVOR);
  // Each call in one chunk (Gemini does not stream arguments), after the text.
  for (let i = 0; i < plan.toolCalls.length; i++) {
    frames.content.push(
      sseData({
        choices: [{ delta: { role: 'assistant', tool_calls: [toolCall(plan, i, true)] }, index: 0 }],
        created: plan.created,
        id: plan.id,
        model: plan.model,
        object: 'chat.completion.chunk',
      }),
    );
  }
  return frames;
}

function geminiCompletion(plan: ReplyPlan): unknown {
  const answer = openaiCompletion({ ...plan, toolCalls: [] }, GEMINI_FLAVOR) as {
    choices: Array<{ message: Record<string, unknown> }>;
  };
  if (plan.toolCalls.length > 0) {
    const message = answer.choices[0]!.message;
    message.tool_calls = plan.toolCalls.map((_, i) => toolCall(plan, i, false));
    if (plan.chunks.length === 0) message.content = null;
  }
  return answer;
}

export const geminiWire: Wire = {
  format: 'gemini',
  headers: () => ({ server: 'scaffolding on HTTPServer2', 'x-gemini-service-tier': 'standard' }),
  error(status, ctx): ErrorReply {
    const e = errorFor(status, ctx);
    return { status: e.status, headers: { 'content-type': 'application/json; charset=UTF-8' }, body: e.body };
  },
  completion: geminiCompletion,
  stream: geminiStream,
  streamError: (status, ctx) => sseData(JSON.parse(errorFor(status, ctx).body)[0]),
  models: (ids) => ({ object: 'list', data: ids.map(geminiModel) }),
  model: geminiModel,
};

function geminiModel(id: string) {
  return { id: id.startsWith('models/') ? id : `models/${id}`, object: 'model', owned_by: 'google' };
}
