/**
 * Switchboard's models in VS Code's own model picker (Chat view, Copilot's agent mode) and for every
 * extension through `vscode.lm.selectChatModels({ vendor: 'switchboard' })`: the Language Model Chat
 * Provider API of VS Code 1.104+. Every answer streams through the daemon's `chat/stream`
 * (lmStream.ts), so limits, budgets, the usage ledger and fallbacks apply as for any client.
 */
import * as vscode from 'vscode';
import { SwitchboardError } from '../../shared/errors';
import { ModelsList, type ModelInfo } from '../../shared/protocol';
import type { ConnectionStore } from '../connections/connectionStore';
import type { DaemonConnection } from '../daemon/daemonConnection';
import type { Log } from '../log';
import type {
  LanguageModelChatProvider,
  LanguageModelChatRequestMessage,
  LanguageModelResponsePart,
  ProvideLanguageModelChatResponseOptions,
} from './lmApi';
import { offeredModels, usable, type OfferedModel } from './modelCatalog';
import { LmRequestError, toChatRequest, usageClientOf } from './requestMapping';
import { streamAnswer, CancelledBeforeStart, ToolArgumentsError } from './lmStream';
import { TokenCounter } from './tokenCounter';

/** The vendor VS Code files Switchboard's models under (package.json `languageModelChatProviders`). */
export const LM_VENDOR = 'switchboard';

export interface LmProviderDeps {
  daemon: DaemonConnection;
  connections: ConnectionStore;
  log: Log;
}

export class SwitchboardLmProvider implements LanguageModelChatProvider<OfferedModel>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeLanguageModelChatInformation = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];
  private readonly tokens: TokenCounter;

  constructor(private readonly deps: LmProviderDeps) {
    this.tokens = new TokenCounter((error) =>
      deps.log.warn("Could not load OpenAI's tokenizer: token counts for VS Code are estimates", error),
    );
    // Connections, keys and test results arrive through the store (the daemon's events); a daemon
    // that comes back may have other models: VS Code asks again.
    deps.connections.onDidChange(() => this.changeEmitter.fire(), undefined, this.disposables);
    deps.daemon.onDidChangeState(() => this.changeEmitter.fire(), undefined, this.disposables);
  }

  async provideLanguageModelChatInformation(
    _options: { readonly silent: boolean },
    token: vscode.CancellationToken,
  ): Promise<OfferedModel[]> {
    // Nothing here prompts: with or without `silent`, a model that cannot be offered is left out.
    const { daemon, connections, log } = this.deps;
    if (daemon.state === 'down') return [];
    try {
      await connections.ensureLoaded();
      const lists = new Map<string, readonly ModelInfo[]>();
      await Promise.all(
        connections.connections.filter(usable).map(async (c) => {
          // The daemon's cached list (never a refresh here): a dead endpoint must not hold up the picker.
          const listed = await daemon.request(ModelsList, { connectionId: c.id }).catch(() => undefined);
          if (listed) lists.set(c.id, listed.models);
        }),
      );
      if (token.isCancellationRequested) return [];
      return offeredModels({
        connections: connections.connections,
        modelsOf: (id) => lists.get(id),
        providerName: (id) => connections.providerName(id),
      });
    } catch (error) {
      log.warn("Could not list Switchboard's models for VS Code", error);
      return [];
    }
  }

  async provideLanguageModelChatResponse(
    model: OfferedModel,
    messages: readonly LanguageModelChatRequestMessage[],
    options: ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const { daemon } = this.deps;
    try {
      const request = toChatRequest(messages, options);
      await streamAnswer(
        { chatEvents: (p, o) => daemon.chatEvents(p, o) },
        { connectionId: model.connectionId, model: model.model, ...request, client: usageClientOf(options) },
        {
          text: (text) => progress.report(new vscode.LanguageModelTextPart(text)),
          toolCall: (id, name, input) => progress.report(new vscode.LanguageModelToolCallPart(id, name, input)),
        },
        token,
      );
    } catch (error) {
      if (token.isCancellationRequested || error instanceof CancelledBeforeStart) throw new vscode.CancellationError();
      throw toLanguageModelError(error, model);
    }
  }

  /** OpenAI's tokenizer for OpenAI models, an estimate that leans high for the others (tokenCounter.ts). */
  provideTokenCount(model: OfferedModel, text: string | LanguageModelChatRequestMessage): Promise<number> {
    return this.tokens.count(model.model, text);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** The daemon's message and hint, as VS Code shows a model's failure. */
export function toLanguageModelError(error: unknown, model: OfferedModel): vscode.LanguageModelError {
  if (error instanceof LmRequestError || error instanceof ToolArgumentsError)
    return new vscode.LanguageModelError(error.message);
  if (error instanceof SwitchboardError) {
    const hint = error.data.hint ? ` ${error.data.hint}` : '';
    const text = `${model.detail ?? 'Switchboard'}: ${error.message}${hint}`;
    if (error.code === 'MODEL_NOT_FOUND' || error.code === 'CONNECTION_NOT_FOUND')
      return vscode.LanguageModelError.NotFound(text);
    if (error.code === 'FORBIDDEN' || error.code === 'MODEL_NOT_ALLOWED')
      return vscode.LanguageModelError.NoPermissions(text);
    return new vscode.LanguageModelError(text);
  }
  return new vscode.LanguageModelError(
    `Switchboard could not answer: ${error instanceof Error ? error.message : String(error)}`,
  );
}
