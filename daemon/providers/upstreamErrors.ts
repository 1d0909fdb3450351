/**
 * THE boundary where SDK and network errors become SwitchboardErrors (STYLE.md: "Errors have
 * codes, decided at one boundary"). Adapters catch everything and pass it here; nothing else in
 * the daemon looks at an SDK error.
 *
 * Redaction happens here too, so no path can skip it: every string that leaves (message, hint,
 * data) goes through the daemon's redactor AND an explicit scrub of this connection's key and its
 * long fragments, since the key may not be registered and OpenAI's 401 echoes it back.
 * Upstream status, error type/code and request id may go in `data`; stacks and raw headers never.
 *
 * Messages name the connection as the person named it ("Local OpenAI rejected the key"), not its
 * provider type: two connections of one provider are told apart, and it is the name they see in
 * the chat, the tree and the status bar. The provider type appears only where it says something
 * (which kind of server to start, whose key format).
 */
import {
  APIConnectionError as AnthropicConnectionError,
  APIConnectionTimeoutError as AnthropicTimeoutError,
  APIError as AnthropicAPIError,
  APIUserAbortError as AnthropicUserAbort,
} from '@anthropic-ai/sdk';
import {
  APIConnectionError as OpenAIConnectionError,
  APIConnectionTimeoutError as OpenAITimeoutError,
  APIError as OpenAIAPIError,
  APIUserAbortError as OpenAIUserAbort,
} from 'openai';
import { ErrorCode, SwitchboardError, type ErrorData } from '../../shared/errors';
import { keyHint } from '../../shared/rules/keyMask';
import { mapStrings, redactor } from '../redactor';
import type { ResolvedConnection } from './adapter';
import { CERTIFICATE_ERROR_TYPE, CERTIFICATE_STATUS, certificateProblem } from './transport/certificate';
import { SseEventTooLarge } from './transport/sseReader';
import { isQuotaExhausted, NotAnApiAnswer, retryAfterMs, UpstreamIdleTimeout } from './transport/upstreamFetch';

export interface UpstreamErrorContext {
  conn: ResolvedConnection;
  model?: string;
  /** Text that streamed before the failure. */
  partialText?: string;
  phase?: 'models' | 'chat';
  /** The upstream had started answering (headers received): a dropped socket is then INCOMPLETE, not UNREACHABLE. */
  started?: boolean;
  /** The caller's signal: once aborted, whatever the SDK threw is a cancellation. */
  signal?: AbortSignal;
  /** `performance.now()` when the first attempt was sent: a timeout states the time really waited, retries included. */
  startedAt?: number;
}

/** The longest `retryAfterMs` we report; anything longer is a misconfigured upstream. */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;

type Extra = Omit<ErrorData, 'code' | 'hint'>;

/** The connection as its messages name it: its own name, else (a draft not yet named) its provider's. */
export function connectionLabel(conn: Pick<ResolvedConnection, 'name' | 'provider'>): string {
  return conn.name.trim() || conn.provider.name;
}

