/**
 * The one `.env` parser, used by the CLI's `import-env` and the extension's "Import from
 * Environment". Pure (no `node:*`), so any side may use it.
 *
 * It reads what dotenv reads, and expands references as dotenv-expand, python-dotenv and Docker
 * Compose do, because a `.env` written for those tools means its `${VAR}` to be expanded. Where
 * taking a value as written would import something the file's author did not mean (a quote left
 * open, a reference to a variable that is not set), the variable is left out and a problem names it
 * and its line, instead of importing `"sk-…` with its quote or `${OTHER}` as a key.
 */

/** A variable the parser left out, and why (never its value: it may be a key). */
export interface DotEnvProblem {
  variable: string;
  /** 1-based line of the assignment. */
  line: number;
  message: string;
}

export interface ParsedDotEnv {
  /** Variable → value, references expanded. Later assignments win. */
  values: Record<string, string>;
  problems: DotEnvProblem[];
}

/** Looks a referenced variable up outside the file (the process environment). */
export type OuterLookup = (name: string) => string | undefined;

/**
 * Parses the text of a `.env` file: `KEY=value` lines, optional `export `, `#` comments (inside an
 * unquoted value only after whitespace), single quotes and backticks literal, double quotes with
 * `\n` `\r` `\t` `\"` `\\` `\$` escapes, spanning lines.
 *
 * References: `${NAME}`, `${NAME:-default}` (default when unset or empty), `${NAME-default}`
 * (default when unset) and `$NAME`, in unquoted and double-quoted values, not in single-quoted or
 * backtick ones; `\$` is a literal `$`. A name is looked up in `outer` first (the process environment
 * wins over the file, as with dotenv), then among the file's own earlier assignments. A reference to
 * a variable set in neither, without a default, leaves the variable out with a problem.
 *
 * A quote that is never closed leaves the variable out with a problem. Lines that are not
 * assignments are skipped.
 */
export function parseDotEnv(text: string, outer: OuterLookup = () => undefined): ParsedDotEnv {
  const values: Record<string, string> = Object.create(null) as Record<string, string>;
  const problems: DotEnvProblem[] = [];
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const head = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*/gm;
  const lineAt = (index: number) => src.slice(0, index).split('\n').length;
  const lookup = (name: string): string | undefined => outer(name) ?? values[name];
  let pos = 0;
  while (pos < src.length) {
    head.lastIndex = pos;
    const match = head.exec(src);
    if (!match || match.index !== pos) {
      pos = nextLine(src, pos);
      continue;
    }
    const key = match[1]!;
    const line = lineAt(pos);
    const i = head.lastIndex;
    const quote = src[i];
    let value: Expanded;
    if (quote === '"' || quote === "'" || quote === '`') {
      const end = findClosingQuote(src, i + 1, quote);
      if (end < 0) {
        problems.push({
          variable: key,
          line,
          message: `its value opens a ${quote} quote that is never closed, so it was left out; close the quote (or remove it) and import again`,
        });
        pos = nextLine(src, i);
        continue;
      }
      const raw = src.slice(i + 1, end);
      value = quote === '"' ? expand(raw, lookup, true) : { text: raw };
      pos = nextLine(src, end + 1);
    } else {
      const eol = src.indexOf('\n', i);
      const rest = src.slice(i, eol < 0 ? src.length : eol);
      value = expand(rest.replace(/(^|[ \t])#.*$/, '').trim(), lookup, false);
      pos = eol < 0 ? src.length : eol + 1;
    }
    if (value.missing !== undefined) {
      problems.push({
        variable: key,
        line,
        message: `its value refers to \${${value.missing}}, which is set neither in the environment nor earlier in this file, so it was left out; set it, give a default (\${${value.missing}:-value}), or write \\$ for a literal $`,
      });
      delete values[key];
      continue;
    }
    values[key] = value.text;
  }
  return { values: { ...values }, problems };
}

interface Expanded {
  text: string;
  /** The first referenced variable that is not set (the value is then not usable). */
  missing?: string;
}

const NAME = '[A-Za-z_][A-Za-z0-9_]*';
const REFERENCE = new RegExp(`\\\\([\\\\$"nrt])|\\$\\{(${NAME})(?:(:?-)([^}]*))?\\}|\\$(${NAME})`, 'g');

/**
 * Expands references in an unquoted (`quoted` false) or double-quoted value; a double-quoted one
 * also has its backslash escapes resolved, in the same pass so `\$` stays a literal `$`.
 */
function expand(raw: string, lookup: (name: string) => string | undefined, quoted: boolean): Expanded {
  let missing: string | undefined;
  const text = raw.replace(
    REFERENCE,
    (
      whole,
      escaped: string | undefined,
      braced: string | undefined,
      op: string | undefined,
      fallback: string | undefined,
      bare: string | undefined,
    ) => {
      if (escaped !== undefined) {
        if (escaped === '$') return '$';
        if (!quoted) return whole; // unquoted values keep their backslashes, as in dotenv
        return ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[escaped] ?? escaped;
      }
      const name = (braced ?? bare)!;
      const found = lookup(name);
      if (op === ':-' && (found === undefined || found === '')) return fallback ?? '';
      if (op === '-' && found === undefined) return fallback ?? '';
      if (found === undefined) {
        missing ??= name;
        return '';
      }
      return found;
    },
  );
  return missing === undefined ? { text } : { text, missing };
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
