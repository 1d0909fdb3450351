/**
 * The extension's settings (`switchboard.*`), read in one place. Declared in package.json
 * `contributes.configuration` and documented in the README.
 */
import { homedir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { defaultHome, type TransportKind } from '../shared/client';

const SECTION = 'switchboard';

export const Settings = {
  daemonHome: 'daemon.home',
  autoStart: 'daemon.autoStart',
  transport: 'daemon.transport',
  logLines: 'daemon.logLines',
  autoTestIntervalHours: 'autoTest.intervalHours',
  statusBar: 'statusBar.enabled',
  envFiles: 'importEnv.files',
} as const;

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

/** The daemon's home: the setting, else `$SWITCHBOARD_HOME`, else the platform default. `~` is expanded. */
export function daemonHome(): string {
  const configured = config().get<string>(Settings.daemonHome, '').trim();
  if (!configured) return defaultHome();
  if (configured === '~' || configured.startsWith('~/') || configured.startsWith('~\\')) {
    return path.join(homedir(), configured.slice(1));
  }
  return path.resolve(configured);
}

/** Whether to start the bundled daemon when none is running. */
export function autoStart(): boolean {
  return config().get<boolean>(Settings.autoStart, true);
}

/** `auto` (Unix socket, then TCP with the token), `unix` or `tcp`. */
export function transport(): TransportKind {
  const value = config().get<string>(Settings.transport, 'auto');
  return value === 'unix' || value === 'tcp' ? value : 'auto';
}

/** Lines of `daemon.log` shown by "Show Daemon Log". */
export function logLines(): number {
  const n = config().get<number>(Settings.logLines, 500);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 500;
}

/**
 * The auto-test interval the user set (hours, 0 = off), or undefined when they did not set one — the
 * daemon's own setting then stands, so windows with no opinion never overwrite another tool's choice.
 */
export function explicitAutoTestInterval(): number | undefined {
  const inspected = config().inspect<number>(Settings.autoTestIntervalHours);
  const value = inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
  return typeof value === 'number' && value >= 0 ? value : undefined;
}

export function statusBarEnabled(): boolean {
  return config().get<boolean>(Settings.statusBar, true);
}

/** `.env` files (relative to each workspace folder) that "Import from Environment" reads. */
export function envFiles(): string[] {
  const files = config().get<unknown>(Settings.envFiles, ['.env']);
  return Array.isArray(files) ? files.filter((f): f is string => typeof f === 'string' && f.trim() !== '') : ['.env'];
}

/** True when the change touches one of `keys` (relative to `switchboard.`). */
export function affects(event: vscode.ConfigurationChangeEvent, ...keys: string[]): boolean {
  return keys.some((k) => event.affectsConfiguration(`${SECTION}.${k}`));
}