export function toSwitchboardError(error: unknown, ctx: UpstreamErrorContext): SwitchboardError {
  if (error instanceof SwitchboardError) return error;
  if (ctx.signal?.aborted || error instanceof OpenAIUserAbort || error instanceof AnthropicUserAbort)
    return cancelledError(ctx);
  const { conn } = ctx;
  const name = connectionLabel(conn);
  const partial = ctx.partialText ? { partialText: ctx.partialText } : {};

  if (error instanceof SseEventTooLarge) {
    return upstreamError(
      ctx,
      ErrorCode.UPSTREAM_ERROR,
      `${name} sent a stream event larger than the ${Math.round(error.limitChars / (1024 * 1024))} MiB limit; the stream was stopped there.`,
      `Check that ${conn.baseUrl} is the provider's API (a proxy may be merging events); ask for a shorter answer if the model really produced it.`,
      partial,
    );
  }
  if (error instanceof UpstreamIdleTimeout) {
    const waited = ctx.startedAt === undefined ? '' : ` (${elapsed(ctx.startedAt)} in all since the request was sent)`;
    return upstreamError(
      ctx,
      ErrorCode.TIMEOUT,
      `${name} sent nothing for ${seconds(error.timeoutMs)}${ctx.started ? ' in the middle of its answer' : ''}${waited}.`,
      `The server may be overloaded or the model still loading; try again, or raise the connection's timeout (now ${seconds(conn.timeoutMs)}).`,
      { ...partial, ...elapsedData(ctx) },
    );
  }
  if (error instanceof OpenAITimeoutError || error instanceof AnthropicTimeoutError) {
    // The SDKs retry a timed-out attempt while retries remain: the last one timing out means all did.
    const attempts = conn.maxRetries + 1;
    const each = seconds(conn.timeoutMs);
    const waited = ctx.startedAt === undefined ? '' : `, ${elapsed(ctx.startedAt)} in all`;
    const what = ctx.phase === 'models' ? 'the model list request' : 'the request';
    const message =
      attempts === 1
        ? `${name} did not answer ${what} within ${each} (1 attempt${waited}).`
        : `${name} did not answer ${what} in ${attempts} attempts of ${each} each (${attempts - 1} ${attempts === 2 ? 'retry' : 'retries'}${waited}).`;
    return upstreamError(
      ctx,
      ErrorCode.TIMEOUT,
      message,
      `Check that ${conn.baseUrl} is up, or raise the connection's timeout (now ${each})${attempts > 1 ? ` or lower its retries (now ${conn.maxRetries})` : ''}.`,
      { ...partial, attempts, ...elapsedData(ctx) },
    );
  }
  if (error instanceof NotAnApiAnswer) {
    const expected =
      conn.provider.adapter === 'anthropic'
        ? 'an Anthropic Messages API'
        : 'an OpenAI-compatible API (its base URL usually ends in /v1)';
    return upstreamError(
      ctx,
      ErrorCode.UPSTREAM_ERROR,
      `${name} did not answer as an API does: ${conn.baseUrl} sent a web page (${error.contentType}, status ${error.status}) instead of ${ctx.phase === 'models' ? 'a model list' : 'a streamed answer'}.`,
      `Check the connection's base URL: it should point at ${expected}. On a network that asks you to sign in first (hotel, airport or office Wi-Fi), sign in from a browser, then try again.`,
      { status: error.status, upstreamContentType: error.contentType, ...partial },
    );
  }
  if (
    error instanceof OpenAIConnectionError ||
    error instanceof AnthropicConnectionError ||
    !(error instanceof OpenAIAPIError || error instanceof AnthropicAPIError)
  ) {
    return networkError(error, ctx);
  }
  return statusError(error, ctx);
}

/**
 * TIMEOUT: no answer's head within the connection's timeout, which is one deadline for every attempt
 * together (the forwarding path and the SDK path alike), with the attempts made and the time waited.
 */
export function headDeadlineError(
  conn: ResolvedConnection,
  attempts: number,
  ctx: UpstreamErrorContext,
): SwitchboardError {
  const waited = ctx.startedAt === undefined ? conn.timeoutMs : performance.now() - ctx.startedAt;
  const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
  return upstreamError(
    ctx,
    ErrorCode.TIMEOUT,
    `${connectionLabel(conn)} did not start answering within the connection's timeout of ${seconds(conn.timeoutMs)} (${tries}, ${(waited / 1000).toFixed(1)} s in all): the timeout is one deadline for every attempt together.`,
    `Check that ${conn.baseUrl} is up, or raise the connection's timeout.`,
    { ...(ctx.partialText ? { partialText: ctx.partialText } : {}), attempts, elapsedMs: Math.round(waited) },
  );
}

/**
 * The error for an upstream reply read without an SDK (the forwarding path): an error status with
 * its body, or a mid-stream error event (`status` undefined). Goes through the same mapping as the
 * SDKs' errors, so a forwarded 429 is RATE_LIMITED with its retry-after, a 401 INVALID_API_KEY…
 */
export function upstreamReplyError(
  wire: 'openai' | 'anthropic',
  status: number | undefined,
  body: unknown,
  headers: Headers,
  ctx: UpstreamErrorContext,
): SwitchboardError {
  body = unwrapErrorList(body);
  const object = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
  const text = typeof body === 'string' && body.trim() ? clip(body) : undefined;
  const error =
    wire === 'openai'
      ? new OpenAIAPIError(
          status,
          object && typeof object['error'] === 'object' && object['error'] !== null ? object['error'] : object,
          text,
          headers,
        )
      : new AnthropicAPIError(status, object, text, headers);
  return statusError(error, ctx);
}

/**
 * Google's OpenAI-compatible endpoint sends its errors as a one-element list,
 * `[{"error": {"code": 400, "message": …, "status": "INVALID_ARGUMENT"}}]`: read as the object inside,
 * so its message (e.g. a missing thought signature) reaches the user.
 */
export function unwrapErrorList(body: unknown): unknown {
  return Array.isArray(body) && body.length === 1 && body[0] !== null && typeof body[0] === 'object' ? body[0] : body;
}

