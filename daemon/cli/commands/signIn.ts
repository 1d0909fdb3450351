/**
 * `switchboard connections add --provider openrouter --sign-in`: the browser sign-in, like `gh auth
 * login`. A one-shot callback server on 127.0.0.1 receives the browser's return; the URL is printed
 * (and opened when there is a browser to open); the wait is bounded and Ctrl+C ends it. The code and
 * its PKCE verifier go to the daemon (`connections/signIn`), which exchanges them and keeps the key
 * in its vault: the key never passes through this process, and nothing is stored unless it worked.
 */
import { ConnectionsSignIn, type Connection } from '../../../shared/protocol';
import {
  codeFromCallback,
  callbackWithState,
  openRouterAuthBase,
  openRouterAuthUrl,
} from '../../../shared/oauth/openRouterAuth';
import { listenForCallback } from '../../../shared/oauth/loopbackCallback';
import { newPkce } from '../../../shared/oauth/pkce';
import { bool, int, str, UsageError, type Flag, type Parsed } from '../args';
import { openBrowser } from '../browser';
import type { CliContext } from '../context';

export const SIGN_IN_FLAGS: Flag[] = [
  {
    name: 'sign-in',
    type: 'boolean',
    description: 'OpenRouter: sign in in the browser instead of giving a key (OAuth PKCE)',
  },
  {
    name: 'no-browser',
    type: 'boolean',
    description: 'With --sign-in: only print the sign-in URL, do not open a browser',
  },
  {
    name: 'sign-in-timeout',
    type: 'string',
    value: 'SEC',
    description: 'With --sign-in: how long to wait for the browser, 10–3600 s (default 300)',
  },
];

/** Flags of `connections add` that make no sense with a sign-in (the key comes from it). */
const CONFLICTING = ['key-stdin', 'key-env', 'no-key', 'base-url', 'header', 'org', 'api-version'];

/** Runs the sign-in and resolves to the created connection. */
export async function signInAndCreate(ctx: CliContext, parsed: Parsed, providerId: string): Promise<Connection> {
  if (providerId !== 'openrouter')
    throw new UsageError(
      `--sign-in works with --provider openrouter only (not "${providerId}").`,
      'For other providers, give the key with --key-stdin or --key-env, or let the CLI prompt for it.',
    );
  const conflict = CONFLICTING.find((f) => parsed.values[f] !== undefined && parsed.values[f] !== false);
  if (conflict)
    throw new UsageError(
      `--sign-in cannot be combined with --${conflict}.`,
      "The sign-in gives the key and OpenRouter's own address; set other fields afterwards with `switchboard connections edit`.",
    );
  const name = str(parsed.values, 'name') ?? 'OpenRouter';
  const timeoutSec = int(parsed.values, 'sign-in-timeout', 10, 3600) ?? 300;
  const client = await ctx.client();
  // A taken name fails now, before the user approves anything in the browser.
  const taken = (await ctx.connections()).find((c) => c.name.toLocaleLowerCase() === name.toLocaleLowerCase());
  if (taken)
    throw new UsageError(
      `A connection named "${taken.name}" already exists.`,
      'Give the new one another name with --name, or remove the old one first.',
    );

  const pkce = newPkce();
  const callback = await listenForCallback({ timeoutMs: timeoutSec * 1000, signal: ctx.signal });
  try {
    const url = openRouterAuthUrl(openRouterAuthBase(), callbackWithState(callback.url, pkce.state), pkce.challenge);
    ctx.out.note(
      'Sign in to OpenRouter and approve Switchboard in your browser. If it does not open, open this address:',
    );
    ctx.out.note(`  ${url}`);
    if (!bool(parsed.values, 'no-browser')) openBrowser(url);
    ctx.out.note(`Waiting up to ${timeoutSec} s for the browser (Ctrl+C cancels)…`);
    const address = await callback.address;
    const code = codeFromCallback(address, pkce.state);
    const model = str(parsed.values, 'model');
    const { connection } = await client.request(ConnectionsSignIn, {
      provider: 'openrouter',
      code,
      codeVerifier: pkce.verifier,
      name,
      ...(model !== undefined && { defaultModel: model }),
      ...(bool(parsed.values, 'default') && { isDefault: true }),
    });
    return connection;
  } finally {
    callback.close();
  }
}
