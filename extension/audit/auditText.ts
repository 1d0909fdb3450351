/**
 * The audit log as a document a person reads: one block per entry, newest first, each saying when
 * (exact time and how long ago), which connection, what happened and who did it, with the details
 * in words. No `vscode` import, so it is unit-tested. Entries hold no secret, and nothing here adds one.
 */
import type { AuditEntry } from '../../shared/protocol';

/** What happened, in words, for each kind of entry. */
const WHAT: Record<AuditEntry['action'], string> = {
  create: 'Created',
  update: 'Edited',
  delete: 'Deleted',
  setDefault: 'Made the default',
  setKey: 'Key set',
  clearKey: 'Key removed',
  rotateKey: 'Key replaced',
  providerUpsert: 'Provider saved',
  providerDelete: 'Provider removed',
  settingsUpdate: 'Settings changed',
  priceSet: 'Price set',
  modelFactsSet: 'Model facts set',
  tokenCreate: 'Tool token created',
  tokenRevoke: 'Tool token revoked',
  connectionTest: 'Tested',
  keyRejected: 'Key refused by the provider',
};

export interface AuditTextOptions {
  /** The connection the view is about (its name), when it is narrowed to one. */
  connectionName?: string | undefined;
  now?: Date | undefined;
}

export function auditText(entries: readonly AuditEntry[], opts: AuditTextOptions = {}): string {
  const now = opts.now ?? new Date();
  const title = opts.connectionName
    ? `Switchboard audit log: ${opts.connectionName}`
    : 'Switchboard audit log: all connections';
  const head = [
    title,
    `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, newest first. Changes, connection tests and keys a provider refused; never a key.`,
    'Terminal: switchboard audit --help',
    '',
  ];
  if (entries.length === 0) return [...head, 'Nothing recorded yet.', ''].join('\n');
  const blocks = [...entries].reverse().map((e) => entryBlock(e, now));
  return [...head, ...blocks].join('\n');
}

function entryBlock(e: AuditEntry, now: Date): string {
  const who = e.name ?? e.connectionId;
  const lines = [`${stamp(e.at)} (${ago(e.at, now)})  ${WHAT[e.action] ?? e.action}${who ? `: ${who}` : ''}`];
  lines.push(`    by ${e.client}`);
  for (const line of detailLines(e)) lines.push(`    ${line}`);
  return `${lines.join('\n')}\n`;
}

function detailLines(e: AuditEntry): string[] {
  const d = e.details ?? {};
  const text = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) ? v.join(', ') : JSON.stringify(v));
  if (e.action === 'connectionTest') {
    const status = d['status'] === 'ok' ? 'passed' : d['status'] === 'warning' ? 'passed with a warning' : 'failed';
    const how = d['trigger'] === 'scheduled' ? 'on schedule' : 'by hand';
    return [
      `${status} (${how})${d['stage'] ? ` at ${text(d['stage'])}` : ''}${typeof d['durationMs'] === 'number' ? `, ${d['durationMs']} ms` : ''}`,
      `${text(d['reason'])}`,
    ];
  }
  if (e.action === 'keyRejected') {
    const status = d['status'] === 403 ? '403: the key has no access to this' : '401: the key was not accepted';
    return [`${status}`, `on ${text(d['surface'])}${d['model'] ? `, model ${text(d['model'])}` : ''}`];
  }
  return Object.entries(d).map(([k, v]) => `${k}: ${text(v)}`);
}

/** `2026-12-06 14:47:03 UTC`: the same clock as `audit.jsonl` and the CLI. */
function stamp(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function ago(iso: string, now: Date): string {
  const ms = now.getTime() - Date.parse(iso);
  if (Number.isNaN(ms)) return 'unknown time';
  const min = Math.floor(ms / 60_000);
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} days ago`;
}
