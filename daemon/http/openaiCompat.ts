/**
 * The OpenAI- and Anthropic-compatible HTTP API on the daemon's loopback port (behind the same
 * token): `GET /v1/models` (modelsList.ts), `POST /v1/chat/completions` (chatCompletions.ts),
 * `POST /v1/embeddings` and `POST /v1/responses` (openaiApis.ts) and
 * `POST /v1/messages` + `/v1/messages/count_tokens` (anthropicMessages.ts), streaming or not, over
 * every connection: forwarded to a connection of the client's format, translated to the others.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatService } from '../chat/chatService';
import type { StreamRegistry } from '../chat/streamRegistry';
import type { ProviderCatalog } from '../catalog/providerCatalog';
import type { ConnectionService } from '../connections/service';
import type { Logger } from '../log';
import type { Caller } from '../tokens/caller';
import { anthropicErrorBody } from './anthropicErrors';
import { countTokens, messages } from './anthropicMessages';
import { chatCompletions } from './chatCompletions';
import { embeddings, responses } from './openaiApis';
import { sendModelsList, type ModelsListDeps } from './modelsList';
import { openaiErrorBody, sendJson } from './openaiErrors';

/** OpenAI's other APIs, forwarded to the providers that serve them (openaiApis.ts). */
const OPENAI_APIS: Record<string, typeof embeddings> = { '/v1/embeddings': embeddings, '/v1/responses': responses };

export interface OpenAICompatDeps {
  chat: ChatService;
  providers: ProviderCatalog;
  connections: ConnectionService;
  /** A connection's cached model ids, without waiting (see modelsList.ts). */
  cachedModelsOf: (connectionId: string) => string[] | undefined;
  /** What is known of a model (see modelsList.ts). */
  factsOf: ModelsListDeps['factsOf'];
  log: Logger;
  /** Running answers and their caps, shared with JSON-RPC (see chatSurface.ts). */
  streams: StreamRegistry;
}

export function createOpenAICompatHandler(deps: OpenAICompatDeps) {
  return async (req: IncomingMessage, res: ServerResponse, caller: Caller): Promise<boolean> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/v1/models' && req.method === 'GET') {
      sendModelsList(deps, res, caller);
      return true;
    }
    if (path === '/v1/chat/completions') {
      if (req.method !== 'POST') {
        sendJson(res, 405, openaiErrorBody('Use POST for /v1/chat/completions.', 405, 'method_not_allowed'), {
          allow: 'POST',
        });
        return true;
      }
      await chatCompletions(deps, req, res, caller);
      return true;
    }
    if (path === '/v1/messages' || path === '/v1/messages/count_tokens') {
      if (req.method !== 'POST') {
        sendJson(res, 405, anthropicErrorBody(405, `Use POST for ${path}.`), { allow: 'POST' });
        return true;
      }
      await (path === '/v1/messages' ? messages : countTokens)(deps, req, res, caller);
      return true;
    }
    const api = OPENAI_APIS[path ?? ''];
    if (api) {
      if (req.method !== 'POST') {
        sendJson(res, 405, openaiErrorBody(`Use POST for ${path}.`, 405, 'method_not_allowed'), { allow: 'POST' });
        return true;
      }
      await api(deps, req, res, caller);
      return true;
    }
    return false;
  };
}
