/**
 * Cohere's models. Its OpenAI compatibility API (`…/compatibility/v1`) serves chat and embeddings
 * but no model list, so a Cohere connection lists models through Cohere's own API on the same host
 * (`GET /v1/models`, paged by `page_size` / `page_token`), with the same key. Models that serve
 * neither chat nor embeddings (rerank, classify) are left out: the compatibility API cannot use them.
 */
import type OpenAI from 'openai';
import type { ModelInfo } from '../../shared/protocol';

/** Pages read at most (1000 models each): a list that never ends is the server's bug, not a reason to loop. */
const MAX_PAGES = 10;

interface CohereModel {
  name?: unknown;
  endpoints?: unknown;
}

interface CohereModelsPage {
  models?: CohereModel[];
  next_page_token?: unknown;
}

/** Cohere's own API root for a compatibility base URL (`https://api.cohere.ai/compatibility/v1` → `https://api.cohere.ai`). */
export function cohereApiRoot(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/\/compatibility\/v\d+$/, '');
}

/** The chat and embedding models of a Cohere connection, through `client` (its key, headers, retries and errors). */
export async function listCohereModels(client: OpenAI, baseUrl: string, signal: AbortSignal): Promise<ModelInfo[]> {
  const out: ModelInfo[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = new URLSearchParams({ page_size: '1000', ...(token && { page_token: token }) });
    const answer = await client.get<CohereModelsPage>(`${cohereApiRoot(baseUrl)}/v1/models?${query}`, { signal });
    for (const m of answer.models ?? []) {
      const endpoints = Array.isArray(m.endpoints) ? m.endpoints : [];
      if (typeof m.name === 'string' && m.name && (endpoints.includes('chat') || endpoints.includes('embed')))
        out.push({ id: m.name, ownedBy: 'cohere' });
    }
    token = typeof answer.next_page_token === 'string' && answer.next_page_token ? answer.next_page_token : undefined;
    if (!token) break;
  }
  return out;
}
