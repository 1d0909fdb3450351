/**
 * Where `@`-mentions, slash commands and "Attach image" get their content in VS Code: workspace file
 * search, the symbol providers, the active editor, the Problems (diagnostics), the terminal output
 * recorder, the file dialog. The rules on what is attached (labels, limits, refusals) are in the pure
 * attachments.ts, contextAttachments.ts and imageAttachments.ts.
 */
import * as vscode from 'vscode';
import type { ChatAttachment, ChatMention } from '../../shared/webview';
import { AttachmentError, fileAttachment, MAX_ATTACHMENT_CHARS, selectionAttachment } from './attachments';
import { chatPath, snapshot, type EditorTracker } from './editors';
import {
  problemsAttachment,
  symbolAttachment,
  terminalAttachment,
  type ProblemSeverity,
  type ProblemSnapshot,
} from './contextAttachments';
import type { ChatUi } from './hostDeps';
import { IMAGE_TYPES, imageAttachment, imageTypeOf, MAX_IMAGE_BYTES } from './imageAttachments';
import type { TerminalOutputRecorder } from './terminalOutput';

/** Files and symbols offered per query. */
const MAX_FILES = 12;
const MAX_SYMBOLS = 8;
/** Folders no one means when they mention a file. */
const EXCLUDE = '{**/node_modules/**,**/.git/**,**/dist/**,**/out/**,**/.vscode-test/**}';

export interface ContextSourcesDeps {
  editors: EditorTracker;
  terminals: TerminalOutputRecorder;
}

type ContextUi = Pick<ChatUi, 'mentionSuggestions' | 'mentionAttachment' | 'editorCode' | 'problemsIn' | 'pickImage'>;

export function createContextSources(deps: ContextSourcesDeps): ContextUi {
  const editor = (): vscode.TextEditor => {
    const e = deps.editors.editor;
    if (!e) throw new AttachmentError('No editor is open. Open a file, select the code to ask about, and try again.');
    return e;
  };
  return {
    mentionSuggestions: async (query) => {
      const fixed = fixedMentions(deps).filter((m) => matches(m.kind, query) || matches(m.label, query));
      const [files, symbols] = await Promise.all([fileMentions(query), symbolMentions(query, deps.editors.editor)]);
      return [...fixed, ...files, ...symbols];
    },
    mentionAttachment: async (mention) => {
      switch (mention.kind) {
        case 'selection':
          return selectionAttachment(snapshot(editor()));
        case 'problems':
          return problemsAttachment(allProblems());
        case 'terminal':
          return activeTerminalAttachment(deps.terminals);
        case 'file':
          return fileMentionAttachment(vscode.Uri.parse(mention.uri, true));
        case 'symbol':
          return symbolMentionAttachment(mention);
      }
    },
    editorCode: async () => {
      const snap = snapshot(editor());
      return snap.selection ? selectionAttachment(snap) : fileAttachment(snap);
    },
    problemsIn: async (path) => problemsAttachment(allProblems(), path),
    pickImage: async () => {
      const picked = await vscode.window.showOpenDialog({
        title: 'Attach an image to the message',
        canSelectMany: false,
        filters: { Images: [...new Set([...Object.values(IMAGE_TYPES), 'jpeg'])] },
      });
      const uri = picked?.[0];
      if (!uri) return undefined;
      const name = uri.path.split('/').pop() ?? 'image';
      const mediaType = imageTypeOf(name);
      if (!mediaType)
        throw new AttachmentError(
          `${name} is not a PNG, JPEG, GIF or WebP image. Convert it to one of those and attach it again.`,
        );
      const { size } = await vscode.workspace.fs.stat(uri);
      if (size > MAX_IMAGE_BYTES)
        throw new AttachmentError(
          `${name} is ${(size / 1024 / 1024).toFixed(1)} MB; an image may be at most ${MAX_IMAGE_BYTES / 1024 / 1024} MB. Scale it down or crop it.`,
        );
      const bytes = await vscode.workspace.fs.readFile(uri);
      return imageAttachment(name, mediaType, Buffer.from(bytes).toString('base64'));
    },
  };
}

