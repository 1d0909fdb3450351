/**
 * The Azure OpenAI dialect. Same Chat Completions shapes as OpenAI, with the differences that
 * break naive clients kept on purpose:
 * - the stream opens with a chunk whose `choices` is empty (prompt filter results), and every
 *   choice carries `content_filter_results`;
 * - errors are `{error: {code, message}}` with string codes ("401", "DeploymentNotFound"), and
 *   the 401 never echoes the key;
 * - 429 carries `retry-after-ms` as well as `retry-after`;
 * - `GET /openai/models` lists base models with `created_at`/`status`/`capabilities`, not
 *   `created`/`owned_by`.
 */
import type { ErrorReply, Wire } from './types';
import {
  openaiErrorObject,
  openaiRateLimitHeaders,
  openaiStream,
  openaiCompletion,
  prettyJson,
  type OpenAIFlavor,
} from './openaiWire';
import { CLOUDFLARE_502_HTML, sseData } from './wireUtil';

const SAFE = { filtered: false, severity: 'safe' };
const CONTENT_FILTER_RESULTS = { hate: SAFE, self_harm: SAFE, sexual: SAFE, violence: SAFE };
const PROMPT_FILTER_RESULTS = [{ prompt_index: 0, content_filter_results: CONTENT_FILTER_RESULTS }];

const AZURE_FLAVOR: OpenAIFlavor = {
  obfuscation: false,
  serviceTier: false,
  choiceExtras: { content_filter_results: CONTENT_FILTER_RESULTS },
  completionExtras: { prompt_filter_results: PROMPT_FILTER_RESULTS },
  leadingFrames: [
    sseData({ choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: PROMPT_FILTER_RESULTS }),
  ],
};

function azureError(code: string, message: string) {
  return { error: { code, message } };
}

export const azureWire: Wire = {
  format: 'azure',

  headers(requestId, rl) {
    return {
      'apim-request-id': requestId,
      'x-request-id': requestId,
      'x-ms-region': 'East US',
      'azureml-model-session': 'mock-session',
      ...openaiRateLimitHeaders(rl, '1s'),
    };
  },

  error(status, ctx): ErrorReply {
    const headers: Record<string, string> = {
      'apim-request-id': ctx.requestId,
      'x-request-id': ctx.requestId,
      'content-type': 'application/json',
    };
    let body: unknown;
    if (ctx.reason === 'missingKey') {
      body = azureError(
        '401',
        'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.',
      );
    } else if (ctx.reason === 'invalidKey' || (!ctx.reason && status === 401)) {
      body = azureError(
        '401',
        'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an ' +
          'active subscription and use a correct regional API endpoint for your resource.',
      );
    } else if (ctx.reason === 'noRoute') {
      body = azureError('404', 'Resource not found');
    } else if (ctx.reason === 'modelNotFound' || (!ctx.reason && status === 404)) {
      body = azureError(
        'DeploymentNotFound',
        'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, ' +
          'please wait a moment and try again.',
      );
    } else if (status === 429 && ctx.reason !== 'insufficientQuota') {
      body = azureError(
        '429',
        `Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token ` +
          `rate limit of your current OpenAI S0 pricing tier. Please retry after ${ctx.retryAfterS} second. Please go here: ` +
          'https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.',
      );
      Object.assign(headers, openaiRateLimitHeaders(ctx.rateLimits, `${ctx.retryAfterS}s`), {
        'retry-after': String(ctx.retryAfterS),
        'retry-after-ms': String(ctx.retryAfterS * 1000),
      });
    } else if (status === 403 && !ctx.reason) {
      body = azureError('403', 'Access denied due to Virtual Network/Firewall rules.');
    } else if (status === 502 && !ctx.reason) {
      return { status, headers: { ...headers, 'content-type': 'text/html' }, body: CLOUDFLARE_502_HTML };
    } else {
      // 400s and 5xx pass through in OpenAI's shape.
      body = { error: openaiErrorObject(status, ctx) };
    }
    return { status, headers, body: prettyJson(body) };
  },

  completion: (plan) => openaiCompletion(plan, AZURE_FLAVOR),
  stream: (plan) => openaiStream(plan, AZURE_FLAVOR),
  streamError: (status, ctx) => sseData({ error: openaiErrorObject(status, ctx) }),

  models: (ids) => ({ data: ids.map(azureModel), object: 'list' }),
  model: azureModel,
};

function azureModel(id: string) {
  return {
    status: 'succeeded',
    capabilities: { fine_tune: false, inference: true, completion: false, chat_completion: true, embeddings: false },
    lifecycle_status: 'generally-available',
    deprecation: { inference: 1_798_761_600 },
    id,
    created_at: 1_715_558_400,
    updated_at: 1_715_558_400,
    object: 'model',
  };
}
