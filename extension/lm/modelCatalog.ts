/**
 * Which of Switchboard's models VS Code's model picker offers, and how each is described. No
 * `vscode` import: unit-tested on plain data.
 *
 * A connection's models are offered when it can answer: its key is available and its last test did
 * not fail (untested counts as usable, as in the Connections tree). Its models are `allowedModels`
 * when set, else the models its endpoint listed (embedding-only models left out, and models the facts
 * do not know whose id says they embed, rerank, speak or draw), else its default
 * model. Token limits come from the catalog's facts of the model; a model the catalog does not know
 * gets generous limits rather than small ones, which would cut an agent's prompt short.
 */
import type { Connection, ModelInfo } from '../../shared/protocol';
import type { LanguageModelChatInformation } from './lmApi';

/** Context window assumed for a model the catalog does not know. */
export const UNKNOWN_CONTEXT_WINDOW = 128_000;
/** Output limit assumed for a model the catalog does not know. */
export const UNKNOWN_MAX_OUTPUT = 16_384;

/** A model offered in VS Code, and where its requests go. */
export interface OfferedModel extends LanguageModelChatInformation {
  readonly connectionId: string;
  readonly model: string;
}

export interface CatalogInput {
  connections: readonly Connection[];
  /** The models a connection's endpoint listed (with the catalog's facts), when known. */
  modelsOf(connectionId: string): readonly ModelInfo[] | undefined;
  providerName(providerId: string): string;
}

/** The separator of the model id VS Code keeps: `<connection id>/<model id>`. */
export function offeredId(connectionId: string, model: string): string {
  return `${connectionId}/${model}`;
}

export function offeredModels(input: CatalogInput): OfferedModel[] {
  const out: OfferedModel[] = [];
  for (const c of input.connections) {
    if (!usable(c)) continue;
    const listed = input.modelsOf(c.id) ?? [];
    const facts = new Map(listed.map((m) => [m.id, m]));
    for (const model of modelIdsOf(c, listed))
      out.push(describe(c, model, facts.get(model), input.providerName(c.provider)));
  }
  return out;
}

/** Usable: a key (or none needed) and no failed last test. */
export function usable(c: Connection): boolean {
  return c.keyAvailable && c.lastTest?.status !== 'error';
}

function modelIdsOf(c: Connection, listed: readonly ModelInfo[]): string[] {
  const ids = new Set<string>();
  if (c.allowedModels && c.allowedModels.length > 0) {
    if (c.defaultModel && c.allowedModels.includes(c.defaultModel)) ids.add(c.defaultModel);
    for (const m of c.allowedModels) ids.add(m);
    return [...ids];
  }
  if (c.defaultModel) ids.add(c.defaultModel);
  for (const m of listed) if (chatCapable(m)) ids.add(m.id);
  return [...ids];
}

/**
 * Model ids that name a kind of model that does not chat (embeddings, rerankers, speech, images,
 * moderation). Only asked of models the facts do not know: an OpenAI embedding id listed by an
 * Anthropic-format or local endpoint has no facts under that provider, yet is no chat model.
 */
const NOT_CHAT_ID = /embed|rerank|whisper|transcri|[-_]tts\b|^tts[-_]|dall-e|moderation/i;

function chatCapable(m: ModelInfo): boolean {
  const caps = m.capabilities;
  if (caps === undefined || caps.length === 0) return !NOT_CHAT_ID.test(m.id);
  return !(caps.includes('embeddings') && !caps.includes('chat'));
}

function describe(c: Connection, model: string, info: ModelInfo | undefined, providerName: string): OfferedModel {
  const context = info?.contextWindow ?? UNKNOWN_CONTEXT_WINDOW;
  const maxOutput = info?.maxOutputTokens ?? Math.min(UNKNOWN_MAX_OUTPUT, Math.floor(context / 4));
  const caps = info?.capabilities;
  return {
    id: offeredId(c.id, model),
    connectionId: c.id,
    model,
    name: `${info?.displayName ?? model} · ${c.name}`,
    family: model,
    version: model,
    detail: c.name,
    tooltip: `${model} on the Switchboard connection "${c.name}" (${providerName})${c.lastTest ? '' : ' — not tested yet'}`,
    // What the prompt may take: the window less the room kept for the answer.
    maxInputTokens: Math.max(1, context - maxOutput),
    maxOutputTokens: maxOutput,
    capabilities: {
      // A model the catalog does not know is assumed to call tools: agent mode needs it, and a
      // model that cannot will say so in its error rather than be hidden.
      toolCalling: caps === undefined ? true : caps.includes('tools'),
      imageInput: caps === undefined ? false : caps.includes('vision'),
    },
  };
}
