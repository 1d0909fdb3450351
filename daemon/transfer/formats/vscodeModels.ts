/**
 * VS Code's "Chat: Open Language Models (JSON)" file, `chatLanguageModels.json`: a list of providers
 * `{name, vendor, apiKey?, models: [{id, name, url, …}]}` ("customoai" for a custom OpenAI-compatible
 * endpoint, whose models each carry their full `…/chat/completions` URL). Each provider and base URL
 * becomes a connection whose default model is its first model.
 */
import type { ImportSource } from '../source';
import { objectOf, textOf } from '../source';
import { connectionFromEntry } from './toolEntry';

/** The base URL of a model's endpoint URL: `https://h/v1/chat/completions` → `https://h/v1`. */
function baseOf(url: string | undefined): string | undefined {
  return url?.replace(/\/+$/, '').replace(/\/(chat\/completions|responses|completions|messages)$/, '');
}

export function readVscodeModels(list: unknown[]): ImportSource {
  const notes: string[] = [];
  const connections: unknown[] = [];
  list.forEach((raw, i) => {
    const group = objectOf(raw);
    if (!group) return connections.push(raw);
    const models = (Array.isArray(group.models) ? group.models : [])
      .map(objectOf)
      .filter((m): m is Record<string, unknown> => m !== undefined);
    const byBase = new Map<string, Record<string, unknown>[]>();
    for (const m of models) {
      const base = baseOf(textOf(m.url)) ?? '';
      byBase.set(base, [...(byBase.get(base) ?? []), m]);
    }
    if (byBase.size === 0) byBase.set('', []);
    let n = 0;
    for (const [base, ms] of byBase) {
      n++;
      const name = textOf(group.name) ?? textOf(group.vendor);
      connections.push(
        connectionFromEntry(
          {
            at: `[${i}]`,
            name: name && byBase.size > 1 && n > 1 ? `${name} (${n})` : name,
            provider: textOf(group.vendor),
            baseUrl: base || undefined,
            model: textOf(ms[0]?.id),
            apiKey: group.apiKey,
          },
          notes,
        ),
      );
    }
  });
  return { format: 'vscode', connections, providers: [], prices: [], notes };
}
