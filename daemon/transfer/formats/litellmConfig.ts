/**
 * LiteLLM proxy's `config.yaml` (https://docs.litellm.ai/docs/proxy/configs): each `model_list` entry
 * `{model_name, litellm_params: {model: "<provider>/<model>", api_key: "os.environ/NAME", api_base,
 * api_version, rpm, tpm}}` becomes a connection named after `model_name`, its rpm/tpm a per-minute
 * capacity limit. Several deployments of one `model_name` (LiteLLM's load balancing) get "(2)", "(3)".
 */
import type { ImportSource } from '../source';
import { objectOf, textOf } from '../source';
import { connectionFromEntry } from './toolEntry';

/** `openai/gpt-4o` → openai, gpt-4o; a bare `gpt-4o` / `claude-…` is OpenAI's / Anthropic's, as LiteLLM reads it. */
function splitModel(model: string | undefined): { provider?: string; model?: string } {
  if (!model) return {};
  const slash = model.indexOf('/');
  if (slash > 0) return { provider: model.slice(0, slash), model: model.slice(slash + 1) };
  if (/^claude/i.test(model)) return { provider: 'anthropic', model };
  return { provider: 'openai', model };
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

export function readLitellm(doc: Record<string, unknown>): ImportSource {
  const notes: string[] = [];
  const list = Array.isArray(doc.model_list) ? doc.model_list : [];
  const seen = new Map<string, number>();
  const connections = list.map((raw, i) => {
    const entry = objectOf(raw);
    const params = objectOf(entry?.litellm_params);
    if (!entry || !params) return raw;
    const { provider, model } = splitModel(textOf(params.model));
    const base = textOf(entry.model_name) ?? model;
    const count = (seen.get(base?.toLowerCase() ?? '') ?? 0) + 1;
    seen.set(base?.toLowerCase() ?? '', count);
    const rpm = positive(params.rpm);
    const tpm = positive(params.tpm);
    return connectionFromEntry(
      {
        at: `model_list[${i}]`,
        name: base && count > 1 ? `${base} (${count})` : base,
        provider,
        baseUrl: textOf(params.api_base),
        model,
        apiKey: params.api_key,
        apiVersion: textOf(params.api_version),
        ...((rpm || tpm) && {
          capacity: [{ period: 'minute' as const, ...(rpm && { requests: rpm }), ...(tpm && { tokens: tpm }) }],
        }),
      },
      notes,
    );
  });
  if (objectOf(doc.general_settings)?.master_key !== undefined)
    notes.push("general_settings.master_key is LiteLLM's own key: not imported.");
  return { format: 'litellm', connections, providers: [], prices: [], notes };
}
