/**
 * `switchboard export [--file F]` and `switchboard import F`: the configuration as one JSON document
 * without a secret, and back — or another tool's configuration (Continue, LiteLLM, VS Code's
 * chatLanguageModels.json, Roo/Kilo/Zoo settings exports). Import shows its preview first and
 * imports after confirmation (or --yes).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  ConnectionsExport,
  ConnectionsImport,
  ImportFormat,
  OnNameClash,
  type ImportItem,
  type ImportResult,
} from '../../../shared/protocol';
import { bool, list, positionals, str, UsageError } from '../args';
import type { CliContext, Group } from '../context';
import { EXIT } from '../exitCodes';
import { confirm } from '../prompt';

function describeAction(ctx: CliContext, item: ImportItem): string {
  switch (item.action) {
    case 'create':
      return ctx.out.paint('green', item.newName ? `create as "${item.newName}"` : 'create');
    case 'update':
      return ctx.out.paint('yellow', 'update');
    case 'skip':
      return ctx.out.paint('dim', `skip${item.reason ? `: ${item.reason}` : ''}`);
    case 'fail':
      return ctx.out.paint('red', `cannot import: ${item.reason ?? ''}`);
  }
}

function showPreview(ctx: CliContext, result: ImportResult): void {
  ctx.out.table(
    ['KIND', 'NAME', 'KEY', 'ACTION', 'STILL NEEDS'],
    result.items.map((i) => [i.kind, i.name, i.key ?? '-', describeAction(ctx, i), i.needs?.join(', ') ?? '']),
  );
  for (const note of result.notes) ctx.out.warn(note);
}

function choice<T extends string>(
  value: string | undefined,
  schema: { options: readonly T[] },
  flag: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (!(schema.options as readonly string[]).includes(value))
    throw new UsageError(`--${flag} must be one of ${schema.options.join(', ')} (not "${value.slice(0, 40)}").`);
  return value as T;
}

export const exportGroup: Group = {
  name: 'export',
  summary: 'Write connections, providers, prices, limits, budgets, fallbacks and settings as JSON (no secrets)',
  commands: [
    {
      name: '',
      summary: 'Write the configuration as one JSON document, without a secret',
      usage: 'export [--file F]',
      details: `Connections (with their limits, budgets and fallbacks), your own providers and prices, and the
settings, as a JSON document with a schema version — to stdout, or to --file. It never holds a
secret: a key kept by the daemon or VS Code is written as "needsKey" (give it again after importing),
an env:NAME reference stays one, and secret headers are listed by name only.
Bring it to another machine with \`switchboard import F\`.`,
      flags: [
        { name: 'file', short: 'f', type: 'string', value: 'F', description: 'Write to this file instead of stdout' },
      ],
      async run(ctx, parsed) {
        positionals(parsed, [], this.usage);
        const { document } = await (await ctx.client()).request(ConnectionsExport, {});
        const text = JSON.stringify(document, null, 2) + '\n';
        const file = str(parsed.values, 'file');
        if (file === undefined) {
          ctx.out.write(text);
          return EXIT.OK;
        }
        const target = path.resolve(file);
        try {
          writeFileSync(target, text, { mode: 0o600 });
        } catch (error) {
          throw new UsageError(
            `Cannot write ${target}: ${(error as Error).message}`,
            'Choose a folder you can write to.',
          );
        }
        const needKeys = document.connections.filter((c) => c.key.source === 'needsKey').length;
        ctx.out.note(
          `Wrote ${document.connections.length} connection(s), ${document.providers.length} provider(s) and ${document.prices.length} price(s) to ${target}.${needKeys > 0 ? ` ${needKeys} will need their key again after import (keys are never exported).` : ''}`,
        );
        return EXIT.OK;
      },
    },
  ],
};

export const importGroup: Group = {
  name: 'import',
  summary: 'Import a Switchboard export, or Continue / LiteLLM / VS Code / Roo / Kilo configuration',
  commands: [
    {
      name: '',
      summary: "Preview, then import, a Switchboard export or another tool's configuration",
      usage: 'import <file> [--format F] [--on-clash skip|rename|replace] [--only NAME]... [--yes] [--dry-run]',
      details: `Reads a Switchboard export (switchboard export), Continue's config.yaml (models), LiteLLM's
config.yaml (model_list), VS Code's chatLanguageModels.json (BYOK custom endpoints), or a Roo Code /
Kilo Code / Zoo Code settings export; --format (auto, switchboard, continue, litellm, vscode, roo)
when the guess is wrong.
It first shows what it will create, update or skip, and what cannot be imported and why; then
imports what is valid after confirmation (on a terminal) or with --yes. --dry-run only shows.
A name that exists: --on-clash skip (default) leaves it, rename adds "name (2)", replace updates the
existing connection (its key is kept).
Keys: only environment references come in (env:NAME, LiteLLM's os.environ/NAME, Continue's
\${{ secrets.NAME }}); a key written in the file is never read — that connection "needs a key",
to give with \`switchboard key set\`. Exit 1 when something could not be imported.`,
      flags: [
        {
          name: 'format',
          type: 'string',
          value: 'F',
          description: 'auto (default), switchboard, continue, litellm, vscode, roo',
        },
        {
          name: 'on-clash',
          type: 'string',
          value: 'MODE',
          description: 'A name that exists: skip (default), rename, replace',
        },
        {
          name: 'only',
          type: 'string',
          multiple: true,
          value: 'NAME',
          description: 'Import only this item (as the preview names it); repeatable',
        },
        { name: 'yes', short: 'y', type: 'boolean', description: 'Import without asking' },
        { name: 'dry-run', type: 'boolean', description: 'Only show the preview' },
      ],
      async run(ctx, parsed) {
        const [file] = positionals(parsed, ['file'], this.usage);
        const target = path.resolve(file!);
        let text: string;
        try {
          text = readFileSync(target, 'utf8');
        } catch (error) {
          throw new UsageError(`Cannot read ${target}: ${(error as Error).message}`);
        }
        const format = choice(str(parsed.values, 'format'), ImportFormat, 'format');
        const onClash = choice(str(parsed.values, 'on-clash'), OnNameClash, 'on-clash');
        const only = list(parsed.values, 'only');
        const params = {
          text,
          ...(format && { format }),
          ...(onClash && { onClash }),
          ...(only.length > 0 && { only }),
        };
        const client = await ctx.client();
        const preview = await client.request(ConnectionsImport, params);
        const todo = preview.items.filter(
          (i) =>
            (i.action === 'create' || i.action === 'update') &&
            (only.length === 0 || only.includes(i.name) || (i.newName !== undefined && only.includes(i.newName))),
        );
        const failures = preview.items.filter((i) => i.action === 'fail');
        if (!ctx.out.json) {
          ctx.out.line(`${target} (${preview.format}):`);
          showPreview(ctx, preview);
        }
        if (bool(parsed.values, 'dry-run') || todo.length === 0) {
          ctx.out.data(preview);
          if (todo.length === 0) ctx.out.line('Nothing to import.');
          return failures.length > 0 ? EXIT.FAILED : EXIT.OK;
        }
        if (!bool(parsed.values, 'yes')) {
          if (!ctx.out.interactive)
            throw new UsageError(
              `${todo.length} item(s) to import; not importing them without confirmation.`,
              'Re-run with --yes to import them, or --dry-run to only see the preview.',
            );
          if (!(await confirm(`Import ${todo.length} item(s)?`))) {
            ctx.out.note('Nothing imported.');
            return EXIT.FAILED;
          }
        }
        const result = await client.request(ConnectionsImport, { ...params, apply: true });
        ctx.out.data(result);
        const done = result.items.filter(
          (i) => i.connectionId || ((i.action === 'create' || i.action === 'update') && i.kind !== 'connection'),
        );
        const failed = result.items.filter((i) => i.action === 'fail');
        for (const f of failed)
          ctx.out.warn(`${f.kind} "${f.name}" was not imported: ${f.reason ?? ''} ${f.hint ?? ''}`.trim());
        ctx.out.line(`Imported ${done.length} item(s)${failed.length > 0 ? `; ${failed.length} could not be` : ''}.`);
        const keyless = result.items.filter((i) => i.connectionId && i.needs?.includes('a key'));
        if (keyless.length > 0)
          ctx.out.note(
            `Give the key of ${keyless.map((i) => `"${i.newName ?? i.name}"`).join(', ')} with: switchboard key set <connection>`,
          );
        return failed.length > 0 ? EXIT.FAILED : EXIT.OK;
      },
    },
  ],
};
