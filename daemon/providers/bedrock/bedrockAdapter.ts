/**
 * The `bedrock` wire format: AWS Bedrock's Converse API through the official AWS SDK. Chats go out
 * as ConverseStream (the neutral request translated by daemon/translate/converseRequest.ts; the
 * SDK signs the request and decodes the binary event stream); models are the region's foundation
 * models this account can call on demand plus its inference profiles (`us.` / `eu.` / `global.`
 * ids, the only way to call newer models); model access is checked per model and region.
 */
import {
  GetFoundationModelAvailabilityCommand,
  ListFoundationModelsCommand,
  ListInferenceProfilesCommand,
  type InferenceProfileSummary,
} from '@aws-sdk/client-bedrock';
import { ConverseStreamCommand, type ConverseStreamCommandInput } from '@aws-sdk/client-bedrock-runtime';
import type { ModelInfo, StreamDelta } from '../../../shared/protocol';
import { responseToolName } from '../../translate/anthropicBody';
import { toConverseRequest } from '../../translate/converseRequest';
import { ConverseStreamDecoder } from '../../translate/converseStreamDecoder';
import type { ChatChunk, ProviderAdapter, ResolvedConnection } from '../adapter';
import { cancelledError, incompleteError } from '../upstreamErrors';
import { controlClient, runtimeClient } from './bedrockClients';
import { bedrockError, modelAccessUrl } from './bedrockErrors';

/** Pages of inference profiles read at most (100 each): a bound, not a limit anyone reaches. */
const MAX_PROFILE_PAGES = 10;

/** Whether the account may call a model in the connection's region, and why not. */
export interface ModelAccess {
  granted: boolean;
  reason: string;
}

/** `us.anthropic.claude…` → `anthropic.claude…`: the foundation model an inference profile routes to. */
export function foundationModelOf(modelId: string): string {
  return modelId.replace(/^(us|eu|apac|us-gov|global|jp|au|ca)\./, '');
}

export const bedrockAdapter: ProviderAdapter & {
  modelAccess(conn: ResolvedConnection, model: string, signal: AbortSignal): Promise<ModelAccess>;
} = {
  async listModels(conn, signal) {
    const startedAt = performance.now();
    try {
      const client = controlClient(conn);
      const listed = await client.send(new ListFoundationModelsCommand({ byOutputModality: 'TEXT' }), {
        abortSignal: signal,
      });
      const out: ModelInfo[] = [];
      for (const m of listed.modelSummaries ?? []) {
        // A model without on-demand throughput answers only through an inference profile (listed below).
        if (!m.modelId || !(m.inferenceTypesSupported ?? []).includes('ON_DEMAND')) continue;
        out.push({
          id: m.modelId,
          ...(m.modelName && { displayName: m.providerName ? `${m.providerName} ${m.modelName}` : m.modelName }),
          ...(m.providerName && { ownedBy: m.providerName }),
        });
      }
      for (const p of await listProfiles(conn, signal)) {
        if (p.inferenceProfileId && (p.status === undefined || p.status === 'ACTIVE'))
          out.push({
            id: p.inferenceProfileId,
            ...(p.inferenceProfileName && { displayName: p.inferenceProfileName }),
          });
      }
      return out;
    } catch (error) {
      throw bedrockError(error, { conn, phase: 'models', signal, startedAt });
    }
  },

  async modelAccess(conn, model, signal) {
    const region = conn.aws?.region ?? '';
    const base = foundationModelOf(model);
    try {
      const a = await controlClient(conn).send(new GetFoundationModelAvailabilityCommand({ modelId: base }), {
        abortSignal: signal,
      });
      const granted =
        a.authorizationStatus === 'AUTHORIZED' &&
        a.entitlementAvailability === 'AVAILABLE' &&
        a.regionAvailability !== 'NOT_AVAILABLE';
      if (granted) return { granted, reason: `This account has access to ${base} in ${region}.` };
      const why =
        a.regionAvailability === 'NOT_AVAILABLE'
          ? `${base} is not offered in ${region}`
          : `this account has not been granted access to ${base} in ${region}`;
      return {
        granted,
        reason: `${why.charAt(0).toUpperCase()}${why.slice(1)}. Request it in the Bedrock console: Model access → Modify model access (${modelAccessUrl(region)}).`,
      };
    } catch (error) {
      signal.throwIfAborted();
      const e = bedrockError(error, { conn, model, phase: 'models', signal });
      return { granted: false, reason: `${e.message} ${e.data.hint}` };
    }
  },

  async *stream(conn, req, signal): AsyncGenerator<ChatChunk> {
    let text = '';
    let started = false;
    const startedAt = performance.now();
    const ctx = () => ({
      conn,
      model: req.model,
      phase: 'chat' as const,
      signal,
      partialText: text,
      started,
      startedAt,
    });
    try {
      const input = { modelId: req.model, ...toConverseRequest(req) } as unknown as ConverseStreamCommandInput;
      const answer = await runtimeClient(conn).send(new ConverseStreamCommand(input), { abortSignal: signal });
      started = true;
      const decoder = new ConverseStreamDecoder(responseToolName(req.options));
      for await (const event of answer.stream ?? []) {
        const deltas: StreamDelta[] = [];
        decoder.push(event, deltas);
        for (const d of deltas) if (d.type === 'text') text += d.text;
        if (deltas.length > 0) yield { type: 'deltas', deltas };
      }
      if (signal.aborted) throw cancelledError(ctx());
      if (!decoder.stopped) throw incompleteError(ctx(), 'ended without messageStop');
      yield { type: 'usage', usage: decoder.usage ?? { inputTokens: 0, outputTokens: 0 } };
      yield { type: 'finish', reason: decoder.finishReason };
    } catch (error) {
      throw bedrockError(error, ctx());
    }
  },
};

/** The region's inference profiles; an identity not allowed to list them still gets the foundation models. */
async function listProfiles(conn: ResolvedConnection, signal: AbortSignal): Promise<InferenceProfileSummary[]> {
  const out: InferenceProfileSummary[] = [];
  let nextToken: string | undefined;
  try {
    for (let page = 0; page < MAX_PROFILE_PAGES; page++) {
      const res = await controlClient(conn).send(
        new ListInferenceProfilesCommand({ maxResults: 100, ...(nextToken && { nextToken }) }),
        { abortSignal: signal },
      );
      out.push(...(res.inferenceProfileSummaries ?? []));
      nextToken = res.nextToken;
      if (!nextToken) break;
    }
  } catch (error) {
    if ((error as { name?: string }).name !== 'AccessDeniedException') throw error;
  }
  return out;
}
