/**
 * What an answer says about each of its code blocks: the language and the file the block is for,
 * read from the fence (```ts src/app.ts, ```ts:src/app.ts, ```ts title="src/app.ts"), a first-line
 * comment (// src/app.ts), or the line just before the block ("In `src/app.ts`:", "**src/app.ts**").
 * Pure (markdown-it's tokens in, facts out), so it is tested without a DOM. The facts come in the
 * order markdown-it draws `<pre>` elements, which is how answerBody.ts matches them to blocks.
 */
import { parseMarkdown } from './markdown';

export interface CodeBlockInfo {
  language?: string;
  /** The file the answer says the block is for, as written (workspace-relative, usually). */
  path?: string;
}

/** Languages whose blocks get "Run in Terminal". */
const SHELLS = new Set([
  'sh',
  'bash',
  'zsh',
  'fish',
  'shell',
  'console',
  'terminal',
  'shellsession',
  'powershell',
  'pwsh',
  'ps1',
  'cmd',
  'bat',
  'batch',
]);
/** Blocks that show a session (prompts and output) rather than a script. */
const SESSIONS = new Set(['console', 'terminal', 'shellsession']);

export function isShell(language: string | undefined): boolean {
  return language !== undefined && SHELLS.has(language.toLowerCase());
}

/**
 * The command a shell block runs: the block itself, or for a session block (```console) only the
 * lines after a `$ ` prompt, without the prompt (the rest is output).
 */
export function commandOf(code: string, language: string | undefined): string {
  if (!language || !SESSIONS.has(language.toLowerCase())) return code;
  const commands = code.split('\n').flatMap((line) => {
    const m = /^\s*[$#>] (.*)$/.exec(line);
    return m ? [m[1]!] : [];
  });
  return commands.length ? commands.join('\n') : code;
}

/** A path a model would name: no spaces, no scheme, a file extension or a directory in it. */
export function looksLikePath(s: string): boolean {
  if (s.length === 0 || s.length > 260 || /\s/.test(s) || /^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return false;
  if (!/^[\w@~./\\-]+$/.test(s)) return false;
  return (
    (/\.[A-Za-z0-9]{1,10}$/.test(s) && /[A-Za-z]/.test(s.replace(/\.[A-Za-z0-9]+$/, ''))) ||
    (/[/\\]/.test(s) && /[A-Za-z]/.test(s) && !s.endsWith('/'))
  );
}

/** The language and path a fence's info string gives. */
export function fenceInfo(info: string): CodeBlockInfo {
  const words = info
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  const out: CodeBlockInfo = {};
  const [first, ...rest] = words;
  if (first) {
    const colon = /^([\w+#-]+):(.+)$/.exec(first);
    if (colon && looksLikePath(colon[2]!)) {
      out.language = colon[1]!;
      out.path = colon[2]!;
    } else if (looksLikePath(first) && /[/\\]|\.[A-Za-z0-9]+$/.test(first) && !/^[\w+#-]+$/.test(first)) {
      out.path = first;
    } else {
      out.language = first;
    }
  }
  for (const word of rest) {
    const named = /^(?:title|file|filename|path|name)=["']?([^"']+)["']?$/.exec(word);
    const candidate = named ? named[1]! : word.replace(/^["'`]|["'`]$/g, '');
    if (!out.path && looksLikePath(candidate)) out.path = candidate;
  }
  return out;
}

/** A path named in a block's first line when that line is only a comment holding it. */
export function pathInFirstLine(code: string): string | undefined {
  const first = code.split('\n', 1)[0] ?? '';
  const m = /^\s*(?:\/\/|#|--|;|\/\*|<!--)\s*(?:(?:file(?:name)?|path)\s*:\s*)?(\S+?)\s*(?:\*\/|-->)?\s*$/i.exec(first);
  return m && looksLikePath(m[1]!) && /[/\\]|\.[A-Za-z0-9]+$/.test(m[1]!) ? m[1] : undefined;
}

/** A path the line before a block names: "In `src/app.ts`:", "**src/app.ts**", "File: src/app.ts". */
export function pathInLeadIn(line: string): string | undefined {
  const trimmed = line.trim();
  if (trimmed.length > 160) return undefined;
  const marked = [...trimmed.matchAll(/`([^`]+)`|\*\*([^*]+)\*\*|__([^_]+)__/g)].map((m) =>
    (m[1] ?? m[2] ?? m[3]!).trim(),
  );
  const plain = trimmed.replace(/[*_`]/g, '');
  // Only a lead-in: the line ends with a colon, or is the path alone.
  const endsLeadIn = /:\s*$/.test(plain);
  const labelled = /^(?:file|path)\s*:\s*(\S+)\s*$/i.exec(plain)?.[1];
  const candidates = [...(labelled ? [labelled] : []), ...marked.reverse()];
  for (const c of candidates) {
    const path = c.replace(/:$/, '');
    if (!looksLikePath(path) || !/[/\\]|\.[A-Za-z0-9]+$/.test(path)) continue;
    if (c === labelled || endsLeadIn || plain.replace(/:$/, '').trim() === path) return path;
  }
  return undefined;
}

/** Facts about each code block of `markdown`, in the order its `<pre>` elements are drawn. */
export function codeBlockInfos(markdown: string): CodeBlockInfo[] {
  const tokens = parseMarkdown(markdown);
  const out: CodeBlockInfo[] = [];
  tokens.forEach((token, i) => {
    if (token.type !== 'fence' && token.type !== 'code_block') return;
    const info = token.type === 'fence' ? fenceInfo(token.info) : {};
    let path = info.path ?? pathInFirstLine(token.content);
    if (!path) {
      // The paragraph or heading just above (at most a blank line between): `inline`, then its closing tag.
      const before = tokens[i - 2];
      if (
        before?.type === 'inline' &&
        tokens[i - 1]!.type.endsWith('_close') &&
        before.map &&
        token.map &&
        token.map[0] - before.map[1] <= 1
      ) {
        path = pathInLeadIn(before.content.split('\n').at(-1) ?? '');
      }
    }
    out.push({ ...(info.language ? { language: info.language } : {}), ...(path ? { path } : {}) });
  });
  return out;
}
