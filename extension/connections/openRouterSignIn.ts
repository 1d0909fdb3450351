/**
 * "Sign in with OpenRouter" in VS Code: OpenRouter's OAuth PKCE flow (shared/oauth), the browser
 * sent back to VS Code itself through its URI handler — `vscode://switchboard-dev.switchboard/…`, made
 * reachable from the browser by `env.asExternalUri`, so it works in remote windows and Codespaces
 * too. Two fallbacks: a one-shot server on 127.0.0.1 (for browsers or OpenRouter accounts that will
 * not return to a `vscode:` address), and pasting the address the browser ended on (for a remote
 * window whose browser cannot reach either). The state is checked, the code exchanged here, and the
 * key stored like a key typed in the manager: SecretStorage, handed to the daemon in memory. Nothing
 * is stored until the exchange gave a key; a cancelled sign-in leaves nothing behind.
 */
import * as vscode from 'vscode';
import {
  ConnectionsCreate,
  ConnectionsDelete,
  ErrorCode,
  SwitchboardError,
  type Connection,
} from '../../shared/protocol';
import { listenForCallback } from '../../shared/oauth/loopbackCallback';
import {
  callbackWithState,
  codeFromCallback,
  exchangeOpenRouterCode,
  openRouterAuthBase,
  openRouterAuthUrl,
} from '../../shared/oauth/openRouterAuth';
import { newPkce } from '../../shared/oauth/pkce';
import type { DaemonConnection } from '../daemon/daemonConnection';
import type { KeyBridge } from '../secrets/keyBridge';

/** The URI authority VS Code routes to this extension: `publisher.name` from package.json. */
export const EXTENSION_AUTHORITY = 'switchboard-dev.switchboard';
/** The path of the sign-in answer. */
const CALLBACK_PATH = '/openrouter-callback';
/** How long a sign-in waits for the browser. */
const WAIT_MS = 5 * 60_000;

/** Receives `vscode://switchboard-dev.switchboard/openrouter-callback?…` and hands it to the waiting sign-in. */
export class SignInUriHandler implements vscode.UriHandler {
  private waiting: ((address: string) => void) | undefined;

  handleUri(uri: vscode.Uri): void {
    if (uri.path === CALLBACK_PATH) this.waiting?.(uri.toString(true));
  }

  /** Resolves with the next callback address. */
  next(): { address: Promise<string>; dispose(): void } {
    let resolve!: (address: string) => void;
    const address = new Promise<string>((r) => (resolve = r));
    this.waiting = resolve;
    return { address, dispose: () => (this.waiting = this.waiting === resolve ? undefined : this.waiting) };
  }
}

type Route = 'vscode' | 'loopback';

/** Runs the sign-in; resolves to the new connection, or undefined when the person cancelled. */
export async function signInWithOpenRouter(deps: {
  daemon: DaemonConnection;
  keys: KeyBridge;
  uriHandler: SignInUriHandler;
  existingNames: readonly string[];
}): Promise<Connection | undefined> {
  const taken = new Set(deps.existingNames.map((n) => n.toLocaleLowerCase()));
  let suggestion = 'OpenRouter';
  for (let n = 2; taken.has(suggestion.toLocaleLowerCase()); n++) suggestion = `OpenRouter ${n}`;
  const name = await vscode.window.showInputBox({
    title: 'Sign in with OpenRouter',
    prompt: 'Name of the new connection',
    value: suggestion,
    validateInput: (v) =>
      !v.trim()
        ? 'Give the connection a name.'
        : taken.has(v.trim().toLocaleLowerCase())
          ? `A connection named "${v.trim()}" already exists.`
          : undefined,
  });
  if (name === undefined) return undefined;

  let route: Route = 'vscode';
  for (;;) {
    const outcome = await waitForAddress(deps.uriHandler, route);
    if (outcome === 'cancelled') return undefined;
    if (outcome === 'loopback') {
      route = 'loopback';
      continue;
    }
    return finish(deps, name.trim(), outcome);
  }
}

