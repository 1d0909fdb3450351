/**
 * `@`-mention context beyond the editor's selection and files: a symbol's code, the workspace's
 * problems, a terminal's recent output. Pure over plain snapshots, so the rules (labels, limits,
 * refusals) are unit-tested; contextSources.ts reads the snapshots from VS Code.
 */
import { randomUUID } from 'node:crypto';
import type { ChatAttachment } from '../../shared/webview';
import { AttachmentError, MAX_ATTACHMENT_CHARS } from './attachments';

/** The most problems one attachment lists (the worst first). */
export const MAX_PROBLEMS = 200;
/** The last characters of a terminal's output that are attached. */
export const MAX_TERMINAL_CHARS = 20_000;

/** A symbol's code, as found by VS Code's symbol providers. */
export interface SymbolSnapshot {
  name: string;
  path: string;
  languageId: string;
  /** 0-based, inclusive. */
  startLine: number;
  endLine: number;
  text: string;
}

export function symbolAttachment(s: SymbolSnapshot): ChatAttachment {
  if (s.text.trim() === '')
    throw new AttachmentError(`The code of ${s.name} could not be read from ${baseName(s.path)}.`);
  if (s.text.length > MAX_ATTACHMENT_CHARS)
    throw new AttachmentError(
      `${s.name} is too long to attach (${s.text.length.toLocaleString('en-US')} characters). Select the part you need and use "Add Selection to Chat".`,
    );
  const startLine = s.startLine + 1;
  const endLine = s.endLine + 1;
  const lines = startLine === endLine ? `${startLine}` : `${startLine}-${endLine}`;
  return {
    id: randomUUID(),
    kind: 'symbol',
    label: `${s.name} (${baseName(s.path)}:${lines})`,
    path: s.path,
    languageId: s.languageId,
    startLine,
    endLine,
    text: s.text,
  };
}

export type ProblemSeverity = 'error' | 'warning' | 'info' | 'hint';

/** One diagnostic, as VS Code's Problems view shows it. */
export interface ProblemSnapshot {
  path: string;
  /** 1-based. */
  line: number;
  column: number;
  severity: ProblemSeverity;
  message: string;
  source?: string;
  code?: string;
}

const SEVERITY_ORDER: Record<ProblemSeverity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

/**
 * The problems as one attachment, errors first, one line each (`path:line:col severity message (source code)`).
 * `scope` names a file: only its problems ("Problems in app.ts"), for `/fix`.
 */
export function problemsAttachment(problems: readonly ProblemSnapshot[], scope?: string): ChatAttachment {
  const chosen = problems.filter((p) => scope === undefined || p.path === scope).filter((p) => p.severity !== 'hint');
  if (chosen.length === 0) {
    throw new AttachmentError(
      scope === undefined
        ? 'VS Code reports no problems in the workspace: there is nothing to attach.'
        : `VS Code reports no problems in ${baseName(scope)}.`,
    );
  }
  const sorted = [...chosen].sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.path.localeCompare(b.path) || a.line - b.line,
  );
  const shown = sorted.slice(0, MAX_PROBLEMS);
  const lines = shown.map((p) => {
    const origin = [p.source, p.code].filter(Boolean).join(' ');
    return `${p.path}:${p.line}:${p.column} ${p.severity} ${p.message.replace(/\s*\n\s*/g, ' ')}${origin ? ` (${origin})` : ''}`;
  });
  if (sorted.length > shown.length) lines.push(`[… ${sorted.length - shown.length} more problems not listed]`);
  const errors = chosen.filter((p) => p.severity === 'error').length;
  const counts = `${errors} error${errors === 1 ? '' : 's'}, ${chosen.length - errors} other`;
  const label = scope === undefined ? `Problems (${counts})` : `Problems in ${baseName(scope)} (${counts})`;
  return { id: randomUUID(), kind: 'problems', label, path: scope ?? 'workspace', text: `${lines.join('\n')}\n` };
}

/** Escape sequences (colours, cursor moves, shell-integration marks) that terminals interpret. */
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** What a terminal showed, without escape sequences and carriage-return redraws. */
export function cleanTerminalText(raw: string): string {
  return (
    raw
      .replace(ANSI, '')
      .split('\n')
      // A line redrawn with \r (progress bars) shows only its last state.
      .map((line) => line.replace(/\r+$/, '').split('\r').at(-1) ?? '')
      .join('\n')
  );
}

/** The end of a terminal's recorded output as an attachment; refuses when nothing was recorded. */
export function terminalAttachment(terminalName: string, output: string): ChatAttachment {
  const clean = cleanTerminalText(output)
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (clean === '') {
    throw new AttachmentError(
      `No output of "${terminalName}" was recorded. Switchboard sees what commands print in terminals with shell integration, from when it started: run the command again, then mention @terminal.`,
    );
  }
  const cut = clean.length > MAX_TERMINAL_CHARS;
  const text = cut ? `[… earlier output left out]\n${clean.slice(-MAX_TERMINAL_CHARS)}` : clean;
  return {
    id: randomUUID(),
    kind: 'terminal',
    label: `Terminal: ${terminalName}`,
    path: terminalName,
    languageId: 'text',
    text: `${text}\n`,
  };
}

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() || p;
}
