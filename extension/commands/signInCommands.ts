/** "Sign in with OpenRouter" (palette and connection manager): see connections/openRouterSignIn.ts. */
import * as vscode from 'vscode';
import { SignInUriHandler, signInWithOpenRouter } from '../connections/openRouterSignIn';
import { guarded, type CommandDeps } from './pickConnection';

export function registerSignInCommands(deps: CommandDeps): vscode.Disposable {
  const uriHandler = new SignInUriHandler();
  return vscode.Disposable.from(
    vscode.window.registerUriHandler(uriHandler),
    vscode.commands.registerCommand(
      'switchboard.signInWithOpenRouter',
      guarded(deps, 'Sign in with OpenRouter failed', async () => {
        await deps.store.refresh();
        const connection = await signInWithOpenRouter({
          daemon: deps.daemon,
          keys: deps.keys,
          uriHandler,
          existingNames: deps.store.connections.map((c) => c.name),
        });
        if (!connection) return undefined;
        await deps.store.refresh();
        void vscode.window
          .showInformationMessage(
            `Signed in to OpenRouter: added "${connection.name}" (key ${connection.keyHint ?? 'stored'}).`,
            'Test Connection',
          )
          .then((choice) => {
            if (choice) void vscode.commands.executeCommand('switchboard.testConnection', connection.id);
          });
        return connection;
      }),
    ),
  );
}
