/**
 * Words the chat page shows for data: the meta line under an answer, the fallback note, labels of
 * error actions and connections, relative dates. Pure functions, so the wording is tested without a DOM.
 */
import type { SkippedConnection } from '../../../shared/protocol';
import type { ChatAnswerMeta, ChatAnswerSource, ChatConnectionOption, ChatErrorAction } from '../../../shared/webview';
import { formatCount, formatUsd } from '../../../shared/format';

/** Button labels beside a failed answer, one per action the host offers. */
export const ERROR_ACTION_LABELS: Record<ChatErrorAction, string> = {
  retry: 'Retry',
  testConnection: 'Test Connection',
  replaceKey: 'Replace Key',
  selectConnection: 'Select Another Connection',
  editConnection: 'Edit Connection',
};

const SKIP_PHRASES: Record<string, string> = {
  RATE_LIMITED: 'was rate-limited',
  UNREACHABLE: 'was unreachable',
  TIMEOUT: 'timed out',
  UPSTREAM_ERROR: 'failed',
  BUDGET_EXCEEDED: 'was over its budget',
};

/** "Backup was rate-limited", from a connection the daemon fell back from. */
export function skippedPhrase(s: SkippedConnection): string {
  return `${s.name} ${SKIP_PHRASES[s.code] ?? 'was skipped'}`;
}

/** "answered by Work (Backup was rate-limited, Old timed out)", or undefined without a fallback. */
export function fallbackText(meta: ChatAnswerMeta): string | undefined {
  if (!meta.skipped?.length) return undefined;
  return `answered by ${meta.connectionName} (${meta.skipped.map(skippedPhrase).join(', ')})`;
}

/** "$0.0012" (as the Usage view writes money); "cost unknown" for an unpriced model (null); undefined when no cost was computed. */
export function costText(costUsd: number | null | undefined): string | undefined {
  if (costUsd === undefined) return undefined;
  return costUsd === null ? 'cost unknown' : formatUsd(costUsd);
}

/** A wait as a person reads it: `120 ms`, `2.2 s`. */
export function waitText(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The model and connection a streaming answer was asked of, as the meta line will name them. */
export function sourceParts(source: ChatAnswerSource): Array<{ cls: string; text: string }> {
  return [
    ...(source.model ? [{ cls: 'meta-model', text: source.model }] : []),
    { cls: 'meta-connection', text: source.connectionName },
  ];
}

/**
 * The parts of an answer's meta line, in order, each with a class naming it. After a fallback the
 * real wait comes right after the connection that answered, with why ("first token 2.2 s, after
 * Flaky was rate-limited"), not at the end of the line.
 */
export function metaParts(meta: ChatAnswerMeta): Array<{ cls: string; text: string }> {
  const parts: Array<{ cls: string; text: string }> = [
    { cls: 'meta-model', text: meta.model },
    { cls: 'meta-connection', text: meta.connectionName },
  ];
  const firstToken = meta.firstTokenMs === null ? undefined : `first token ${waitText(meta.firstTokenMs)}`;
  if (meta.skipped?.length) {
    const after = `after ${meta.skipped.map(skippedPhrase).join(', ')}`;
    parts.push({ cls: 'answer-fallback', text: firstToken ? `${firstToken}, ${after}` : after });
  }
  if (meta.usage)
    parts.push({
      cls: 'meta-tokens',
      text: `${formatCount(meta.usage.inputTokens)} in · ${formatCount(meta.usage.outputTokens)} out`,
    });
  if (firstToken && !meta.skipped?.length) parts.push({ cls: 'meta-first-token', text: firstToken });
  const cost = costText(meta.costUsd);
  if (cost) parts.push({ cls: 'meta-cost', text: cost });
  return parts;
}

/** A connection in the picker: its name and last test status ("Work — ok", "Local — untested"). */
export function connectionLabel(c: ChatConnectionOption): string {
  const flags = [c.status ?? 'untested', ...(c.isDefault ? ['default'] : []), ...(c.keyAvailable ? [] : ['no key'])];
  return `${c.name} — ${flags.join(', ')}`;
}

/** "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", else the date. */
export function relativeTime(iso: string, now: Date): string {
  const then = new Date(iso);
  const ms = now.getTime() - then.getTime();
  if (Number.isNaN(ms)) return '';
  const min = Math.floor(ms / 60_000);
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min ago`;
  const hours = Math.floor(min / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  if (days === 1) return 'yesterday';
  if (days < 7) return `${days} days ago`;
  return then.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}
