/** Every command of the palette and the tree, registered in one disposable. */
import * as vscode from 'vscode';
import { AuditDocuments } from '../audit/auditDocument';
import { registerConnectionCommands } from './connectionCommands';
import { registerDaemonCommands } from './daemonCommands';
import { registerEnableCommands } from './enableCommands';
import { registerImportCommands } from './importCommands';
import type { CommandDeps } from './pickConnection';
import { registerSelectionCommands } from './selectionCommands';
import { registerSignInCommands } from './signInCommands';
import { registerTokenCommands } from './tokenCommands';
import { registerTransferCommands } from './transferCommands';
import { registerUsageCommands } from './usageCommands';

export type { CommandDeps } from './pickConnection';

export function registerCommands(deps: CommandDeps): vscode.Disposable {
  return vscode.Disposable.from(
    registerConnectionCommands(deps),
    registerEnableCommands(deps),
    registerSelectionCommands(deps),
    registerImportCommands(deps),
    registerSignInCommands(deps),
    registerTransferCommands(deps),
    registerDaemonCommands(deps),
    registerUsageCommands(deps),
    AuditDocuments.register(deps.daemon),
    registerTokenCommands(deps),
    vscode.commands.registerCommand('switchboard.refreshConnections', () =>
      deps.store.refresh().catch((error) => deps.log.warn('Refresh failed', error)),
    ),
  );
}
