/**
 * How a connection looks everywhere in the UI — tree item, quick pick, status bar: its status, the
 * colour and icon of that status, where its key lives, and which connection is in use. Pure (no
 * `vscode`): callers turn the ids returned here into `ThemeIcon`/`ThemeColor`/`MarkdownString`.
 */
import { formatWhen } from '../../shared/format';
import type { Connection } from '../../shared/protocol';

/** A connection's status, from its last test (and whether its key is available). */
export type ConnectionStatus = 'ok' | 'warning' | 'error' | 'untested';

/** Codicon and theme colour ids of a status: green ok, yellow warning, red error, grey untested. */
export const STATUS_STYLE: Readonly<Record<ConnectionStatus, { icon: string; color: string; label: string }>> = {
  ok: { icon: 'pass-filled', color: 'testing.iconPassed', label: 'OK' },
  warning: { icon: 'warning', color: 'problemsWarningIcon.foreground', label: 'Warning' },
  error: { icon: 'error', color: 'problemsErrorIcon.foreground', label: 'Error' },
  untested: { icon: 'circle-large-outline', color: 'disabledForeground', label: 'Not tested' },
};

/** The status bar's background for a status: only warnings and errors get one (VS Code allows no other). */
export function statusBarBackground(status: ConnectionStatus): string | undefined {
  if (status === 'error') return 'statusBarItem.errorBackground';
  if (status === 'warning') return 'statusBarItem.warningBackground';
  return undefined;
}

/** Status and the reason a person reads in the tooltip. */
export interface StatusInfo {
  status: ConnectionStatus;
  reason: string;
}

/**
 * The status of a connection: its last test's, made at least a warning when the daemon holds no
 * key for it (a connection whose key is in another window's or tool's keeping, or an unset `env:`).
 */
export function connectionStatus(c: Connection): StatusInfo {
  const keyMissing = !c.keyAvailable ? missingKeyReason(c) : undefined;
  const test = c.lastTest;
  if (test?.status === 'error') return { status: 'error', reason: test.summary };
  if (keyMissing) return { status: 'warning', reason: keyMissing };
  if (!test) return { status: 'untested', reason: 'Not tested yet.' };
  return { status: test.status, reason: test.summary };
}

function missingKeyReason(c: Connection): string {
  if (c.keySource === 'memory')
    return 'The key is not loaded: it is in VS Code secret storage of a window that has not sent it, or was never saved. Edit the connection and replace the key.';
  if (c.keySource.startsWith('env:'))
    return `The daemon's environment has no ${c.keySource.slice(4)}. Set it where the daemon starts, or edit the connection to store the key.`;
  return 'No key is stored for this connection. Edit it and enter the key.';
}

/** Where a connection's key lives, for people: "VS Code secret storage (…abcd)", "Environment variable X", … */
export function describeKeySource(c: Connection): string {
  const hint = c.keyHint ? ` (${c.keyHint})` : '';
  const src = c.keySource;
  if (src === 'memory') return c.keyAvailable ? `VS Code secret storage${hint}` : 'VS Code secret storage (not loaded)';
  if (src === 'vault') return c.keyAvailable ? `Switchboard vault${hint}` : 'Switchboard vault (no key stored)';
  if (src === 'none') return 'No key needed';
  if (src.startsWith('env:'))
    return `Environment variable ${src.slice(4)}${c.keyAvailable ? hint : ' (not set for the daemon)'}`;
  return src;
}

/** A short note of where the key lives, shown beside the provider for keys kept outside VS Code (`env:NAME`, `vault`). */
export function keyBadge(c: Connection): string | undefined {
  if (c.keySource === 'vault' || c.keySource.startsWith('env:')) return c.keySource;
  return undefined;
}

/** Escapes text for a Markdown tooltip, so a connection name cannot inject links or formatting. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}

/** What a tree item shows for one connection. */
export interface ConnectionItemData {
  id: string;
  label: string;
  /** Star on the default, then provider and model. */
  description: string;
  /** Markdown. */
  tooltip: string;
  icon: string;
  color: string;
  /**
   * `connection` or `connection.default`, with `.disabled` after it for a switched-off connection: the
   * context menu hides "Set as Default" on the default, and offers Enable or Disable.
   */
  contextValue: string;
  status: ConnectionStatus;
}

/** Display inputs beyond the connection itself. */
export interface ItemContext {
  /** Provider id → display name (from `providers/list`). */
  providerName?: (id: string) => string | undefined;
  /** The workspace's chosen connection, marked "in use here". */
  workspaceChoiceId?: string | undefined;
  /** Now, for "today at 14:05" in the tooltip; injectable for tests. */
  now?: (() => Date) | undefined;
}

