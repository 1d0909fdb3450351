/**
 * "Import from Environment": reads `LLM_BASE_URL`/`LLM_API_KEY`/`LLM_MODEL`, `OPENAI_API_KEY`,
 * `ANTHROPIC_API_KEY`, … from VS Code's environment and each workspace folder's `.env`, shows what
 * it found (keys masked), and creates the connections the person ticks. Keys go to SecretStorage
 * through the KeyBridge, exactly like a key typed in the connection manager.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import { ConnectionsCreate, type Connection } from '../../shared/protocol';
import { envFiles } from '../config';
import { keyFingerprint, keyHint } from '../../shared/rules/keyMask';
import { RpcError, SwitchboardError } from '../../shared/client';
import type * as EnvRules from '../../shared/envImport';
import type { EnvCandidate, EnvProblem, EnvSource, EnvSources } from '../../shared/envImport';
import { describeError } from '../log';
import { guarded, type CommandDeps } from './pickConnection';

/**
 * The env-import rules (shared/envImport), the CLI's own: they check each value with the protocol's
 * field schemas, exactly as `connections/create` will. Those are zod, which extension.js leaves out,
 * so the rules are bundled apart as dist/envImport.js and loaded on the first import.
 */
function envRules(): typeof EnvRules {
  // A runtime require of a sibling file: esbuild leaves it alone (see esbuild.mjs).
  return require(join(__dirname, 'envImport.js')) as typeof EnvRules;
}

export function registerImportCommands(deps: CommandDeps): vscode.Disposable {
  return vscode.commands.registerCommand(
    'switchboard.importFromEnvironment',
    guarded(deps, 'Import from Environment failed', () => importFromEnvironment(deps)),
  );
}

/**
 * The process environment, then each configured `.env` file of each workspace folder that exists
 * (references in it expanded from the environment), with the lines that could not be read.
 */
async function readSources(): Promise<{ sources: EnvSources; problems: EnvProblem[] }> {
  const environment: EnvSource = { label: 'environment', vars: process.env };
  const files: EnvSource[] = [];
  const problems: EnvProblem[] = [];
  const folders = vscode.workspace.workspaceFolders ?? [];
  for (const folder of folders) {
    for (const file of envFiles()) {
      const uri = vscode.Uri.joinPath(folder.uri, file);
      let bytes: Uint8Array;
      try {
        bytes = await vscode.workspace.fs.readFile(uri);
      } catch {
        continue; // not there
      }
      const label = folders.length > 1 ? `${folder.name}/${file}` : file;
      const read = envRules().dotEnvSource(label, new TextDecoder().decode(bytes), environment.vars);
      files.push(read.source);
      problems.push(...read.problems);
    }
  }
  return { sources: { environment, files }, problems };
}

/** Says which variables were left out and why (values never shown), in the log and a warning. */
function reportProblems(deps: CommandDeps, problems: readonly EnvProblem[]): void {
  if (problems.length === 0) return;
  const lines = problems.map((p) => `${p.variable} (${p.source}) ${p.message}`);
  for (const line of lines) deps.log.warn(`Import from Environment: ${line}.`);
  void vscode.window.showWarningMessage(
    `Switchboard: ${problems.length === 1 ? 'a variable was' : `${problems.length} variables were`} not imported: ${lines.join('; ')}.`,
  );
}

type CandidateItem = vscode.QuickPickItem & { candidate: EnvCandidate };

/** Shows what was found and creates the ticked connections; resolves to the created ones. */
export async function importFromEnvironment(deps: CommandDeps): Promise<Connection[]> {
  await deps.store.refresh();
  const existing = deps.store.connections;
  const read = await readSources();
  const { candidates, problems } = envRules().detectConnections(
    read.sources,
    deps.store.providers,
    existing.map((c) => c.name),
  );
  reportProblems(deps, [...read.problems, ...problems]);
  if (candidates.length === 0) {
    const looked = envRules().watchedVariables(deps.store.providers);
    void vscode.window.showInformationMessage(
      `No LLM settings found in VS Code's environment or in ${envFiles().join(', ')}. Looked for ${looked.slice(0, 6).join(', ')} and ${looked.length - 6} more.`,
    );
    return [];
  }
  const items: CandidateItem[] = candidates.map((candidate) => {
    const already =
      candidate.apiKey !== undefined &&
      existing.some((c) => c.provider === candidate.provider && c.keyFingerprint === keyFingerprint(candidate.apiKey!));
    const key = candidate.apiKey ? `key ${keyHint(candidate.apiKey)} from ${candidate.keyVariable}` : 'no key';
    return {
      label: candidate.name,
      description: [deps.store.providerName(candidate.provider), candidate.defaultModel, already ? 'already added' : '']
        .filter(Boolean)
        .join(' · '),
      detail: `From ${candidate.source}: ${key}${candidate.baseUrl ? ` · ${candidate.baseUrl}` : ''}`,
      picked: !already,
      candidate,
    };
  });
  const picked = await vscode.window.showQuickPick(items, {
    title: `Switchboard: Import from Environment — found ${candidates.length}`,
    placeHolder: 'Tick the connections to create (keys are stored in VS Code secret storage)',
    canPickMany: true,
    matchOnDetail: true,
  });
  if (!picked || picked.length === 0) return [];

  const created: Connection[] = [];
  const failures: string[] = [];
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Creating connections' },
    async (progress) => {
      for (const { candidate } of picked) {
        progress.report({ message: candidate.name });
        try {
          created.push(await createFrom(deps, candidate));
        } catch (error) {
          failures.push(`${candidate.name}${failedVariable(candidate, error)}: ${describeError(error)}`);
          deps.log.warn(`Could not import "${candidate.name}"`, error);
        }
      }
    },
  );
  if (created.length) {
    deps.log.info(`Imported ${created.map((c) => `"${c.name}"`).join(', ')} from the environment.`);
    void vscode.window.showInformationMessage(
      `Switchboard: imported ${created.length} connection${created.length === 1 ? '' : 's'}: ${created.map((c) => c.name).join(', ')}.`,
    );
  }
  if (failures.length) void vscode.window.showErrorMessage(`Switchboard: could not import ${failures.join('; ')}`);
  return created;
}

async function createFrom(deps: CommandDeps, c: EnvCandidate): Promise<Connection> {
  const { connection } = await deps.daemon.request(ConnectionsCreate, {
    name: c.name,
    provider: c.provider,
    ...(c.baseUrl && { baseUrl: c.baseUrl }),
    ...(c.defaultModel && { defaultModel: c.defaultModel }),
    ...(c.organization && { organization: c.organization }),
    ...(c.apiVersion && { apiVersion: c.apiVersion }),
    ...(c.apiKey !== undefined && { keySource: 'memory' as const, apiKey: c.apiKey }),
  });
  if (c.apiKey !== undefined) await deps.keys.store(connection.id, c.apiKey);
  return connection;
}

/** ` (LLM_BASE_URL in .env)` when the daemon refused a field one variable filled; else empty. */
function failedVariable(c: EnvCandidate, error: unknown): string {
  const data =
    error instanceof SwitchboardError
      ? error.data
      : error instanceof RpcError
        ? (error.data as { field?: unknown } | undefined)
        : undefined;
  const variable = envRules().variableForField(c, typeof data?.field === 'string' ? data.field : undefined);
  return variable ? ` (${variable} in ${c.source})` : '';
}
