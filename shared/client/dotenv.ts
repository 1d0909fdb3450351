/**
 * The one `.env` parser, used by the CLI's `import-env` and the extension's "Import from Environment".
 * No variable expansion: enough for the files people keep API keys in.
 */

/**
 * Parses the text of a `.env` file the way dotenv does: `KEY=value` lines, optional `export `,
 * `#` comments (a `#` inside an unquoted value starts a comment only after whitespace), single
 * quotes literal, double quotes with `\n` `\t` `\"` `\\` escapes and spanning lines, backticks
 * literal. Later assignments win. Malformed lines are skipped.
 */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const line = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*/gm;
  let pos = 0;
  while (pos < src.length) {
    line.lastIndex = pos;
    const head = line.exec(src);
    if (!head || head.index !== pos) {
      pos = nextLine(src, pos);
      continue;
    }
    const key = head[1]!;
    let i = line.lastIndex;
    const quote = src[i];
    let value: string;
    if (quote === '"' || quote === "'" || quote === '`') {
      const end = findClosingQuote(src, i + 1, quote);
      if (end < 0) {
        // An unterminated quote: take the rest of the line literally, as dotenv does.
        const eol = src.indexOf('\n', i);
        value = src.slice(i, eol < 0 ? src.length : eol).trim();
        pos = nextLine(src, i);
      } else {
        const raw = src.slice(i + 1, end);
        value = quote === '"' ? unescapeDouble(raw) : raw;
        pos = nextLine(src, end + 1);
      }
    } else {
      const eol = src.indexOf('\n', i);
      const rest = src.slice(i, eol < 0 ? src.length : eol);
      value = rest.replace(/(^|[ \t])#.*$/, '').trim();
      pos = eol < 0 ? src.length : eol + 1;
    }
    out[key] = value;
  }
  return { ...out };
}

function nextLine(src: string, from: number): number {
  const eol = src.indexOf('\n', from);
  return eol < 0 ? src.length : eol + 1;
}

function findClosingQuote(src: string, from: number, quote: string): number {
  for (let i = from; i < src.length; i++) {
    if (quote === '"' && src[i] === '\\') {
      i++;
      continue;
    }
    if (src[i] === quote) return i;
  }
  return -1;
}

function unescapeDouble(raw: string): string {
  return raw.replace(/\\([nrt"\\$])/g, (_m, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c as 'n' | 'r' | 't'] ?? c);
}
