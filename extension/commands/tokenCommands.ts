/**
 * "Create Tool Token…" and "Revoke Tool Token…": what to give a tool (Cline, Continue, aider, a
 * script) instead of the owner token. The token is shown once, in a modal with a Copy button: the
 * daemon keeps only its hash.
 */
import * as vscode from 'vscode';
import {
  TokensCreate,
  TokensList,
  TokensRevoke,
  type Budget,
  type TokensCreateParams,
  type ToolToken,
} from '../../shared/protocol';
import { guarded, type CommandDeps } from './pickConnection';

const DAY_MS = 86_400_000;
const EXPIRIES: Array<{ label: string; days?: number }> = [
  { label: '30 days', days: 30 },
  { label: '90 days', days: 90 },
  { label: '1 year', days: 365 },
  { label: 'Never' },
];

export function registerTokenCommands(deps: CommandDeps): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(
      'switchboard.createToolToken',
      guarded(deps, 'Could not create the tool token', () => createToolToken(deps)),
    ),
    vscode.commands.registerCommand(
      'switchboard.revokeToolToken',
      guarded(deps, 'Could not revoke the tool token', () => revokeToolToken(deps)),
    ),
  );
}

/** `month:20` → a budget; empty → none; anything else → an error message for the input box. */
export function parseBudgetInput(text: string): Budget | undefined | string {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const match = /^(day|month)\s*:\s*\$?(\d+(?:\.\d+)?)$/i.exec(trimmed);
  const amount = match ? Number(match[2]) : NaN;
  if (!match || !(amount > 0)) return 'Write day:USD or month:USD, e.g. month:20 — or leave it empty for no budget.';
  return { period: match[1]!.toLowerCase() as Budget['period'], amount };
}

async function createToolToken(deps: CommandDeps): Promise<void> {
  const name = await vscode.window.showInputBox({
    title: 'Create Tool Token (1/4)',
    prompt: 'Which tool is it for? The name shows in token lists and in the Usage view.',
    placeHolder: 'cline',
    validateInput: (v) =>
      v.trim() === '' ? 'Give the token a name.' : /[/\\]/.test(v) ? 'A name cannot contain / or \\.' : undefined,
  });
  if (name === undefined) return;

  await deps.store.ensureLoaded();
  const picks = await vscode.window.showQuickPick(
    deps.store.connections.map((c) => ({ label: c.name, description: c.provider, id: c.id })),
    {
      title: 'Create Tool Token (2/4)',
      placeHolder: 'Connections the tool may use (pick none for every connection)',
      canPickMany: true,
    },
  );
  if (picks === undefined) return;

  const budgetText = await vscode.window.showInputBox({
    title: 'Create Tool Token (3/4)',
    prompt: "The token's own spending budget, in US dollars per day or month (empty: none)",
    placeHolder: 'month:20',
    validateInput: (v) => (typeof parseBudgetInput(v) === 'string' ? (parseBudgetInput(v) as string) : undefined),
  });
  if (budgetText === undefined) return;
  const budget = parseBudgetInput(budgetText) as Budget | undefined;

  const expiry = await vscode.window.showQuickPick(EXPIRIES, {
    title: 'Create Tool Token (4/4)',
    placeHolder: 'When does it stop working?',
  });
  if (expiry === undefined) return;

  const params: TokensCreateParams = {
    name: name.trim(),
    ...(picks.length > 0 && { connections: picks.map((p) => p.id) }),
    ...(budget && { budget }),
    ...(expiry.days !== undefined && { expiresAt: new Date(Date.now() + expiry.days * DAY_MS).toISOString() }),
  };
  const { token, secret } = await deps.daemon.request(TokensCreate, params);
  const copy = 'Copy Token';
  const choice = await vscode.window.showInformationMessage(
    `Tool token "${token.name}" created. Copy it now: it is not shown again.`,
    {
      modal: true,
      detail: `${secret}\n\nPut it in the tool's API key setting, with base URL http://127.0.0.1:${deps.daemon.daemonInfo?.port ?? '<port>'}/v1. It works only for inference, on ${picks.length > 0 ? picks.map((p) => p.label).join(', ') : 'every connection'}.`,
    },
    copy,
  );
  if (choice === copy) {
    await vscode.env.clipboard.writeText(secret);
    vscode.window.setStatusBarMessage(`Switchboard: tool token "${token.name}" copied.`, 4000);
  }
}

async function revokeToolToken(deps: CommandDeps): Promise<void> {
  const { tokens } = await deps.daemon.request(TokensList);
  if (tokens.length === 0) {
    void vscode.window.showInformationMessage('There are no tool tokens to revoke.');
    return;
  }
  const picked = await vscode.window.showQuickPick(
    tokens.map((t) => ({ label: t.name, description: t.fingerprint, detail: describe(t), token: t })),
    { placeHolder: 'Tool token to revoke (tools holding it are refused at once)', matchOnDescription: true },
  );
  if (!picked) return;
  const revoke = 'Revoke';
  const sure = await vscode.window.showWarningMessage(
    `Revoke tool token "${picked.token.name}"? Tools using it stop working at once.`,
    { modal: true },
    revoke,
  );
  if (sure !== revoke) return;
  await deps.daemon.request(TokensRevoke, { id: picked.token.id });
  vscode.window.setStatusBarMessage(`Switchboard: tool token "${picked.token.name}" revoked.`, 4000);
}

function describe(t: ToolToken): string {
  const parts = [
    `created ${t.createdAt.slice(0, 10)}`,
    t.lastUsedAt ? `last used ${t.lastUsedAt.slice(0, 16).replace('T', ' ')}` : 'never used',
  ];
  if (t.expiresAt) parts.push(`expires ${t.expiresAt.slice(0, 10)}`);
  if (t.budget) parts.push(`budget $${t.budget.amount}/${t.budget.period}`);
  return parts.join(' · ');
}
