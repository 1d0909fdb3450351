/**
 * Registers Switchboard's models with VS Code's model picker when the running VS Code has the
 * Language Model Chat Provider API (1.104+); on older versions nothing is registered and the rest of
 * the extension works as before.
 */
import * as vscode from 'vscode';
import { registerFunction } from './lmApi';
import { LM_VENDOR, SwitchboardLmProvider, type LmProviderDeps } from './lmProvider';

/** The provider, when registered (the extension-host tests use it); undefined on VS Code < 1.104. */
export function registerLanguageModels(
  deps: LmProviderDeps,
  subscriptions: vscode.Disposable[],
): SwitchboardLmProvider | undefined {
  // The picker's "Manage" entry for Switchboard: the connections are where its models come from.
  subscriptions.push(
    vscode.commands.registerCommand('switchboard.manageLanguageModels', () =>
      vscode.commands.executeCommand(
        deps.connections.connections.length > 0 ? 'switchboard.editConnection' : 'switchboard.addConnection',
      ),
    ),
  );
  const register = registerFunction();
  if (!register) {
    deps.log.info(
      "This VS Code has no Language Model Chat Provider API (1.104+): Switchboard's models are not offered in its model picker.",
    );
    return undefined;
  }
  const provider = new SwitchboardLmProvider(deps);
  subscriptions.push(provider, register(LM_VENDOR, provider));
  return provider;
}
