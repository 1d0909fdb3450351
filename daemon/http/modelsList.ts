/**
 * `GET /v1/models`: what each route serves — `<connection>/<model>` for every enabled connection with a key,
 * and the plain ids of the default connection — with context window and capabilities where they are
 * known (the catalog's, the user's over them: models/factBook.ts).
 *
 * It answers at once, whatever the upstreams do: the lists come from the model cache as they are,
 * and one that is missing or old is refreshed in the background for the next call (ModelCache.peek),
 * so a dead endpoint never delays the answer. Until a connection's list was fetched once, it shows
 * its default and allowed models.
 */
import type { ServerResponse } from 'node:http';
import type { ConnectionService } from '../connections/service';
import { mayUseConnection, type Caller } from '../tokens/caller';
import { publicModelId } from './modelRouting';
import { sendJson } from './openaiErrors';

export interface ModelsListDeps {
  connections: ConnectionService;
  /** A connection's cached model ids, without waiting (undefined: none cached yet). */
  cachedModelsOf: (connectionId: string) => string[] | undefined;
  /** What is known of a model (the catalog's facts, the user's over them: models/factBook.ts). */
  factsOf: (
    providerId: string,
    model: string,
  ) => { contextWindow?: number; maxOutputTokens?: number; capabilities?: readonly string[] } | undefined;
}

/** One entry: OpenAI's model object, plus what the catalog knows of the model. */
export interface ModelEntry {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  context_window?: number;
  max_output_tokens?: number;
  capabilities?: readonly string[];
}

/** `caller`: a tool token sees only the connections it may use. */
export function sendModelsList(deps: ModelsListDeps, res: ServerResponse, caller: Caller): void {
  sendJson(res, 200, { object: 'list', data: modelEntries(deps, caller) });
}

export function modelEntries(deps: ModelsListDeps, caller: Caller): ModelEntry[] {
  const data: ModelEntry[] = [];
  for (const c of deps.connections.list()) {
    // A switched-off connection serves nothing, so it offers nothing.
    if (!c.keyAvailable || c.enabled === false || !mayUseConnection(caller, c.id)) continue;
    const ids = new Set([
      ...(c.defaultModel ? [c.defaultModel] : []),
      ...(c.allowedModels ?? deps.cachedModelsOf(c.id) ?? []),
    ]);
    const created = Math.floor(Date.parse(c.createdAt) / 1000);
    for (const id of ids) data.push(entry(deps, publicModelId(c.name, id), id, c.provider, created));
    // Plain ids resolve through the default connection, so list those too.
    if (c.isDefault) for (const id of ids) data.push(entry(deps, id, id, c.provider, created));
  }
  return data;
}

function entry(deps: ModelsListDeps, publicId: string, model: string, provider: string, created: number): ModelEntry {
  const facts = deps.factsOf(provider, model);
  const out: ModelEntry = { id: publicId, object: 'model', created, owned_by: provider };
  if (!facts) return out;
  if (facts.contextWindow !== undefined) out.context_window = facts.contextWindow;
  if (facts.maxOutputTokens !== undefined) out.max_output_tokens = facts.maxOutputTokens;
  if (facts.capabilities !== undefined) out.capabilities = facts.capabilities;
  return out;
}
