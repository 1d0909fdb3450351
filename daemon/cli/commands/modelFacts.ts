/**
 * `switchboard model-facts [list] [--provider ID]`, `model-facts set <provider> <model> [--context N]
 * [--max-output N] [--capabilities LIST]` and `model-facts reset <provider> <model>`: the context
 * window, longest answer and capabilities `/v1/models` and VS Code's model picker
 * show. The catalog's figures may be out of date or missing; what is set here wins over them.
 */
import { ModelFactsList, ModelFactsSet, type ModelCapability, type ModelFactsEntry } from '../../../shared/protocol';
import { num, positionals, str, UsageError } from '../args';
import type { Group } from '../context';
import { EXIT } from '../exitCodes';

const CAPABILITIES: readonly ModelCapability[] = ['chat', 'tools', 'vision', 'reasoning', 'embeddings'];

/** `128000` → `128k`, `1048576` → `1.05M`: a window is read at a glance. */
const tokens = (n: number | undefined) =>
  n === undefined
    ? ''
    : n >= 1_000_000
      ? `${+(n / 1_000_000).toFixed(2)}M`
      : n >= 1000
        ? `${+(n / 1000).toFixed(1)}k`
        : String(n);

const describe = (f: ModelFactsEntry) =>
  `${f.provider} ${f.model}: ${f.contextWindow === undefined ? 'context window unknown' : `${f.contextWindow} tokens of context`}` +
  `${f.maxOutputTokens === undefined ? '' : `, answers up to ${f.maxOutputTokens} tokens`}` +
  `${f.capabilities === undefined ? '' : `, ${f.capabilities.join(', ') || 'no capabilities'}`} (${f.source === 'user' ? 'your facts' : 'catalog facts'})`;

function capabilitiesFlag(raw: string | undefined): ModelCapability[] | undefined {
  if (raw === undefined) return undefined;
  const list = raw
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter(Boolean);
  const wrong = list.filter((c) => !CAPABILITIES.includes(c as ModelCapability));
  if (wrong.length > 0)
    throw new UsageError(
      `--capabilities: "${wrong[0]!.slice(0, 40)}" is not a capability.`,
      `Use a comma-separated list of: ${CAPABILITIES.join(', ')}.`,
    );
  return [...new Set(list)] as ModelCapability[];
}

export const modelFactsGroup: Group = {
  name: 'model-facts',
  summary: 'Show and correct what is known of models (context window, output limit, capabilities)',
  default: 'list',
  commands: [
    {
      name: 'list',
      summary: 'List known model facts',
      usage: 'model-facts list [--provider ID]',
      details: `"catalog" facts are built in and may be out of date; "user" facts were set with \`switchboard model-facts set\`
and win over them, field by field. Facts also apply to a model's dated variants (gpt-4o covers gpt-4o-2024-08-06).
/v1/models and VS Code's model picker show them.`,
      flags: [{ name: 'provider', short: 'p', type: 'string', value: 'ID', description: 'Only this provider' }],
      async run(ctx, parsed) {
        positionals(parsed, [], this.usage);
        const provider = str(parsed.values, 'provider');
        const { facts } = await (
          await ctx.client()
        ).request(ModelFactsList, provider === undefined ? {} : { provider: provider.toLowerCase() });
        ctx.out.data({ facts });
        if (facts.length === 0) {
          ctx.out.line(
            `No model facts known${provider ? ` for ${provider}` : ''}. Add some with: switchboard model-facts set ${provider ?? 'PROVIDER'} MODEL --context TOKENS`,
          );
          return EXIT.OK;
        }
        ctx.out.table(
          ['PROVIDER', 'MODEL', 'CONTEXT', 'MAX OUTPUT', 'CAPABILITIES', 'SOURCE'],
          facts.map((f) => [
            f.provider,
            f.model,
            tokens(f.contextWindow),
            tokens(f.maxOutputTokens),
            (f.capabilities ?? []).join(','),
            f.source === 'user' ? ctx.out.paint('cyan', 'user') : ctx.out.paint('dim', 'catalog'),
          ]),
        );
        return EXIT.OK;
      },
    },
    {
      name: 'set',
      summary: "Set your own facts for a provider's model",
      usage: 'model-facts set <provider> <model> [--context TOKENS] [--max-output TOKENS] [--capabilities LIST]',
      details: `Fields you do not give keep the catalog's. Capabilities: a comma-separated list of ${CAPABILITIES.join(', ')}
(it replaces the catalog's list). Examples:
  switchboard model-facts set ollama llama3.2 --context 131072 --capabilities chat,tools
  switchboard model-facts set openai gpt-4o --max-output 8192
  switchboard model-facts reset openai gpt-4o`,
      flags: [
        {
          name: 'context',
          type: 'string',
          value: 'TOKENS',
          description: 'Tokens of input (prompt + answer) the model accepts',
        },
        { name: 'max-output', type: 'string', value: 'TOKENS', description: 'Longest answer in tokens' },
        {
          name: 'capabilities',
          type: 'string',
          value: 'LIST',
          description: `Comma-separated: ${CAPABILITIES.join(', ')}`,
        },
      ],
      async run(ctx, parsed) {
        const [provider, model] = positionals(parsed, ['provider', 'model'], this.usage);
        const contextWindow = num(parsed.values, 'context', 1, 100_000_000);
        const maxOutputTokens = num(parsed.values, 'max-output', 1, 100_000_000);
        const capabilities = capabilitiesFlag(str(parsed.values, 'capabilities'));
        if (contextWindow === undefined && maxOutputTokens === undefined && capabilities === undefined) {
          throw new UsageError(
            'model-facts set needs --context, --max-output or --capabilities.',
            'To drop your facts instead, run: switchboard model-facts reset <provider> <model>',
          );
        }
        for (const [flag, v] of [
          ['context', contextWindow],
          ['max-output', maxOutputTokens],
        ] as const) {
          if (v !== undefined && !Number.isInteger(v))
            throw new UsageError(`--${flag} must be a whole number of tokens.`);
        }
        const fields = {
          ...(contextWindow !== undefined && { contextWindow }),
          ...(maxOutputTokens !== undefined && { maxOutputTokens }),
          ...(capabilities !== undefined && { capabilities }),
        };
        const { facts } = await (
          await ctx.client()
        ).request(ModelFactsSet, { provider: provider!.toLowerCase(), model: model!, facts: fields });
        ctx.out.data({ facts });
        ctx.out.line(`${describe(facts!)}.`);
        return EXIT.OK;
      },
    },
    {
      name: 'reset',
      summary: "Drop your facts for a provider's model (the catalog's apply again)",
      usage: 'model-facts reset <provider> <model>',
      flags: [],
      async run(ctx, parsed) {
        const [provider, model] = positionals(parsed, ['provider', 'model'], this.usage);
        const { facts } = await (
          await ctx.client()
        ).request(ModelFactsSet, { provider: provider!.toLowerCase(), model: model!, facts: null });
        ctx.out.data({ facts });
        ctx.out.line(
          facts
            ? `Dropped your facts; ${describe(facts)} applies again.`
            : `Dropped your facts; nothing is known of ${provider} ${model} now.`,
        );
        return EXIT.OK;
      },
    },
  ],
};