/** CANCELLED, with whatever text had streamed. */
export function cancelledError(ctx: UpstreamErrorContext): SwitchboardError {
  return upstreamError(
    ctx,
    ErrorCode.CANCELLED,
    'The request was cancelled.',
    'Nothing to do: it was stopped on purpose.',
    ctx.partialText ? { partialText: ctx.partialText } : {},
  );
}

/** INCOMPLETE: the stream ended (or was cut) without its terminator. */
export function incompleteError(ctx: UpstreamErrorContext, how = 'ended without its terminator'): SwitchboardError {
  return upstreamError(
    ctx,
    ErrorCode.INCOMPLETE,
    `The answer from ${connectionLabel(ctx.conn)} ${how}; it may be cut short.`,
    'Retry the request; if it keeps happening, a proxy between you and the provider may be cutting streams.',
    { partialText: ctx.partialText ?? '' },
  );
}

function networkError(error: unknown, ctx: UpstreamErrorContext): SwitchboardError {
  const { conn } = ctx;
  const name = connectionLabel(conn);
  // Which kind of server to start is the provider's business (Ollama, LM Studio…), not the connection's name.
  const kind = conn.provider.name;
  if (error instanceof SyntaxError) {
    // The SDKs JSON.parse each SSE event and the models list: a non-JSON answer is not a network fault.
    return upstreamError(
      ctx,
      ErrorCode.UPSTREAM_ERROR,
      `${name} sent data that is not valid JSON.`,
      `Check that ${conn.baseUrl} is an API endpoint of the expected kind (${conn.provider.adapter === 'anthropic' ? 'Anthropic Messages' : 'OpenAI-compatible'}).`,
      ctx.partialText ? { partialText: ctx.partialText } : {},
    );
  }
  const code = errorCode(error);
  if (ctx.started) return incompleteError(ctx, `was cut off (${code ?? 'connection lost'})`);
  const where = `Could not reach ${name} at ${conn.baseUrl}`;
  const local = /^https?:\/\/(127\.|localhost|\[::1\])/i.test(conn.baseUrl);
  const serverHint = local
    ? `Check that the server (e.g. ${kind}) is running and listening there.`
    : 'Check the URL and your network or proxy.';
  switch (code) {
    case 'ECONNREFUSED':
      return upstreamError(
        ctx,
        ErrorCode.UNREACHABLE,
        `${where}: connection refused.`,
        local
          ? `Check the URL and that the server (e.g. ${conn.provider.builtIn && !conn.provider.requiresKey ? kind : 'Ollama'}) is running on that port.`
          : 'Check the URL and that the server is running; a proxy or firewall may also refuse it.',
        { cause: code },
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return upstreamError(
        ctx,
        ErrorCode.UNREACHABLE,
        `${where}: the host name could not be resolved.`,
        'Check the spelling of the base URL and your DNS / network.',
        { cause: code },
      );
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return upstreamError(
        ctx,
        ErrorCode.UNREACHABLE,
        `${where}: the connection was closed before an answer.`,
        serverHint,
        { cause: code },
      );
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
      return upstreamError(
        ctx,
        ErrorCode.TIMEOUT,
        `${where}: the connection timed out${ctx.startedAt === undefined ? '' : ` (${elapsed(ctx.startedAt)} in all)`}.`,
        serverHint,
        { cause: code, ...elapsedData(ctx) },
      );
    default: {
      const certificate = certificateProblem(code, hostOf(conn.baseUrl));
      if (certificate) {
        return upstreamError(
          ctx,
          ErrorCode.UNREACHABLE,
          `${where}: ${certificate.reason}`,
          'Retrying will not help until the certificate is fixed or trusted; the daemon did not retry.',
          { cause: code! },
        );
      }
      if (code && /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
        return upstreamError(
          ctx,
          ErrorCode.UNREACHABLE,
          `${where}: the TLS handshake failed (${code}).`,
          'Check that the URL uses the right scheme (http vs https) and that the server certificate is valid.',
          { cause: code },
        );
      }
      return upstreamError(
        ctx,
        ErrorCode.UNREACHABLE,
        `${where}${code ? ` (${code})` : ''}: ${messageOf(error)}.`,
        serverHint,
        code ? { cause: code } : {},
      );
    }
  }
}

function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}

interface UpstreamDetail {
  message?: string | undefined;
  type?: string | undefined;
  code?: string | undefined;
}

