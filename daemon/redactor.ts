/**
 * Scrubs keys out of text before it can reach a log line, an error message, the store or a client.
 *
 * Two nets: every key the daemon holds is registered here (exact match, plus the long fragments
 * providers echo back, e.g. OpenAI's 401 message quotes the key's ends), and anything that merely
 * looks like a credential (`sk-…`, `Bearer …`) is masked too, for keys the daemon never saw.
 */
import { keyHint } from '../shared/rules/keyMask';

const LOOKS_LIKE_KEY = [
  /\b(sk|pk|rk|gsk|xai|csk|fw|sk-ant|sk-or|sk-proj)-[A-Za-z0-9_\-*.]{8,}/g,
  /\bAIza[0-9A-Za-z_\-]{20,}/g,
  /(\bBearer\s+)[A-Za-z0-9._~+\/\-=*]{8,}/gi,
];

export class Redactor {
  /** Each key with the number of holders that registered it (a key can sit in the vault and in memory at once). */
  private readonly secrets = new Map<string, number>();
  /** Keys under 8 characters: too short to scrub from all text, still scrubbed from upstream text ({@link redactUpstream}). */
  private readonly shortSecrets = new Map<string, number>();

  /**
   * Registers a key to scrub, on behalf of one holder. Short strings are ignored: scrubbing "abc"
   * everywhere would mangle text. A header value such as `Bearer <token>` registers the token too,
   * since the token alone is what an upstream or an SDK echoes back.
   */
  add(secret: string): void {
    for (const piece of pieces(secret)) this.secrets.set(piece, (this.secrets.get(piece) ?? 0) + 1);
    const short = shortPiece(secret);
    if (short) this.shortSecrets.set(short, (this.shortSecrets.get(short) ?? 0) + 1);
  }

  /** One holder lets go of a key; it stops being scrubbed when no holder is left. */
  remove(secret: string): void {
    for (const piece of pieces(secret)) release(this.secrets, piece);
    const short = shortPiece(secret);
    if (short) release(this.shortSecrets, short);
  }

  /**
   * {@link redact}, and also every registered key of any length: for text an upstream wrote (error
   * messages), which may quote the key it was sent ("Key abc has no access"). Such text is short
   * and only read on failures, so mangling a word that happens to equal a short key is acceptable.
   */
  redactUpstream(text: string): string {
    let out = this.redact(text);
    for (const secret of this.shortSecrets.keys()) if (out.includes(secret)) out = out.split(secret).join('…');
    return out;
  }

  /** Returns the text with every known key and every key-looking token replaced by its mask. */
  redact(text: string): string {
    let out = text;
    // Whole secrets first: a fragment of one (`Bearer <token>`) must not cut up another (`<token>`) before it is found whole.
    for (const secret of this.secrets.keys()) if (out.includes(secret)) out = out.split(secret).join(keyHint(secret));
    for (const secret of this.secrets.keys()) {
      // Providers echo partial keys ("sk-abc***...wxyz"); a 12-char prefix or suffix of a known key is enough to scrub.
      if (secret.length >= 20) {
        for (const fragment of [secret.slice(0, 12), secret.slice(-12)])
          if (out.includes(fragment)) out = out.split(fragment).join('…');
      }
    }
    for (const pattern of LOOKS_LIKE_KEY) {
      out = out.replace(pattern, (match, bearer?: string) =>
        typeof bearer === 'string' && /bearer/i.test(bearer) ? `${bearer}[redacted]` : '[redacted key]',
      );
    }
    return out;
  }

  /** Redacts every string inside a JSON-like value (for error data and log fields). */
  redactDeep<T>(value: T): T {
    return mapStrings(value, (text) => this.redact(text));
  }
}

const AUTH_SCHEME = /^(?:bearer|basic|token)\s+(\S.*)$/i;

/** What to scrub for one secret: itself, and the credential after an auth scheme (`Bearer …`); each at least 8 characters. */
function pieces(secret: string): string[] {
  const credential = AUTH_SCHEME.exec(secret.trim())?.[1]?.trim();
  const out = credential !== undefined && credential !== secret ? [secret, credential] : [secret];
  return out.filter((piece) => piece.length >= 8);
}

/** The key itself when it is too short for {@link pieces} (1 to 7 characters after trimming). */
function shortPiece(secret: string): string | undefined {
  const trimmed = secret.trim();
  return trimmed.length > 0 && trimmed.length < 8 ? trimmed : undefined;
}

function release(counts: Map<string, number>, piece: string): void {
  const count = counts.get(piece) ?? 0;
  if (count > 1) counts.set(piece, count - 1);
  else counts.delete(piece);
}

/** Applies `fn` to every string inside a JSON-like value, returning a copy. */
export function mapStrings<T>(value: T, fn: (text: string) => string): T {
  if (typeof value === 'string') return fn(value) as T;
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapStrings(v, fn);
    return out as T;
  }
  return value;
}

/** The daemon's one redactor: every key it loads or receives is registered here. */
export const redactor = new Redactor();
