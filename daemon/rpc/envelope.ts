/**
 * JSON-RPC 2.0 envelope handling: everything the spec demands that json-rpc-2.0's server does not
 * check (id and params types, batches), plus what a daemon on a socket must refuse before parsing
 * further (nesting bombs, prototype-pollution keys).
 *
 * `parseAndValidate` turns one WebSocket message into either one message-level fault or the list of
 * items to run; `respond` runs the valid items through a dispatcher and assembles what goes back.
 */
import type { JSONRPCErrorResponse, JSONRPCID, JSONRPCRequest, JSONRPCResponse } from 'json-rpc-2.0';
import { JsonRpcCode } from '../../shared/errors';

/** Deeper than any real params; deep enough to refuse a nesting bomb before it is ever parsed. */
export const MAX_DEPTH = 64;
/** Items in one batch; more is a flood, not a use. */
export const MAX_BATCH = 1000;
/** Keys that mean prototype pollution to any code that later merges params into an object. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** One item of a message: a request to run, or the error response an invalid item already earned. */
export type EnvelopeItem =
  { kind: 'request'; request: JSONRPCRequest } | { kind: 'invalid'; response: JSONRPCErrorResponse };

export type Envelope =
  /** The message as a whole is refused (parse error, empty batch, too deep): send `response` alone. */
  | { kind: 'fault'; response: JSONRPCErrorResponse }
  /** A single request (`batch: false`, one item) or a batch. */
  | { kind: 'message'; batch: boolean; items: EnvelopeItem[] };

/** Runs one valid request; resolves to its response, or null for a notification. */
export type Dispatch = (request: JSONRPCRequest) => Promise<JSONRPCResponse | null>;

