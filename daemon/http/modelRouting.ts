/**
 * How an OpenAI-style `model` string picks a connection: `<connection>/<model>` names both;
 * a bare `<connection>` means its default model; anything else is a model of the default
 * connection (so `gpt-4o-mini`, or OpenRouter's own `openai/gpt-4o`, work unchanged).
 * `<connection>` is an id or a name, matched by the one rule every surface uses
 * (shared/rules/connectionRef.ts); names may hold `/`, so the longest match wins.
 */
import { ErrorCode, SwitchboardError } from '../../shared/errors';
import { ambiguousConnectionMessage, matchConnection, type NamedConnection } from '../../shared/rules/connectionRef';

export type { NamedConnection };

export interface RoutedModel {
  /** Undefined: use the default connection. */
  connectionId?: string;
  /** Undefined: use the connection's default model. */
  model?: string;
}

/** Throws VALIDATION (field `model`) when the connection part is one connection's id and another's name. */
export function routeModel(requested: string, connections: readonly NamedConnection[]): RoutedModel {
  // The whole string first (a bare connection), then each prefix before a `/`, longest first, so
  // "team/gpt" beats "team" when both exist; a prefix needs a model after its `/`.
  for (let end = requested.length; end > 0; end = requested.lastIndexOf('/', end - 1)) {
    const model = end === requested.length ? undefined : requested.slice(end + 1);
    if (model === '') continue;
    const ref = requested.slice(0, end);
    const match = matchConnection(ref, connections);
    if (match.kind === 'ambiguous') {
      const { message, hint } = ambiguousConnectionMessage(ref, match.byId, match.byName);
      throw new SwitchboardError(ErrorCode.VALIDATION, `model: ${message}`, { hint, field: 'model' });
    }
    if (match.kind !== 'none') return { connectionId: match.connection.id, ...(model !== undefined && { model }) };
  }
  return { model: requested };
}

/** The public id of a connection's model in `/v1/models`. */
export function publicModelId(connectionName: string, model: string): string {
  return `${connectionName}/${model}`;
}
