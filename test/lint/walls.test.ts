/**
 * The import walls of `npm run lint` (scripts/eslintWalls.mjs): each wall reports a crossing and lets
 * the allowed imports through, judged by where an import resolves rather than how it is spelled.
 */
import { Linter } from 'eslint';
import { join } from 'node:path';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without declarations
import { wallsRule } from '../../scripts/eslintWalls.mjs';

const ROOT = join(__dirname, '..', '..');
const linter = new Linter({ configType: 'flat' });
const config = [
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { switchboard: { rules: { walls: wallsRule } } },
    rules: { 'switchboard/walls': 'error' },
  },
] as Linter.Config[];

/** The wall messages `source` gets when it sits at `file` (repo-relative). */
function crossings(file: string, source: string): string[] {
  return linter.verify(source, config, { filename: join(ROOT, file) }).map((m) => m.message);
}

describe('lint walls', () => {
  it('keeps the daemon out of the extension, resolving relative paths', () => {
    expect(crossings('extension/chat/x.ts', "import { a } from '../../daemon/chat/chatService';")).toEqual([
      expect.stringContaining('never import the daemon'),
    ]);
    // The extension's own daemon-connection folder is not the daemon.
    expect(crossings('extension/chat/x.ts', "import { a } from '../daemon/daemonConnection';")).toEqual([]);
  });

  it('keeps provider SDKs under daemon/providers', () => {
    expect(crossings('daemon/chat/x.ts', "import OpenAI from 'openai';")).toEqual([
      expect.stringContaining('only under daemon/providers'),
    ]);
    expect(crossings('extension/x.ts', "import Anthropic from '@anthropic-ai/sdk';")).toHaveLength(1);
    expect(crossings('daemon/providers/x.ts', "import OpenAI from 'openai';")).toEqual([]);
  });

  it('keeps Node, ws and VS Code out of the protocol', () => {
    for (const spec of ['node:crypto', 'ws', 'vscode', 'lowdb'])
      expect(crossings('shared/protocol/x.ts', `import x from '${spec}';`), spec).toHaveLength(1);
    expect(crossings('shared/protocol/x.ts', "import { z } from 'zod';")).toEqual([]);
  });

  it('keeps VS Code, Node, host files and other pages out of webview pages, and protocol values out of their bundles', () => {
    expect(crossings('extension/chat/page/view.ts', "import * as vscode from 'vscode';")).toHaveLength(1);
    expect(crossings('extension/chat/page/view.ts', "import { randomBytes } from 'node:crypto';")).toHaveLength(1);
    expect(crossings('extension/usage/page/main.ts', "import { renderPage } from '../usageHtml';")).toEqual([
      expect.stringContaining('never host code'),
    ]);
    expect(crossings('extension/chat/page/view.ts', "import { x } from '../chatHost';")).toHaveLength(1);
    expect(
      crossings('extension/chat/page/view.ts', "import { pageNonce } from '../../webviewKit/nonce';"),
    ).toHaveLength(1);
    // Another webview's page is not a sibling: what two pages share belongs in shared/.
    expect(crossings('extension/chat/page/format.ts', "import { formatUsd } from '../../usage/page/format';")).toEqual([
      expect.stringContaining('only its siblings'),
    ]);
    expect(crossings('extension/chat/page/view.ts', "import { ChatStream } from '../../../shared/protocol';")).toEqual([
      expect.stringContaining('only types'),
    ]);
    expect(
      crossings(
        'extension/chat/page/view.ts',
        "import type { Usage } from '../../../shared/protocol';\nimport { a } from './dom';\nimport { b } from '../../../shared/webview';",
      ),
    ).toEqual([]);
    // Host files beside the pages may use VS Code, and read their own page's pure modules.
    expect(crossings('extension/manager/managerPanel.ts', "import * as vscode from 'vscode';")).toEqual([]);
    expect(crossings('extension/usage/usageHost.ts', "import { DEFAULT_DAYS } from './page/ranges';")).toEqual([]);
  });

  it('keeps the extension out of the daemon', () => {
    expect(crossings('daemon/rpc/x.ts', "import * as vscode from 'vscode';")).toHaveLength(1);
    expect(crossings('daemon/rpc/x.ts', "import { a } from '../../extension/log';")).toHaveLength(1);
  });

  it('keeps RPC and HTTP handlers off the store document: they call the slice owners', () => {
    expect(crossings('daemon/rpc/x.ts', "import type { Database } from '../store/database';")).toEqual([
      expect.stringContaining('never touches the store'),
    ]);
    expect(crossings('daemon/http/x.ts', "import { Database } from '../store/database';")).toHaveLength(1);
    expect(crossings('daemon/rpc/x.ts', "import { Low } from 'lowdb';")).toHaveLength(1);
    // Record types and the owners themselves are fine, and services may hold the document.
    expect(
      crossings(
        'daemon/rpc/x.ts',
        "import type { StoredConnection } from '../store/schema';\nimport type { SettingsStore } from '../settings/settingsStore';",
      ),
    ).toEqual([]);
    expect(crossings('daemon/settings/settingsStore.ts', "import type { Database } from '../store/database';")).toEqual(
      [],
    );
  });
});
