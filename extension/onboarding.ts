/**
 * The "Get Started with Switchboard" walkthrough (package.json `contributes.walkthroughs`: add → test
 * → chat → usage): the command that opens it, and the context keys its steps complete on —
 * `switchboard.connectionTested` once any connection has a test result, `switchboard.chatAnswered`
 * once a chat answer finished. (`switchboard.connectionCount` is contextKeys.ts's; "usage" completes
 * on its command.)
 */
import * as vscode from 'vscode';
import type { Connection } from '../shared/protocol';
import type { ChatChange } from './chat/chatRunner';

/** The walkthrough's id in package.json. */
export const WALKTHROUGH_ID = 'switchboard.gettingStarted';

export interface OnboardingDeps {
  /** `context.extension.id` (`publisher.name`): a walkthrough is opened as `<extension id>#<walkthrough id>`. */
  extensionId: string;
  connections: { readonly connections: readonly Connection[]; onDidChange(listener: () => void): vscode.Disposable };
  runner: { onDidChangeChat(listener: (change: ChatChange) => void): { dispose(): void } };
}

/** Whether any connection was tested (by the person, the CLI, or the daemon's scheduled tests). */
export function anyTested(connections: readonly Connection[]): boolean {
  return connections.some((c) => c.lastTest !== undefined);
}

/** Whether a chat has an answer that finished. */
export function answered(change: ChatChange): boolean {
  return !change.busy && change.chat.turns.some((t) => t.role === 'assistant' && t.status === 'done');
}

export function registerOnboarding(deps: OnboardingDeps): vscode.Disposable {
  const setOnce = (key: string): (() => void) => {
    let set = false;
    return () => {
      if (set) return;
      set = true;
      void vscode.commands.executeCommand('setContext', key, true);
    };
  };
  const tested = setOnce('switchboard.connectionTested');
  const chatted = setOnce('switchboard.chatAnswered');
  const checkTested = (): void => {
    if (anyTested(deps.connections.connections)) tested();
  };
  checkTested();
  return vscode.Disposable.from(
    vscode.commands.registerCommand('switchboard.openWalkthrough', () =>
      vscode.commands.executeCommand(
        'workbench.action.openWalkthrough',
        `${deps.extensionId}#${WALKTHROUGH_ID}`,
        false,
      ),
    ),
    deps.connections.onDidChange(checkTested),
    deps.runner.onDidChangeChat((change) => {
      if (answered(change)) chatted();
    }),
  );
}
