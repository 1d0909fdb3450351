/** `connections/signIn`: a browser sign-in's code becomes a connection whose key is in the vault. */
import { ConnectionsSignIn } from '../../shared/protocol';
import { exchangeOpenRouterCode, openRouterAuthBase } from '../../shared/oauth/openRouterAuth';
import { duplicateName } from '../connections/errors';
import type { ConnectionService } from '../connections/service';
import type { Router } from './router';

export interface SignInHandlerDeps {
  connections: ConnectionService;
}

export function registerSignInHandlers(router: Router, deps: SignInHandlerDeps): void {
  router.on(ConnectionsSignIn, async (params, { session }) => {
    // An unknown connection or a taken name fails before the code is spent (a code works once).
    if (params.connectionId !== undefined) deps.connections.get(params.connectionId);
    const wanted = params.name?.toLocaleLowerCase();
    if (wanted !== undefined && deps.connections.names().some((c) => c.name.toLocaleLowerCase() === wanted))
      throw duplicateName(params.name!);
    const apiKey = await exchangeOpenRouterCode({
      base: openRouterAuthBase(),
      code: params.code,
      verifier: params.codeVerifier,
    });
    if (params.connectionId !== undefined) {
      return {
        connection: await deps.connections.update(
          { id: params.connectionId, keySource: 'vault', apiKey },
          session.clientName,
        ),
      };
    }
    const connection = await deps.connections.create(
      {
        name: params.name!,
        provider: params.provider,
        keySource: 'vault',
        apiKey,
        ...(params.defaultModel !== undefined && { defaultModel: params.defaultModel }),
        ...(params.isDefault !== undefined && { isDefault: params.isDefault }),
      },
      session.clientName,
    );
    return { connection };
  });
}
