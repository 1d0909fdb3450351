/**
 * What a connection carries besides how to reach it, as `connections add|edit` flags: a
 * description, the enabled switch, and generation defaults (temperature, max tokens) applied to
 * requests that set none.
 */
import type { Connection } from '../../../shared/protocol';
import { bool, int, list, num, str, type Flag, type Values } from '../args';

export const CARRIES_FLAGS: Flag[] = [
  {
    name: 'description',
    type: 'string',
    value: 'TEXT',
    description: 'What the connection is for, team notes (shown in tooltips and `show`)',
  },
  {
    name: 'temperature',
    type: 'string',
    value: 'T',
    description: 'Default temperature (0–2) for requests that set none',
  },
  {
    name: 'max-tokens',
    type: 'string',
    value: 'N',
    description: 'Default max output tokens for requests that set none',
  },
];

/** `connections add` only: create the connection switched off. */
export const DISABLED_FLAG: Flag = {
  name: 'disabled',
  type: 'boolean',
  description: 'Add it switched off (`connections enable` turns it on)',
};

/** `--unset` names handled here rather than by `unsetParams`. */
export const CARRIES_UNSET = new Set(['description', 'temperature', 'max-tokens']);

/**
 * The params for these flags. On an edit (`current` given) one default changes and the other is
 * kept, since the protocol replaces `generationDefaults` as a whole.
 */
export function carriesParams(values: Values, current?: Connection): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const unset = new Set(
    list(values, 'unset')
      .flatMap((v) => v.split(','))
      .map((v) => v.trim()),
  );
  const description = str(values, 'description');
  if (description !== undefined) out.description = description;
  else if (unset.has('description')) out.description = null;
  if (bool(values, 'disabled')) out.enabled = false;

  const temperature = num(values, 'temperature', 0, 2);
  const maxTokens = int(values, 'max-tokens', 1, 1_000_000);
  const touched =
    temperature !== undefined || maxTokens !== undefined || unset.has('temperature') || unset.has('max-tokens');
  if (!touched) return out;
  const next = { ...current?.generationDefaults };
  if (temperature !== undefined) next.temperature = temperature;
  else if (unset.has('temperature')) delete next.temperature;
  if (maxTokens !== undefined) next.maxTokens = maxTokens;
  else if (unset.has('max-tokens')) delete next.maxTokens;
  out.generationDefaults = Object.keys(next).length > 0 ? next : current ? null : undefined;
  if (out.generationDefaults === undefined) delete out.generationDefaults;
  return out;
}

/** `temperature 0.2, max 800 tokens`, or undefined when the connection has no defaults. */
export function describeDefaults(c: Connection): string | undefined {
  const d = c.generationDefaults;
  if (!d) return undefined;
  const parts = [
    d.temperature !== undefined && `temperature ${d.temperature}`,
    d.maxTokens !== undefined && `max ${d.maxTokens} tokens`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : undefined;
}
