/**
 * A small `.env` parser: `KEY=VALUE` lines, an optional `export ` prefix, `#` comments, single
 * quotes (literal), double quotes (with \n, \t, \", \\ escapes), and inline comments after an
 * unquoted value. Enough for the files people keep API keys in; no variable expansion.
 */

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)?$/;

export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*(#|$)/.test(line)) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const key = m[1]!;
    let raw = (m[2] ?? '').trim();
    const quote = raw[0];
    if (quote === '"' || quote === "'" || quote === '`') {
      // A quoted value may span lines until its closing quote.
      let body = raw.slice(1);
      let end = closingQuote(body, quote);
      while (end < 0 && i + 1 < lines.length) {
        body += '\n' + lines[++i]!;
        end = closingQuote(body, quote);
      }
      raw = end < 0 ? body : body.slice(0, end);
      out[key] = quote === '"' ? unescape(raw) : raw;
    } else {
      out[key] = raw.replace(/\s+#.*$/, '').trim();
    }
  }
  return out;
}

function closingQuote(text: string, quote: string): number {
  for (let i = 0; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') {
      i++;
      continue;
    }
    if (text[i] === quote) return i;
  }
  return -1;
}

function unescape(text: string): string {
  return text.replace(/\\([nrt"\\])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' })[c] ?? c);
}
