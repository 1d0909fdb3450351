/**
 * The header's Connection and Model buttons, kept showing the chat's choice. A click only asks the host
 * (`pickConnection` / `pickModel`, actions.ts): VS Code's quick picks do the choosing, and the host then
 * sends the changed chat.
 */
import type { ChatViewState } from '../../../shared/webview';
import { effectiveConnection, renderHeader, type Header } from './header';

export class Pickers {
  constructor(private readonly header: Header) {}

  /** Shows the chat's connection and model. */
  render(s: ChatViewState): void {
    const conn = effectiveConnection(s.connections, s.chat.connectionId);
    renderHeader(this.header, s.connections, conn, conn ? (s.chat.model ?? conn.defaultModel) : undefined);
  }
}
