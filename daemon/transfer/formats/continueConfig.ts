/**
 * Continue's configuration (https://docs.continue.dev/reference): `config.yaml`'s `models:` list —
 * `{name, provider, model, apiBase?, apiKey?}`, the key usually `${{ secrets.NAME }}` — and the older
 * `config.json`'s `models` with `title` for the name. Each model becomes a connection.
 */
import type { ImportSource } from '../source';
import { objectOf, textOf } from '../source';
import { connectionFromEntry } from './toolEntry';

export function readContinue(doc: Record<string, unknown>): ImportSource {
  const notes: string[] = [];
  const models = Array.isArray(doc.models) ? doc.models : [];
  const connections = models.map((raw, i) => {
    const m = objectOf(raw);
    if (!m) return raw;
    if (m.uses !== undefined)
      notes.push(
        `models[${i}]: "uses: ${String(m.uses)}" is a Continue Hub block; only models written out in the file are imported.`,
      );
    return connectionFromEntry(
      {
        at: `models[${i}]`,
        name: textOf(m.name) ?? textOf(m.title),
        provider: textOf(m.provider),
        baseUrl: textOf(m.apiBase),
        model: textOf(m.model),
        apiKey: m.apiKey,
      },
      notes,
    );
  });
  return { format: 'continue', connections, providers: [], prices: [], notes };
}
