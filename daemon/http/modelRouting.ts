/**
 * How an OpenAI-style `model` string picks a connection: `<connection name>/<model>` names both;
 * a bare connection name means its default model; anything else is a model of the default
 * connection (so `gpt-4o-mini`, or OpenRouter's own `openai/gpt-4o`, work unchanged).
 */
export interface NamedConnection {
  id: string;
  name: string;
}

export interface RoutedModel {
  /** Undefined: use the default connection. */
  connectionId?: string;
  /** Undefined: use the connection's default model. */
  model?: string;
}

export function routeModel(requested: string, connections: readonly NamedConnection[]): RoutedModel {
  const lower = requested.toLocaleLowerCase();
  // Longest name first, so "team/gpt" beats "team" when both exist.
  const byLength = [...connections].sort((a, b) => b.name.length - a.name.length);
  for (const c of byLength) {
    const name = c.name.toLocaleLowerCase();
    if (lower === name) return { connectionId: c.id };
    if (lower.startsWith(`${name}/`) && requested.length > name.length + 1) return { connectionId: c.id, model: requested.slice(c.name.length + 1) };
  }
  return { model: requested };
}

/** The public id of a connection's model in `/v1/models`. */
export function publicModelId(connectionName: string, model: string): string {
  return `${connectionName}/${model}`;
}
