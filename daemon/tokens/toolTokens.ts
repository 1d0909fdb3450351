/**
 * Tool tokens: made, listed, revoked and checked here. A token is `sbt_` + 32 random bytes
 * (base64url); the store keeps its SHA-256 only, so `db.json`, the audit log and every list show a
 * fingerprint and never the token. Checking a presented token hashes it and looks the hash up.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ErrorCode, SwitchboardError } from '../../shared/errors';
import type { ToolToken, TokensCreateParams } from '../../shared/protocol';
import { connectionNotFound, validationError } from '../connections/errors';
import type { AuditLog } from '../store/auditLog';
import type { Database } from '../store/database';
import type { StoredToolToken } from '../store/schema';
import type { ToolCaller } from './caller';

/** Every tool token starts so: tells it from the owner token (64 hex characters) at a glance. */
export const TOOL_TOKEN_PREFIX = 'sbt_';
/** `lastUsedAt` is written at most this often per token: a hot tool must not rewrite db.json per request. */
const TOUCH_EVERY_MS = 60_000;

export type TokenCheck = { ok: true; caller: ToolCaller } | { ok: false; message: string };

export interface ToolTokensDeps {
  db: Database;
  audit: AuditLog;
  now?: () => number;
}

export class ToolTokens {
  private readonly now: () => number;
  private readonly revokedListeners = new Set<(tokenId: string) => void>();

  constructor(private readonly deps: ToolTokensDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Makes a token; the result's `secret` is the only time the token exists outside the tool. */
  async create(params: TokensCreateParams, actor: string): Promise<{ token: ToolToken; secret: string }> {
    if (params.expiresAt !== undefined && Date.parse(params.expiresAt) <= this.now()) {
      throw validationError(
        'expiresAt',
        'must be in the future.',
        'Give a later date, or omit expiresAt for a token that does not expire.',
      );
    }
    const secret = `${TOOL_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const hash = hashToken(secret);
    const record: StoredToolToken = {
      id: `tok_${randomBytes(6).toString('hex')}`,
      name: params.name,
      fingerprint: hash.slice(0, 8),
      hash,
      ...(params.connections !== undefined && { connections: [...new Set(params.connections)] }),
      ...(params.budget !== undefined && { budget: { ...params.budget } }),
      ...(params.expiresAt !== undefined && { expiresAt: new Date(params.expiresAt).toISOString() }),
      createdAt: new Date(this.now()).toISOString(),
    };
    await this.deps.db.update((db) => {
      for (const id of record.connections ?? [])
        if (!db.connections.some((c) => c.id === id)) throw connectionNotFound(id);
      const tokens = (db.tokens ??= []);
      const wanted = record.name.toLocaleLowerCase();
      if (tokens.some((t) => t.name.toLocaleLowerCase() === wanted)) {
        throw new SwitchboardError(ErrorCode.DUPLICATE_NAME, `A tool token named "${record.name}" already exists.`, {
          hint: 'Choose another name, or revoke the old token first (switchboard tokens revoke NAME).',
          field: 'name',
        });
      }
      tokens.push(record);
    });
    await this.deps.audit.append({
      client: actor,
      action: 'tokenCreate',
      name: record.name,
      details: {
        tokenId: record.id,
        fingerprint: record.fingerprint,
        connections: record.connections ?? 'all',
        ...(record.budget && { budget: record.budget }),
        ...(record.expiresAt && { expiresAt: record.expiresAt }),
      },
    });
    return { token: toPublic(record), secret };
  }

  /** Every token, oldest first, without its hash. */
  list(): ToolToken[] {
    return (this.deps.db.data.tokens ?? []).map(toPublic);
  }

  /** Removes the token: its next request is refused, and listeners close its open sockets. */
  async revoke(id: string, actor: string): Promise<ToolToken> {
    const removed = await this.deps.db.update((db) => {
      const tokens = db.tokens ?? [];
      const index = tokens.findIndex((t) => t.id === id);
      if (index < 0) throw tokenNotFound(id);
      return tokens.splice(index, 1)[0]!;
    });
    for (const listener of this.revokedListeners) listener(id);
    await this.deps.audit.append({
      client: actor,
      action: 'tokenRevoke',
      name: removed.name,
      details: { tokenId: removed.id, fingerprint: removed.fingerprint },
    });
    return toPublic(removed);
  }

  /** Called with the id of every token revoked. */
  onRevoked(listener: (tokenId: string) => void): void {
    this.revokedListeners.add(listener);
  }

  /**
   * Checks a presented token: known (not revoked) and not expired. Records the use. Anything but a
   * `sbt_` token is simply not ours (undefined), so the owner token's own check answers for it.
   */
  check(presented: string): TokenCheck | undefined {
    if (!presented.startsWith(TOOL_TOKEN_PREFIX)) return undefined;
    const hash = hashToken(presented);
    const record = (this.deps.db.data.tokens ?? []).find((t) => t.hash === hash);
    if (!record)
      return {
        ok: false,
        message:
          'This tool token is unknown or was revoked. Create a new one (switchboard tokens create --name NAME, or "Switchboard: Create Tool Token…" in VS Code) and give it to the tool.',
      };
    const refused = this.expiredMessage(record);
    if (refused) return { ok: false, message: refused };
    this.touch(record);
    return { ok: true, caller: toCaller(record) };
  }

  /**
   * The caller a token makes now, or undefined once it is revoked or expired: a WebSocket opened with
   * a token checks it again on every message.
   */
  current(tokenId: string): ToolCaller | undefined {
    const record = (this.deps.db.data.tokens ?? []).find((t) => t.id === tokenId);
    if (!record || this.expiredMessage(record)) return undefined;
    this.touch(record);
    return toCaller(record);
  }

  private expiredMessage(record: StoredToolToken): string | undefined {
    if (record.expiresAt === undefined || Date.parse(record.expiresAt) > this.now()) return undefined;
    return `Tool token "${record.name}" expired at ${record.expiresAt}. Create a new one (switchboard tokens create --name ${record.name}-2 --expires 30d) and give it to the tool.`;
  }

  private touch(record: StoredToolToken): void {
    const last = record.lastUsedAt === undefined ? 0 : Date.parse(record.lastUsedAt);
    if (this.now() - last < TOUCH_EVERY_MS) return;
    const at = new Date(this.now()).toISOString();
    this.deps.db.updateLater((data) => {
      const live = data.tokens?.find((t) => t.id === record.id);
      if (live) live.lastUsedAt = at;
    });
  }
}

/** SHA-256 of a token, hex. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function tokenNotFound(id: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.TOKEN_NOT_FOUND, `No tool token has the id "${id}".`, {
    hint: 'List tool tokens with tokens/list (or `switchboard tokens list`) and use one of their ids or names.',
    tokenId: id,
  });
}

function toPublic(record: StoredToolToken): ToolToken {
  const { hash: _hash, ...rest } = record;
  return structuredClone(rest);
}

function toCaller(record: StoredToolToken): ToolCaller {
  return {
    kind: 'tool',
    tokenId: record.id,
    name: record.name,
    ...(record.connections && { connections: record.connections }),
    ...(record.budget && { budget: record.budget }),
  };
}
