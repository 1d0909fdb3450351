/**
 * Where a forwarded request goes and with which headers: the connection's base URL and the
 * endpoint of its wire format, its credentials (OpenAI `Authorization: Bearer`, Azure `api-key` +
 * deployment path + `api-version`, Anthropic `x-api-key` + `anthropic-version`), organization and
 * extra headers — the same ones the SDK clients send for the adapters (clients.ts, *Adapter.ts).
 * A provider that names its own key header (`api-key: <key>`, `Authorization: Token <key>`) gets the
 * key there instead (providers/customAuth.ts).
 * The client's own credentials never go upstream: the daemon's token is for the daemon.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { urlToHttpOptions } from 'node:url';
import type { ResolvedConnection } from '../providers/adapter';
import { customKeyHeader } from '../providers/customAuth';
import { pathSegment } from '../providers/pathSegment';
import { AZURE_API_VERSION, azureBaseUrl } from '../providers/azure';
import { DAEMON_VERSION } from '../version';

/**
 * What the client asked for, by wire format: OpenAI chat completions, embeddings or the Responses
 * API; Anthropic messages or token counting.
 */
export type ForwardEndpoint = 'chat/completions' | 'embeddings' | 'responses' | 'messages' | 'messages/count_tokens';

/** The version Anthropic's API assumes for clients that name none (every version since accepts the same requests). */
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

/** Client headers passed on to an Anthropic upstream: they choose the API's behaviour, not who calls. */
const ANTHROPIC_CLIENT_HEADERS = ['anthropic-version', 'anthropic-beta'] as const;

export interface UpstreamTarget {
  /** Shared between requests to the same endpoint: read it, never change it. */
  readonly url: URL;
  /** `url` as node:http's request options (protocol, host, port, path), shared likewise. */
  readonly at: UrlOptions;
  /** The `host` header for `url` (with its port when not the scheme's default, IPv6 in brackets). */
  readonly host: string;
  /** Names lowercased (the connection's own headers too). */
  headers: Record<string, string>;
}

/** What node:http takes of a URL; made once per URL rather than by node:http on every request. */
export type UrlOptions = Readonly<
  Pick<ReturnType<typeof urlToHttpOptions>, 'protocol' | 'hostname' | 'port' | 'path' | 'auth'>
>;

export function upstreamTarget(
  conn: ResolvedConnection,
  endpoint: ForwardEndpoint,
  model: string,
  clientHeaders: IncomingHttpHeaders,
): UpstreamTarget {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
    // A streamed answer is read as it arrives: it must not come compressed.
    'accept-encoding': 'identity',
    'user-agent': `switchboard/${DAEMON_VERSION}`,
  };
  if (conn.provider.adapter === 'anthropic') {
    for (const name of ANTHROPIC_CLIENT_HEADERS) {
      const value = clientHeaders[name];
      if (typeof value === 'string' && value !== '') headers[name] = value;
    }
    headers['anthropic-version'] ??= DEFAULT_ANTHROPIC_VERSION;
    putAll(headers, conn.headers);
    // The documented header, which every Anthropic-compatible server accepts (as anthropicAdapter.ts sends it).
    if (conn.apiKey) {
      deleteHeader(headers, 'authorization');
      headers['x-api-key'] = conn.apiKey;
    }
    putCustomKey(headers, conn);
    return targetAt(`${trimSlash(conn.baseUrl)}/v1/${endpoint}`, headers);
  }
  if (conn.provider.azure) {
    if (conn.apiKey) headers['api-key'] = conn.apiKey;
    putAll(headers, conn.headers);
    // The Responses API lives in Azure's v1 API (no api-version; the deployment is the body's `model`).
    if (endpoint === 'responses') return targetAt(`${azureBaseUrl(conn.baseUrl)}/v1/responses`, headers);
    const version = encodeURIComponent(conn.apiVersion ?? AZURE_API_VERSION);
    return targetAt(
      `${azureBaseUrl(conn.baseUrl)}/deployments/${pathSegment(model, 'model')}/${endpoint}?api-version=${version}`,
      headers,
    );
  }
  if (conn.apiKey) headers['authorization'] = `Bearer ${conn.apiKey}`;
  if (conn.organization) headers['openai-organization'] = conn.organization;
  putAll(headers, conn.headers);
  putCustomKey(headers, conn);
  return targetAt(`${trimSlash(conn.baseUrl)}/${endpoint}`, headers);
}

/** The target of URL `text` (parsed once, endpointOf) with this request's headers; one object shape for all, no spread. */
function targetAt(text: string, headers: Record<string, string>): UpstreamTarget {
  const { url, at, host } = endpointOf(text);
  return { url, at, host, headers };
}

/** A provider's own key header, in place of the format's ones (`authorization`, `x-api-key`), which then carry nothing. */
function putCustomKey(headers: Record<string, string>, conn: ResolvedConnection): void {
  const custom = customKeyHeader(conn);
  if (!custom) return;
  deleteHeader(headers, 'authorization');
  deleteHeader(headers, 'x-api-key');
  deleteHeader(headers, custom.name);
  headers[custom.name] = custom.value;
}

/** The connection's headers, replacing ours of the same name whatever its case. */
function putAll(into: Record<string, string>, extra: Record<string, string> | undefined): void {
  if (!extra) return;
  for (const [name, value] of Object.entries(extra)) {
    deleteHeader(into, name);
    into[name.toLowerCase()] = value;
  }
}

function deleteHeader(headers: Record<string, string>, name: string): void {
  const lower = name.toLowerCase();
  for (const key of Object.keys(headers)) if (key.toLowerCase() === lower) delete headers[key];
}

interface Endpoint {
  url: URL;
  at: UrlOptions;
  host: string;
}

/** Parsed URLs by their text: every request to a connection goes to the same few, and parsing one is not free. */
const parsedUrls = new Map<string, Endpoint>();
const MAX_PARSED_URLS = 256;

/** The URL of `text` and its request options, made once (read-only: node:http does not change them). */
function endpointOf(text: string): Endpoint {
  let endpoint = parsedUrls.get(text);
  if (endpoint === undefined) {
    const url = new URL(text);
    const { protocol, hostname, port, path, auth } = urlToHttpOptions(url);
    // Only what a request reads: the rest (href, hash…) would be copied into every request's options.
    endpoint = {
      url,
      at: Object.freeze({ protocol, hostname, port, path, ...(auth !== undefined && { auth }) }),
      host: url.host,
    };
    // Bounded: base URLs and models come and go; starting over now and then costs one parse each.
    if (parsedUrls.size >= MAX_PARSED_URLS) parsedUrls.clear();
    parsedUrls.set(text, endpoint);
  }
  return endpoint;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
