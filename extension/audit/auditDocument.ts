/**
 * "Switchboard: Show Audit Log": the daemon's audit log (`audit/list`) as a read-only document,
 * for every connection or — from the connection manager's link or with `{connectionId}` — for one.
 * Running the command again reloads the document's text.
 */
import * as vscode from 'vscode';
import { AuditList, ConnectionsGet } from '../../shared/protocol';
import type { DaemonConnection } from '../daemon/daemonConnection';
import { auditText } from './auditText';

export const AUDIT_SCHEME = 'switchboard-audit';
/** The newest entries shown; the CLI's --limit reaches further back. */
const SHOWN = 500;

export class AuditDocuments implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly daemon: DaemonConnection) {}

  static register(daemon: DaemonConnection): vscode.Disposable {
    const docs = new AuditDocuments(daemon);
    return vscode.Disposable.from(
      docs.changed,
      vscode.workspace.registerTextDocumentContentProvider(AUDIT_SCHEME, docs),
      // From the palette: every connection. From the tree (a Connection), the manager ({connectionId}) or an id: one.
      vscode.commands.registerCommand(
        'switchboard.showAuditLog',
        (arg?: { connectionId?: string; id?: string } | string) =>
          docs.show(typeof arg === 'string' ? arg : (arg?.connectionId ?? arg?.id)),
      ),
    );
  }

  async show(connectionId?: string): Promise<void> {
    const uri = vscode.Uri.from({
      scheme: AUDIT_SCHEME,
      path: connectionId ? `/Audit Log (${connectionId}).log` : '/Audit Log.log',
      ...(connectionId && { query: new URLSearchParams({ connection: connectionId }).toString() }),
    });
    // An open document keeps its text: ask for it again so the view is current.
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const connectionId = new URLSearchParams(uri.query).get('connection') ?? undefined;
    try {
      const [{ entries }, name] = await Promise.all([
        this.daemon.request(AuditList, { limit: SHOWN, ...(connectionId && { connectionId }) }),
        connectionId ? this.nameOf(connectionId) : Promise.resolve(undefined),
      ]);
      return auditText(entries, { ...((name ?? connectionId) && { connectionName: name ?? connectionId }) });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return `The audit log could not be read: ${message}\nCheck that the Switchboard daemon runs ("Switchboard: Restart Daemon"), then run "Switchboard: Show Audit Log" again.\n`;
    }
  }

  /** A deleted connection's entries still name it; the daemon no longer does. */
  private async nameOf(id: string): Promise<string | undefined> {
    try {
      return (await this.daemon.request(ConnectionsGet, { id })).connection.name;
    } catch {
      return undefined;
    }
  }
}
