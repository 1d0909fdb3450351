/**
 * Reads an import file's text — JSON or YAML — and tells which format it is: a Switchboard export
 * (`format: "switchboard-export"`), LiteLLM (`model_list`), Roo/Kilo/Zoo (`providerProfiles`), VS
 * Code's language models (a list of `{vendor, models}`), Continue (`models`).
 */
import { parse as parseYaml } from 'yaml';
import { EXPORT_FORMAT, EXPORT_SCHEMA_VERSION, type ImportFormat } from '../../shared/protocol';
import { readContinue } from './formats/continueConfig';
import { readLitellm } from './formats/litellmConfig';
import { readRoo } from './formats/rooSettings';
import { readVscodeModels } from './formats/vscodeModels';
import { objectOf, UnreadableImport, type ImportSource } from './source';

function parseText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // not JSON: YAML (of which JSON is a subset, so a JSON typo is reported by the YAML reader)
  }
  try {
    // No custom tags, no merge keys, bounded aliases: a file is data, never code or a billion laughs.
    return parseYaml(text, { maxAliasCount: 100, merge: false });
  } catch (error) {
    throw new UnreadableImport(
      `The file is neither JSON nor YAML: ${(error as Error).message.split('\n')[0]?.slice(0, 200)}`,
      "Choose a Switchboard export (.json) or another tool's configuration file (Continue or LiteLLM config.yaml, chatLanguageModels.json, a Roo/Kilo settings export).",
    );
  }
}

function detect(doc: unknown): Exclude<ImportFormat, 'auto'> | undefined {
  if (Array.isArray(doc))
    return doc.some((g) => objectOf(g)?.vendor !== undefined || Array.isArray(objectOf(g)?.models))
      ? 'vscode'
      : undefined;
  const o = objectOf(doc);
  if (!o) return undefined;
  if (o.format === EXPORT_FORMAT) return 'switchboard';
  if (Array.isArray(o.model_list)) return 'litellm';
  if (objectOf(o.providerProfiles)) return 'roo';
  if (Array.isArray(o.models)) return 'continue';
  return undefined;
}

function readSwitchboard(doc: Record<string, unknown>): ImportSource {
  const version = doc.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new UnreadableImport(
      'The export has no valid schemaVersion.',
      'Export again with `switchboard export`; a hand-edited file must keep "schemaVersion": 1.',
    );
  }
  if (version > EXPORT_SCHEMA_VERSION) {
    throw new UnreadableImport(
      `The export is of schema version ${version}, newer than this Switchboard reads (${EXPORT_SCHEMA_VERSION}).`,
      'Update Switchboard (the daemon) and import it again.',
    );
  }
  const list = (key: string) => (Array.isArray(doc[key]) ? (doc[key] as unknown[]) : []);
  return {
    format: 'switchboard',
    connections: list('connections'),
    providers: list('providers'),
    prices: list('prices'),
    ...(doc.settings !== undefined && { settings: doc.settings }),
    notes: [],
  };
}

/** The import's content, or UnreadableImport saying why the file cannot be read at all. */
export function readImport(text: string, format: ImportFormat = 'auto'): ImportSource {
  const doc = parseText(text);
  const found = format === 'auto' ? detect(doc) : format;
  if (!found) {
    throw new UnreadableImport(
      'This file is not a format Switchboard imports.',
      "Switchboard imports its own exports, Continue's config.yaml (models), LiteLLM's config.yaml (model_list), VS Code's chatLanguageModels.json and Roo Code / Kilo Code / Zoo Code settings exports. Cline keeps its settings in VS Code's storage and has no export file to read.",
    );
  }
  if (found === 'vscode') {
    if (!Array.isArray(doc))
      throw new UnreadableImport(
        'A VS Code language models file is a JSON list of providers.',
        'Open it with "Chat: Open Language Models (JSON)" in VS Code and import that file.',
      );
    return readVscodeModels(doc);
  }
  const o = objectOf(doc);
  if (!o)
    throw new UnreadableImport(
      `The file is not a ${found} configuration: its top level is not an object.`,
      'Check that you chose the right file.',
    );
  switch (found) {
    case 'switchboard':
      if (o.format !== EXPORT_FORMAT)
        throw new UnreadableImport(
          'The file is not a Switchboard export (no "format": "switchboard-export").',
          'Export with `switchboard export` or "Switchboard: Export Connections".',
        );
      return readSwitchboard(o);
    case 'litellm':
      return readLitellm(o);
    case 'roo':
      return readRoo(o);
    case 'continue':
      return readContinue(o);
  }
}
