/**
 * The header's Connection and Model pickers at work: what they show for the chat, the models of each
 * connection as far as the page knows them (asked of the host once, asked again after an error), and
 * what a choice posts. The pickers themselves are built by header.ts.
 */
import type { ChatToHost, ChatViewState } from '../../../shared/webview';
import { effectiveConnection, fillConnections, fillModels, type Header, type ModelList } from './header';

/** A model option that is a note ("Loading models…"), not a model: its value starts with NUL. */
const NOTE_PREFIX = '\u0000';

export class Pickers {
  private readonly models = new Map<string, ModelList>();
  private shownConnectionId: string | undefined;

  constructor(
    private readonly header: Header,
    private readonly post: (m: ChatToHost) => void,
    /** The page's state; undefined before `init`. */
    private readonly state: () => ChatViewState | undefined,
  ) {
    header.connection.addEventListener('change', () => {
      const connectionId = header.connection.value;
      if (!connectionId) return;
      post({ type: 'selectConnection', connectionId });
      this.load(connectionId);
    });
    header.model.addEventListener('focus', () => {
      // Opening the list is the moment to retry a connection whose models failed to load.
      if (this.shownConnectionId) this.load(this.shownConnectionId);
      const s = this.state();
      if (s) this.render(s);
    });
    header.model.addEventListener('change', () => {
      const model = header.model.value;
      if (model && !model.startsWith(NOTE_PREFIX)) post({ type: 'selectModel', model });
    });
  }

  /** Shows the chat's connection and model, asking for the models of a connection shown for the first time. */
  render(s: ChatViewState): void {
    const conn = effectiveConnection(s.connections, s.chat.connectionId);
    fillConnections(this.header.connection, s.connections, conn);
    if (conn && conn.id !== this.shownConnectionId) this.load(conn.id);
    this.shownConnectionId = conn?.id;
    fillModels(this.header.model, s.chat.model ?? conn?.defaultModel, conn ? this.models.get(conn.id) : undefined);
    this.header.model.disabled = !conn;
  }

  /** The host's answer to `loadModels`. */
  modelsLoaded(connectionId: string, answer: { models: string[]; error?: string }): void {
    this.models.set(connectionId, answer.error !== undefined ? { state: 'error', error: answer.error } : { state: 'loaded', models: answer.models });
  }

  private load(connectionId: string): void {
    const known = this.models.get(connectionId);
    if (known && known.state !== 'error') return;
    this.models.set(connectionId, { state: 'loading' });
    this.post({ type: 'loadModels', connectionId });
  }
}