function statusError(error: OpenAIAPIError | AnthropicAPIError, ctx: UpstreamErrorContext): SwitchboardError {
  const { conn } = ctx;
  const name = connectionLabel(conn);
  const detail = detailOf(error);
  const status = error.status;
  const requestId = error.requestID ?? undefined;
  const extra: Extra = {
    ...(status !== undefined ? { status } : {}),
    ...(detail.type ? { upstreamType: detail.type } : {}),
    ...(detail.code ? { upstreamCode: detail.code } : {}),
    ...(requestId ? { requestId } : {}),
    ...(ctx.partialText ? { partialText: ctx.partialText } : {}),
  };
  const said = detail.message ? `: ${clip(detail.message)}` : '.';
  const make = (code: ErrorCode, message: string, hint: string, more: Extra = {}) =>
    upstreamError(ctx, code, message, hint, { ...extra, ...more });
  // The stand-in answer for a certificate failure (transport/certificate.ts): the network error it replaced.
  if (status === CERTIFICATE_STATUS && detail.type === CERTIFICATE_ERROR_TYPE)
    return networkError({ code: detail.code }, ctx);
  const quota =
    detail.code === 'insufficient_quota' ||
    detail.type === 'insufficient_quota' ||
    isQuotaExhausted(detail.message ?? '');
  const model = ctx.model;

  if (quota) {
    return make(
      ErrorCode.RATE_LIMITED,
      `${name} says this account is out of quota or credit${said}`,
      `Check the plan and billing of this key's account${conn.provider.docsUrl ? ` (${conn.provider.docsUrl})` : ''}; retrying will not help until then.`,
      { quota: true },
    );
  }
  // Mid-stream error events carry no HTTP status: classify them by their type.
  const effective =
    status ?? (detail.type === 'overloaded_error' ? 529 : detail.type === 'rate_limit_error' ? 429 : 500);
  switch (true) {
    case effective === 401:
      return make(
        ErrorCode.INVALID_API_KEY,
        `${name} rejected the key (401).`,
        `Check the key${conn.provider.docsUrl ? ` at ${conn.provider.docsUrl}` : ''} and that it belongs to this provider, then replace it.`,
      );
    case effective === 403:
      return make(
        ErrorCode.FORBIDDEN,
        `${name} refused the request (403)${said}`,
        'The key is valid but not allowed to do this: check its permissions, the model access of its project, or the region.',
      );
    case effective === 404 && ctx.phase === 'models':
      return make(
        ErrorCode.UPSTREAM_ERROR,
        `This server has no models endpoint at ${joinUrl(conn.baseUrl, 'models')} (404).`,
        'Check the base URL (OpenAI-compatible servers usually end in /v1); you can still set the model by hand.',
      );
    case effective === 404 && !!model && mentionsModel(detail, model):
      return make(
        ErrorCode.MODEL_NOT_FOUND,
        `${name} has no model ${conn.provider.azure ? 'deployment ' : ''}"${model}"${said}`,
        conn.provider.azure
          ? 'Use the deployment name from the Azure portal as the model.'
          : "Pick a model from the connection's model list (models/list), or check the spelling.",
        { model },
      );
    case effective === 404:
      return make(
        ErrorCode.UPSTREAM_ERROR,
        `${name} answered 404 at ${conn.baseUrl}${said}`,
        'Check the base URL: the chat endpoint was not found there.',
      );
    case effective === 408:
      return make(
        ErrorCode.TIMEOUT,
        `${name} timed out the request (408).`,
        'Try again; if it persists, send a shorter prompt.',
      );
    case effective === 429: {
      const wait = retryAfterMs(error.headers);
      const retry = wait === undefined ? {} : { retryAfterMs: Math.min(wait, MAX_RETRY_AFTER_MS) };
      return make(
        ErrorCode.RATE_LIMITED,
        `${name} hit the provider's rate limit (429)${said}`,
        wait === undefined
          ? "Wait a little and try again, or lower the connection's request rate."
          : `Try again in ${seconds(retry.retryAfterMs!)}.`,
        retry,
      );
    }
    case effective === 529 || effective === 503 || detail.type === 'overloaded_error':
      return make(
        ErrorCode.UPSTREAM_ERROR,
        `${name}: the provider is overloaded (${effective}).`,
        'Try again in a moment.',
        {
          status: effective,
        },
      );
    case effective >= 500:
      return make(
        ErrorCode.UPSTREAM_ERROR,
        `${name} failed with ${effective}${said}`,
        "This is on the provider's side; try again in a moment.",
        { status: effective },
      );
    case effective === 400 &&
      !!model &&
      mentionsModel(detail, model) &&
      /not (found|exist)|does not exist|unknown model|invalid model/i.test(detail.message ?? ''):
      return make(
        ErrorCode.MODEL_NOT_FOUND,
        `${name} has no model "${model}"${said}`,
        "Pick a model from the connection's model list, or check the spelling.",
        { model },
      );
    default:
      return make(
        ErrorCode.UPSTREAM_ERROR,
        `${name} rejected the request (${effective})${said}`,
        'Check the model and the options sent (max tokens, temperature, stop).',
      );
  }
}

