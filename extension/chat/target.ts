/**
 * Which connection and model a chat uses, in DESIGN.md's resolution order: the chat's own choice →
 * the workspace's choice → the daemon's default connection → none. Pure.
 */
import type { Connection } from '../../shared/protocol';
import type { ChatAnswerSource, ChatConnectionOption, ChatErrorView, ChatSession } from '../../shared/webview';
import { connectionInUse, modelInUse } from '../connections/presentation';
import type { WorkspaceChoiceValue } from '../workspaceChoice';
import { chatError } from './chatErrors';

export type { WorkspaceChoiceValue } from '../workspaceChoice';

/** What the connection list looks like right now (the window's ConnectionStore). */
export interface ConnectionsView {
  /** False until the first list arrived from the daemon. */
  loaded: boolean;
  connections: readonly Connection[];
  providerName(id: string): string;
}

/** The connection and model a new chat starts with: the workspace's choice, else the default. */
export function initialChoice(
  choice: WorkspaceChoiceValue,
  conns: ConnectionsView,
): { connectionId?: string; model?: string } {
  const inUse = connectionInUse(conns.connections, choice.connectionId);
  if (!inUse) return {};
  const model = modelInUse(inUse, choice);
  return { connectionId: inUse.connection.id, ...(model ? { model } : {}) };
}

/** Where one request goes, as `chat/stream` params. */
export interface StreamTarget {
  connectionId?: string;
  model?: string;
  /** Lets the daemon resolve when the list is not loaded yet and the chat has no choice of its own. */
  workspaceConnectionId?: string;
}

/**
 * The target of a send, or why it cannot start. A chat without a choice of its own gets one here
 * (`adopt`), so its next messages stay on the same connection whatever the workspace does later.
 */
export function resolveTarget(
  chat: ChatSession,
  choice: WorkspaceChoiceValue,
  conns: ConnectionsView,
): { target: StreamTarget; adopt?: { connectionId: string; model?: string } } | { error: ChatErrorView } {
  if (chat.connectionId) {
    if (conns.loaded && !conns.connections.some((c) => c.id === chat.connectionId)) {
      return {
        error: chatError(
          'CONNECTION_NOT_FOUND',
          'The connection this chat uses no longer exists.',
          'Choose another connection for this chat.',
        ),
      };
    }
    return { target: { connectionId: chat.connectionId, ...(chat.model ? { model: chat.model } : {}) } };
  }
  if (!conns.loaded) return { target: choice.connectionId ? { workspaceConnectionId: choice.connectionId } : {} };
  const initial = initialChoice(choice, conns);
  if (!initial.connectionId) {
    return conns.connections.length === 0
      ? {
          error: chatError(
            'NO_CONNECTION',
            'Switchboard has no connections yet.',
            'Add one with "Switchboard: Add Connection", or import keys with "Switchboard: Import from Environment".',
          ),
        }
      : {
          error: chatError(
            'NO_CONNECTION',
            'No connection is chosen for this chat, and there is no default connection.',
            'Choose a connection for this chat, or set a default one.',
          ),
        };
  }
  const adopt = { connectionId: initial.connectionId, ...(initial.model ? { model: initial.model } : {}) };
  return { target: adopt, adopt };
}

/** The chat's connection picker rows. */
export function connectionOptions(conns: ConnectionsView): ChatConnectionOption[] {
  return conns.connections.map((c) => ({
    id: c.id,
    name: c.name,
    provider: conns.providerName(c.provider),
    ...(c.defaultModel ? { defaultModel: c.defaultModel } : {}),
    isDefault: c.isDefault,
    ...(c.lastTest ? { status: c.lastTest.status } : {}),
    keyAvailable: c.keyAvailable,
  }));
}

/**
 * Which connection and model an answer asked of `target` comes from, as the chat shows it while it
 * streams: the connection's name, and the model named or else the connection's default. Undefined
 * while the connection is not known (the list not loaded yet, or the daemon resolves it).
 */
export function answerSource(target: StreamTarget, connections: readonly Connection[]): ChatAnswerSource | undefined {
  const connection = connections.find((c) => c.id === target.connectionId);
  if (!connection) return undefined;
  const model = target.model ?? connection.defaultModel;
  return { connectionId: connection.id, connectionName: connection.name, ...(model ? { model } : {}) };
}