/** The mentions that are not files or symbols, each saying what it would attach now. */
function fixedMentions(deps: ContextSourcesDeps): ChatMention[] {
  const e = deps.editors.editor;
  const sel =
    e && !e.selection.isEmpty
      ? `${chatPath(e.document.uri)}:${e.selection.start.line + 1}-${e.selection.end.line + 1}`
      : 'nothing is selected';
  const problems = allProblems();
  const errors = problems.filter((p) => p.severity === 'error').length;
  const terminal = vscode.window.activeTerminal;
  const terminalDetail = !deps.terminals.supported
    ? 'this VS Code cannot share terminal output'
    : terminal
      ? `recent output of "${terminal.name}"`
      : 'no terminal is open';
  return [
    { kind: 'selection', label: 'selection', detail: sel },
    {
      kind: 'problems',
      label: 'problems',
      detail: `${errors} errors, ${problems.length - errors} warnings and notes in the workspace`,
    },
    { kind: 'terminal', label: 'terminal', detail: terminalDetail },
  ];
}

function matches(text: string, query: string): boolean {
  return text.toLowerCase().includes(query.toLowerCase());
}

/** Workspace files whose path contains the query (any case); the open editors' files first when the query is empty. */
async function fileMentions(query: string): Promise<ChatMention[]> {
  if (!vscode.workspace.workspaceFolders?.length) return [];
  const clean = query.replace(/[*?[\]{}!\\]/g, '');
  // Globs match case-sensitively: each letter as [xX].
  const fuzzy = [...clean].map((c) => (/[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c)).join('');
  const found = await vscode.workspace.findFiles(clean === '' ? '**/*' : `**/*${fuzzy}*`, EXCLUDE, MAX_FILES * 4);
  // Also the first files of the workspace filtered here: search backends differ in the globs they take.
  const lower = clean.toLowerCase();
  const more =
    found.length >= MAX_FILES || clean === ''
      ? []
      : (await vscode.workspace.findFiles('**/*', EXCLUDE, 5000)).filter((u) =>
          chatPath(u).toLowerCase().includes(lower),
        );
  const seen = new Set<string>();
  const uris = [...found, ...more].filter((u) => !seen.has(u.toString()) && !!seen.add(u.toString()));
  const open = new Set(vscode.window.visibleTextEditors.map((e) => e.document.uri.toString()));
  const ranked = uris
    .map((uri) => ({ uri, path: chatPath(uri) }))
    .sort(
      (a, b) =>
        rank(b, query, open) - rank(a, query, open) || a.path.length - b.path.length || a.path.localeCompare(b.path),
    )
    .slice(0, MAX_FILES);
  return ranked.map(({ uri, path }) => ({
    kind: 'file',
    label: path.split('/').pop() ?? path,
    detail: path,
    uri: uri.toString(),
  }));
}

function rank(f: { uri: vscode.Uri; path: string }, query: string, open: Set<string>): number {
  const base = (f.path.split('/').pop() ?? '').toLowerCase();
  const q = query.toLowerCase();
  return (open.has(f.uri.toString()) ? 4 : 0) + (base.startsWith(q) ? 2 : 0) + (base.includes(q) ? 1 : 0);
}

/** Symbols named like the query: the workspace's (language servers), and the active file's. */
async function symbolMentions(query: string, active: vscode.TextEditor | undefined): Promise<ChatMention[]> {
  if (query.length < 2) return [];
  const run = async <T>(command: string, arg: unknown): Promise<T[]> => {
    try {
      return (await vscode.commands.executeCommand<T[] | undefined>(command, arg)) ?? [];
    } catch {
      return []; // A language server that fails must not break the suggestions.
    }
  };
  const found: Array<{ name: string; uri: vscode.Uri; range: vscode.Range; container?: string }> = [];
  if (active) {
    const walk = (symbols: vscode.DocumentSymbol[], container?: string): void => {
      for (const s of symbols) {
        found.push({ name: s.name, uri: active.document.uri, range: s.range, ...(container ? { container } : {}) });
        walk(s.children ?? [], s.name);
      }
    };
    const docSymbols = await run<vscode.DocumentSymbol | vscode.SymbolInformation>(
      'vscode.executeDocumentSymbolProvider',
      active.document.uri,
    );
    walk(docSymbols.filter((s): s is vscode.DocumentSymbol => 'range' in s && 'children' in s));
    for (const s of docSymbols)
      if ('location' in s) found.push({ name: s.name, uri: s.location.uri, range: s.location.range });
  }
  for (const s of await run<vscode.SymbolInformation>('vscode.executeWorkspaceSymbolProvider', query)) {
    found.push({
      name: s.name,
      uri: s.location.uri,
      range: s.location.range,
      ...(s.containerName ? { container: s.containerName } : {}),
    });
  }
  const seen = new Set<string>();
  const out: ChatMention[] = [];
  for (const s of found) {
    if (!matches(s.name, query)) continue;
    const key = `${s.uri.toString()}#${s.range.start.line}:${s.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const path = chatPath(s.uri);
    out.push({
      kind: 'symbol',
      label: s.name,
      detail: `${s.container ? `${s.container} · ` : ''}${path}:${s.range.start.line + 1}`,
      uri: s.uri.toString(),
      startLine: s.range.start.line,
      endLine: s.range.end.line,
    });
    if (out.length >= MAX_SYMBOLS) break;
  }
  return out;
}

async function fileMentionAttachment(uri: vscode.Uri): Promise<ChatAttachment> {
  const name = chatPath(uri);
  let size: number;
  try {
    ({ size } = await vscode.workspace.fs.stat(uri));
  } catch {
    throw new AttachmentError(`${name} no longer exists. Mention another file.`);
  }
  // Measured before reading: a huge log file must not be read only to be refused.
  if (size > MAX_ATTACHMENT_CHARS * 4)
    throw new AttachmentError(
      `${name} is too large to attach (${Math.round(size / 1024)} KB). Open it, select the part you need and use "Add Selection to Chat".`,
    );
  let doc: vscode.TextDocument;
  try {
    doc = await vscode.workspace.openTextDocument(uri);
  } catch {
    throw new AttachmentError(`${name} could not be read as text (is it a binary file?). Mention a text file.`);
  }
  return fileAttachment({ path: name, languageId: doc.languageId, text: doc.getText() });
}

async function symbolMentionAttachment(m: Extract<ChatMention, { kind: 'symbol' }>): Promise<ChatAttachment> {
  const uri = vscode.Uri.parse(m.uri, true);
  const doc = await vscode.workspace.openTextDocument(uri);
  const last = Math.min(m.endLine, doc.lineCount - 1);
  const text = doc.getText(new vscode.Range(m.startLine, 0, last, doc.lineAt(last).text.length));
  return symbolAttachment({
    name: m.label,
    path: chatPath(uri),
    languageId: doc.languageId,
    startLine: m.startLine,
    endLine: last,
    text,
  });
}

function activeTerminalAttachment(terminals: TerminalOutputRecorder): ChatAttachment {
  if (!terminals.supported) {
    throw new AttachmentError(
      'This version of VS Code does not let extensions read terminal output. Select the output in the terminal, copy it, and paste it into the message.',
    );
  }
  const terminal = vscode.window.activeTerminal;
  if (!terminal)
    throw new AttachmentError('No terminal is open. Run the command in a terminal, then mention @terminal.');
  return terminalAttachment(terminal.name, terminals.outputOf(terminal));
}

const SEVERITY: Record<vscode.DiagnosticSeverity, ProblemSeverity> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'info',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

/** Every diagnostic VS Code holds (what the Problems view lists). */
function allProblems(): ProblemSnapshot[] {
  return vscode.languages.getDiagnostics().flatMap(([uri, diagnostics]) => {
    const path = chatPath(uri);
    return diagnostics.map((d) => {
      const code = typeof d.code === 'object' ? d.code.value : d.code;
      return {
        path,
        line: d.range.start.line + 1,
        column: d.range.start.character + 1,
        severity: SEVERITY[d.severity],
        message: d.message,
        ...(d.source ? { source: d.source } : {}),
        ...(code !== undefined ? { code: String(code) } : {}),
      };
    });
  });
}