/** Opens the sign-in in the browser and waits for the address it comes back to (or a pasted one). */
async function waitForAddress(
  handler: SignInUriHandler,
  route: Route,
): Promise<{ address: string; verifier: string; state: string } | 'cancelled' | 'loopback'> {
  const pkce = newPkce();
  const abort = new AbortController();
  const server =
    route === 'loopback'
      ? await listenForCallback({
          timeoutMs: WAIT_MS,
          signal: abort.signal,
          doneText: 'Signed in: you can close this tab and go back to VS Code.',
        })
      : undefined;
  const viaVscode = route === 'vscode' ? handler.next() : undefined;
  try {
    const callback = server
      ? server.url
      : (
          await vscode.env.asExternalUri(
            vscode.Uri.parse(`${vscode.env.uriScheme}://${EXTENSION_AUTHORITY}${CALLBACK_PATH}`),
          )
        ).toString(true);
    const url = openRouterAuthUrl(openRouterAuthBase(), callbackWithState(callback, pkce.state), pkce.challenge);
    await vscode.env.openExternal(vscode.Uri.parse(url, true));
    const arrived = (server?.address ?? viaVscode!.address).then((address) => ({ address }));
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), WAIT_MS).unref?.());
    const asked = vscode.window
      .showInformationMessage(
        'Approve Switchboard in the OpenRouter page that opened in your browser. Nothing is stored until you do.',
        { modal: false },
        'Paste the Address…',
        ...(route === 'vscode' ? ['Use a Local Server Instead'] : []),
        'Cancel',
      )
      .then((choice) => ({ choice }));
    const first = await Promise.race([arrived, asked, timeout]);
    if (first === 'timeout')
      throw new SwitchboardError(
        ErrorCode.TIMEOUT,
        'No answer from OpenRouter in 5 minutes: the sign-in was given up.',
        { hint: 'Nothing was stored. Sign in again and approve it in the browser in time.' },
      );
    if ('address' in first) return { address: first.address, verifier: pkce.verifier, state: pkce.state };
    if (first.choice === 'Use a Local Server Instead') return 'loopback';
    if (first.choice === 'Paste the Address…') {
      const pasted = await vscode.window.showInputBox({
        title: 'Sign in with OpenRouter',
        prompt: 'Paste the whole address your browser ended on after you approved (it contains code= and state=).',
        ignoreFocusOut: true,
        validateInput: (v) => (/[?&]code=/.test(v) ? undefined : 'The address must contain code=…'),
      });
      if (pasted === undefined) return 'cancelled';
      return { address: pasted, verifier: pkce.verifier, state: pkce.state };
    }
    // "Cancel", or the notification closed: keep waiting only if the browser still answers in time.
    if (first.choice === 'Cancel') return 'cancelled';
    const late = await Promise.race([arrived, timeout]);
    return late === 'timeout' ? 'cancelled' : { address: late.address, verifier: pkce.verifier, state: pkce.state };
  } finally {
    abort.abort();
    server?.close();
    viaVscode?.dispose();
  }
}

/** Checks the state, exchanges the code, and creates the connection with the key in SecretStorage. */
async function finish(
  deps: { daemon: DaemonConnection; keys: KeyBridge },
  name: string,
  got: { address: string; verifier: string; state: string },
): Promise<Connection> {
  const code = codeFromCallback(got.address, got.state);
  const apiKey = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Finishing the OpenRouter sign-in…' },
    () => exchangeOpenRouterCode({ base: openRouterAuthBase(), code, verifier: got.verifier }),
  );
  const { connection } = await deps.daemon.request(ConnectionsCreate, {
    name,
    provider: 'openrouter',
    keySource: 'memory',
    apiKey,
  });
  try {
    await deps.keys.store(connection.id, apiKey);
  } catch (error) {
    // A connection whose key could not be kept is not left behind half made.
    await deps.daemon.request(ConnectionsDelete, { id: connection.id }).catch(() => undefined);
    throw error;
  }
  return connection;
}
