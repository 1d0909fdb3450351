/**
 * "Sign in with OpenRouter": OpenRouter's OAuth PKCE flow (https://openrouter.ai/docs/oauth). The user
 * approves at `…/auth?callback_url=…&code_challenge=…&code_challenge_method=S256`, OpenRouter sends the
 * browser back to the callback with `?code=…`, and `POST …/api/v1/auth/keys` with the code and the
 * verifier answers `{key}`: an ordinary OpenRouter API key, stored like any other.
 *
 * OpenRouter has no `state` parameter of its own; it keeps the callback's query and adds `code`, so
 * the state travels inside the callback URL and is checked when the browser comes back.
 */
import { ErrorCode, SwitchboardError } from '../errors';

/** Where OpenRouter's sign-in lives. */
export const OPENROUTER_AUTH_BASE = 'https://openrouter.ai';

/**
 * FOR TESTS ONLY: the integration tests point sign-in at a local mock OpenRouter with this variable.
 * Nothing else sets it, and the README says so; a user never needs it.
 */
export const OPENROUTER_AUTH_URL_TEST_VARIABLE = 'SWITCHBOARD_TEST_OPENROUTER_AUTH_URL';

/** The auth base URL: OpenRouter's, unless a test set {@link OPENROUTER_AUTH_URL_TEST_VARIABLE}. */
export function openRouterAuthBase(env: NodeJS.ProcessEnv = process.env): string {
  const override = env[OPENROUTER_AUTH_URL_TEST_VARIABLE]?.trim();
  return (override || OPENROUTER_AUTH_BASE).replace(/\/+$/, '');
}

/** The callback URL with the sign-in's state in its query (OpenRouter keeps it and adds `code`). */
export function callbackWithState(callbackUrl: string, state: string): string {
  const url = new URL(callbackUrl);
  url.searchParams.set('state', state);
  return url.toString();
}

/** The page the user approves the sign-in on. */
export function openRouterAuthUrl(base: string, callbackUrl: string, challenge: string): string {
  const url = new URL(`${base}/auth`);
  url.searchParams.set('callback_url', callbackUrl);
  url.searchParams.set('code_challenge', challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

function failed(message: string, hint: string, extra: Record<string, unknown> = {}): SwitchboardError {
  return new SwitchboardError(ErrorCode.OAUTH_EXCHANGE_FAILED, message, { hint, ...extra });
}

const SIGN_IN_AGAIN = 'Start "Sign in with OpenRouter" again and approve it in the browser; nothing was stored.';

/**
 * The code in the address the browser was sent back to, after checking that it answers this sign-in
 * (`state`). Accepts the whole address or just its query (what a person may paste).
 */
export function codeFromCallback(address: string, expectedState: string): string {
  let params: URLSearchParams;
  try {
    params = new URL(address.trim()).searchParams;
  } catch {
    params = new URLSearchParams(address.trim().replace(/^\?/, ''));
  }
  const error = params.get('error');
  if (error) throw failed(`OpenRouter did not sign you in: ${error.slice(0, 200)}.`, SIGN_IN_AGAIN);
  const state = params.get('state');
  if (state !== expectedState) {
    throw failed(
      state === null
        ? 'The address has no sign-in state: it is not the one this sign-in sent you to.'
        : 'The address answers another sign-in (its state does not match this one).',
      'Use the address of the sign-in you just started (an older tab or a forged link is refused). ' + SIGN_IN_AGAIN,
    );
  }
  const code = params.get('code');
  if (!code) throw failed('The address has no code: OpenRouter did not finish the sign-in.', SIGN_IN_AGAIN);
  return code;
}

/** What the exchange needs. */
export interface ExchangeRequest {
  base: string;
  code: string;
  verifier: string;
  signal?: AbortSignal;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
}

/** Reads `{error: {message}}` or `{error: "…"}` from an error answer, briefly. The body never carries a key. */
async function reasonOf(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.json()) as { error?: { message?: unknown } | string; message?: unknown };
    const text =
      typeof body.error === 'string'
        ? body.error
        : typeof body.error?.message === 'string'
          ? body.error.message
          : typeof body.message === 'string'
            ? body.message
            : undefined;
    return text?.slice(0, 200);
  } catch {
    return undefined;
  }
}

/**
 * Exchanges the code for a key (`POST {base}/api/v1/auth/keys`). Every failure is
 * OAUTH_EXCHANGE_FAILED saying what to do: an expired or used code and a refused verifier (400,
 * 401, 403) mean signing in again; an unreachable server means checking the network.
 */
export async function exchangeOpenRouterCode(request: ExchangeRequest): Promise<string> {
  const doFetch = request.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(`${request.base}/api/v1/auth/keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ code: request.code, code_verifier: request.verifier, code_challenge_method: 'S256' }),
      ...(request.signal && { signal: request.signal }),
    });
  } catch (error) {
    if (request.signal?.aborted)
      throw new SwitchboardError(ErrorCode.CANCELLED, 'The sign-in was cancelled.', {
        hint: 'Nothing was stored. Sign in again when you are ready.',
      });
    throw failed(
      `Could not reach OpenRouter to finish the sign-in (${error instanceof Error ? error.message.slice(0, 120) : 'network error'}).`,
      `Check your network (and proxy), then sign in again; nothing was stored.`,
    );
  }
  if (!response.ok) {
    const reason = await reasonOf(response);
    const said = reason ? `: ${reason}` : '';
    if (
      response.status === 400 ||
      response.status === 401 ||
      response.status === 403 ||
      response.status === 404 ||
      response.status === 409
    ) {
      throw failed(
        `OpenRouter refused the sign-in code (HTTP ${response.status}${said}). Codes work once and only for a few minutes.`,
        'The code was expired, already used, or from another sign-in. ' + SIGN_IN_AGAIN,
        { status: response.status },
      );
    }
    throw failed(
      `OpenRouter could not finish the sign-in (HTTP ${response.status}${said}).`,
      'OpenRouter may be having trouble: try again in a minute. Nothing was stored.',
      { status: response.status },
    );
  }
  let key: unknown;
  try {
    key = ((await response.json()) as { key?: unknown }).key;
  } catch {
    key = undefined;
  }
  if (typeof key !== 'string' || key.length < 8)
    throw failed(
      'OpenRouter answered the sign-in without a key.',
      'Try again; if it keeps happening, create a key at https://openrouter.ai/keys and add it by hand.',
    );
  return key;
}