export function parseAndValidate(raw: string | Buffer): Envelope {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  // Checked on the raw text so a bomb costs one linear scan, not millions of allocated arrays.
  if (exceedsDepth(text, MAX_DEPTH))
    return fault(null, JsonRpcCode.InvalidRequest, `Invalid Request: nesting too deep (more than ${MAX_DEPTH} levels)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fault(null, JsonRpcCode.ParseError, 'Parse error: the message is not valid JSON');
  }
  if (!Array.isArray(parsed)) return { kind: 'message', batch: false, items: [validateItem(parsed)] };
  if (parsed.length === 0) return fault(null, JsonRpcCode.InvalidRequest, 'Invalid Request: empty batch');
  if (parsed.length > MAX_BATCH)
    return fault(
      null,
      JsonRpcCode.InvalidRequest,
      `Invalid Request: batch of ${parsed.length} items (at most ${MAX_BATCH})`,
    );
  return { kind: 'message', batch: true, items: parsed.map(validateItem) };
}

/**
 * Runs every valid item (a batch's items concurrently, as the spec allows) and assembles the reply:
 * a single response, an array of the non-null responses, or null when nothing is to be sent
 * (a notification, or a batch of notifications).
 */
export async function respond(
  envelope: Envelope,
  dispatch: Dispatch,
): Promise<JSONRPCResponse | JSONRPCResponse[] | null> {
  if (envelope.kind === 'fault') return envelope.response;
  const responses = await Promise.all(
    envelope.items.map((item) => (item.kind === 'invalid' ? item.response : safeDispatch(dispatch, item.request))),
  );
  const sent = responses.filter((r): r is JSONRPCResponse => r !== null);
  if (!envelope.batch) return sent[0] ?? null;
  return sent.length > 0 ? sent : null;
}

async function safeDispatch(dispatch: Dispatch, request: JSONRPCRequest): Promise<JSONRPCResponse | null> {
  try {
    return await dispatch(request);
  } catch {
    // The router maps handler errors itself; reaching here is a bug in the dispatcher, never the client's fault.
    return request.id === undefined ? null : errorResponse(request.id, JsonRpcCode.InternalError, 'Internal error');
  }
}

function validateItem(value: unknown): EnvelopeItem {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return invalid(null, 'a request must be a JSON object');
  const o = value as Record<string, unknown>;
  const hasId = Object.hasOwn(o, 'id');
  const idOk = !hasId || o.id === null || typeof o.id === 'string' || typeof o.id === 'number';
  // Echo the id when it is usable, so the client can still match the error to its call.
  const id: JSONRPCID = hasId && idOk ? (o.id as JSONRPCID) : null;
  if (!idOk) return invalid(null, '`id` must be a string, a number or null', 'id');
  // JSON numbers past 2^53 lose digits in JSON.parse: the reply would carry another id than the
  // request. Refused (with a null id, as the given one cannot be echoed) rather than answered wrong.
  if (typeof o.id === 'number' && !Number.isSafeInteger(o.id) && Number.isInteger(o.id)) {
    return invalid(
      null,
      '`id` is a number beyond 2^53 (9007199254740991), which JSON parsers cannot keep exact: send it as a string or use a smaller number',
      'id',
    );
  }
  if (o.jsonrpc !== '2.0') return invalid(id, '`jsonrpc` must be exactly "2.0"', 'jsonrpc');
  if (typeof o.method !== 'string') return invalid(id, '`method` must be a string', 'method');
  if (Object.hasOwn(o, 'result') || Object.hasOwn(o, 'error'))
    return invalid(id, 'the daemon sends no requests, so it accepts no responses', 'result');
  const hasParams = Object.hasOwn(o, 'params');
  if (hasParams && (typeof o.params !== 'object' || o.params === null))
    return invalid(id, '`params` must be an object or an array when present', 'params');
  // Unknown members are dropped below anyway; a forbidden one is still a sign of an attack worth refusing.
  const badEnvelopeKey = Object.keys(o).find((k) => FORBIDDEN_KEYS.has(k));
  if (badEnvelopeKey) return invalid(id, `forbidden key \`${badEnvelopeKey}\``, badEnvelopeKey);
  if (hasParams) {
    const badParam = findForbiddenKey(o.params, 'params');
    if (badParam) {
      const message = `Invalid params: ${badParam}: forbidden key (__proto__, constructor and prototype are never accepted)`;
      return { kind: 'invalid', response: errorResponse(id, JsonRpcCode.InvalidParams, message, { field: badParam }) };
    }
  }
  const request: JSONRPCRequest = { jsonrpc: '2.0', method: o.method };
  if (hasParams) request.params = o.params;
  if (hasId) request.id = id;
  return { kind: 'request', request };
}

/** The dotted path of the first forbidden key anywhere in `value`, or null. Depth is bounded by MAX_DEPTH. */
function findForbiddenKey(value: unknown, at: string): string | null {
  if (typeof value !== 'object' || value === null) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const deeper = findForbiddenKey(value[i], `${at}.${i}`);
      if (deeper) return deeper;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    const here = `${at}.${key}`;
    if (FORBIDDEN_KEYS.has(key)) return here;
    const deeper = findForbiddenKey((value as Record<string, unknown>)[key], here);
    if (deeper) return deeper;
  }
  return null;
}

/** True when `[`/`{` nest deeper than `max` outside string literals. Linear, allocation-free. */
export function exceedsDepth(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > max) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return false;
}

function invalid(id: JSONRPCID, reason: string, field?: string): EnvelopeItem {
  return {
    kind: 'invalid',
    response: errorResponse(
      id,
      JsonRpcCode.InvalidRequest,
      `Invalid Request: ${reason}`,
      field ? { field } : undefined,
    ),
  };
}

function fault(id: JSONRPCID, code: number, message: string): Envelope {
  return { kind: 'fault', response: errorResponse(id, code, message) };
}

function errorResponse(id: JSONRPCID, code: number, message: string, data?: unknown): JSONRPCErrorResponse {
  return { jsonrpc: '2.0', id, error: data === undefined ? { code, message } : { code, message, data } };
}