/** Builds the tree item of a connection. */
export function connectionItem(c: Connection, ctx: ItemContext = {}): ConnectionItemData {
  const provider = ctx.providerName?.(c.provider) ?? c.provider;
  const { status, reason } = connectionStatus(c);
  const disabled = c.enabled === false;
  const style = disabled ? DISABLED_STYLE : STATUS_STYLE[status];
  const about = [provider, c.defaultModel, keyBadge(c)].filter(Boolean).join(' · ');
  const description = [c.isDefault ? '★' : '', disabled ? `(disabled) ${about}` : about].filter(Boolean).join(' ');
  const lines = [
    `**${escapeMarkdown(c.name)}**${c.isDefault ? ' — default' : ''}${ctx.workspaceChoiceId === c.id ? ' — selected for this workspace' : ''}`,
    '',
    ...(c.description ? [...c.description.split('\n').map((l) => `_${escapeMarkdown(l)}_  `), ''] : []),
    ...(disabled
      ? ['**Disabled**: chats, tools and fallbacks pass it over. Enable it from its context menu.', '']
      : []),
    `Provider: ${escapeMarkdown(provider)}  `,
    `Base URL: \`${c.baseUrl.replace(/`/g, '')}\`  `,
    `Default model: ${c.defaultModel ? escapeMarkdown(c.defaultModel) : '(none)'}  `,
    `Key: ${escapeMarkdown(describeKeySource(c))}  `,
    `Status: ${STATUS_STYLE[status].label} — ${escapeMarkdown(reason)}  `,
    `Last used: ${c.lastUsedAt ? escapeMarkdown(c.lastUsedAt) : 'never'}`,
  ];
  const defaults = describeGenerationDefaults(c);
  if (defaults) lines[lines.length - 1] += '  ';
  if (defaults) lines.push(`Defaults: ${escapeMarkdown(defaults)}`);
  if (c.lastTest) {
    lines.push(
      '',
      `Tested ${escapeMarkdown(formatWhen(c.lastTest.testedAt, ctx.now?.() ?? new Date()))} in ${c.lastTest.durationMs} ms:`,
    );
    for (const stage of c.lastTest.stages)
      lines.push(`- ${stage.name}: ${stage.status}${stage.reason ? ` — ${escapeMarkdown(stage.reason)}` : ''}`);
  }
  return {
    id: c.id,
    label: c.name,
    description,
    tooltip: lines.join('\n'),
    icon: style.icon,
    color: style.color,
    contextValue: `${c.isDefault ? 'connection.default' : 'connection'}${disabled ? '.disabled' : ''}`,
    status,
  };
}

/** A switched-off connection's look, whatever its last test said. */
const DISABLED_STYLE = { icon: 'circle-slash', color: 'disabledForeground', label: 'Disabled' };

/** `temperature 0.2, max 800 tokens` — what a connection applies to requests that set neither — or undefined. */
export function describeGenerationDefaults(c: Connection): string | undefined {
  const d = c.generationDefaults;
  const parts = [
    d?.temperature !== undefined && `temperature ${d.temperature}`,
    d?.maxTokens !== undefined && `max ${d.maxTokens} tokens`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** Which connection this workspace uses, and why: its own choice, else the default. */
export interface InUse {
  connection: Connection;
  reason: 'workspace' | 'default';
}

/** The daemon's resolution order, minus the per-request choice: the workspace's → the default → none. */
export function connectionInUse(
  connections: readonly Connection[],
  workspaceChoiceId: string | undefined,
): InUse | undefined {
  const chosen = workspaceChoiceId ? connections.find((c) => c.id === workspaceChoiceId) : undefined;
  if (chosen) return { connection: chosen, reason: 'workspace' };
  const def = connections.find((c) => c.isDefault);
  return def ? { connection: def, reason: 'default' } : undefined;
}

/** The model in use: the workspace's model when it belongs to the connection in use, else the connection's default. */
export function modelInUse(
  inUse: InUse | undefined,
  choice: { connectionId?: string | undefined; model?: string | undefined },
): string | undefined {
  if (!inUse) return undefined;
  if (choice.model && choice.connectionId === inUse.connection.id) return choice.model;
  return inUse.connection.defaultModel;
}

/** One row of the "Select Connection" quick pick. */
export interface ConnectionPickData {
  id: string;
  /** With a `$(codicon)` for the status. */
  label: string;
  description: string;
  detail: string;
}

/** The quick-pick row of a connection: status icon, name, provider · model, default and current marked. */
export function connectionPick(
  c: Connection,
  ctx: ItemContext & { currentId?: string | undefined } = {},
): ConnectionPickData {
  const item = connectionItem(c, ctx);
  const marks = [c.isDefault ? '★ default' : '', ctx.currentId === c.id ? 'in use' : ''].filter(Boolean).join(', ');
  const { reason, status } = connectionStatus(c);
  const about = [ctx.providerName?.(c.provider) ?? c.provider, c.defaultModel, keyBadge(c)].filter(Boolean).join(' · ');
  return {
    id: c.id,
    label: `$(${item.icon}) ${c.name}`,
    description: marks ? `${marks} — ${about}` : about,
    detail: `${STATUS_STYLE[status].label}: ${reason}`,
  };
}

/**
 * `list` with the one in use (`currentId`) moved to the front, the others in their order: a pick
 * that offers to change one thing (Regenerate with…: another model) has the current choice under
 * Enter.
 */
export function inUseFirst<T extends { id: string }>(list: readonly T[], currentId: string | undefined): T[] {
  const current = list.find((c) => c.id === currentId);
  return current ? [current, ...list.filter((c) => c !== current)] : [...list];
}

/** Connections ordered as the daemon lists them: the default first, then by name. */
export function sortConnections(list: readonly Connection[]): Connection[] {
  return [...list].sort(
    (a, b) =>
      Number(b.isDefault) - Number(a.isDefault) || a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }),
  );
}