/** Message, type and code of an upstream error body, whichever SDK and body shape produced it. */
function detailOf(error: OpenAIAPIError | AnthropicAPIError): UpstreamDetail {
  const body = error.error as Record<string, unknown> | undefined;
  // OpenAI's APIError holds the inner `error` object; Anthropic's the whole `{type:'error', error:{…}}` body.
  const inner =
    body && typeof body['error'] === 'object' && body['error'] !== null
      ? (body['error'] as Record<string, unknown>)
      : body;
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const details = inner?.['details'] as Record<string, unknown> | undefined;
  let message = str(inner?.['message']);
  if (!message && !body) {
    // A non-JSON body (an HTML proxy page, plain text): keep short plain text only.
    const raw = error.message.replace(/^\d{3}\s*/, '');
    if (raw && !/<[a-z!]/i.test(raw) && !/status code \(no body\)/.test(raw)) message = raw;
  }
  return { message, type: str(inner?.['type']), code: str(inner?.['code']) ?? str(details?.['error_code']) };
}

function mentionsModel(detail: UpstreamDetail, model: string): boolean {
  // OpenAI: code model_not_found; Azure: DeploymentNotFound; Anthropic: "model: <id>"; Ollama/vLLM: "model … not found".
  return (
    detail.code === 'model_not_found' ||
    detail.code === 'DeploymentNotFound' ||
    (detail.message ?? '').includes(model) ||
    /\b(model|deployment)\b/i.test(detail.message ?? '')
  );
}

/** The first `code` found on the error or its causes (undici nests the socket error as `cause`). */
function errorCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 6 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code) return code;
    const errors = (e as { errors?: unknown }).errors; // AggregateError: one per address tried
    e = Array.isArray(errors) && errors.length > 0 ? errors[0] : (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function messageOf(error: unknown): string {
  const msg = error instanceof Error ? error.message : String(error);
  return clip(msg.replace(/\.$/, '') || 'unknown error');
}

/**
 * An upstream error with every string scrubbed: registered keys, this connection's key and, for
 * Bedrock, its session token. The one way adapters build their errors.
 */
export function upstreamError(
  ctx: UpstreamErrorContext,
  code: ErrorCode,
  message: string,
  hint: string,
  extra: Extra,
): SwitchboardError {
  const key = ctx.conn.apiKey;
  const token = ctx.conn.aws?.sessionToken;
  const clean = (text: string) => scrubKey(scrub(text, key), token);
  const data = mapStrings({ ...extra, hint, connectionId: ctx.conn.id }, clean);
  return new SwitchboardError(code, clean(message), data as Extra & { hint: string });
}

/** Redactor first (every registered key and key-looking token), then this connection's own key. */
export function scrub(text: string, key: string | undefined): string {
  return scrubKey(redactor.redactUpstream(text), key);
}

const MIN_FRAGMENT = 8;

/**
 * Replaces the key with its hint, then any run of 8+ characters of the text that also occurs in
 * the key (providers echo a key's ends, e.g. `sk-abc***...wxyz`). Error texts are short, so the
 * quadratic scan is cheap; it never runs on the streaming path.
 */
export function scrubKey(text: string, key: string | undefined): string {
  // A short key (one stored before keys had a minimum length, or from env:) is scrubbed whole, whatever its length.
  if (!key || key.length < MIN_FRAGMENT) return key ? text.split(key).join('…') : text;
  let out = text.split(key).join(keyHint(key));
  let result = '';
  let i = 0;
  while (i < out.length) {
    let len = 0;
    if (i + MIN_FRAGMENT <= out.length && key.includes(out.slice(i, i + MIN_FRAGMENT))) {
      len = MIN_FRAGMENT;
      while (i + len < out.length && key.includes(out.slice(i, i + len + 1))) len++;
    }
    if (len > 0) {
      result += '…';
      i += len;
    } else result += out[i++];
  }
  out = result;
  return out;
}

function clip(text: string, max = 300): string {
  const t = text.trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/** The time since `startedAt` as a person reads it, one decimal: "6.7 s". */
function elapsed(startedAt: number): string {
  return `${((performance.now() - startedAt) / 1000).toFixed(1)} s`;
}

function elapsedData(ctx: UpstreamErrorContext): Extra {
  return ctx.startedAt === undefined ? {} : { elapsedMs: Math.round(performance.now() - ctx.startedAt) };
}

function seconds(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path}`;
}
