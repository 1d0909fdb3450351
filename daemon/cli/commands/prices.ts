/**
 * `switchboard prices [list] [--provider ID]` and `switchboard prices set <provider> <model>
 * --input USD --output USD | --clear`: the model prices usage is costed at. The catalog's prices may
 * be out of date; a price set here wins over them.
 */
import { PricesList, PricesSet, type PriceEntry } from '../../../shared/protocol';
import { bool, num, positionals, str, UsageError } from '../args';
import type { Group } from '../context';
import { EXIT } from '../exitCodes';

/** `$2.50`, `$0.075`: per-million prices keep their meaningful decimals. */
const perMTok = (v: number) => (v === 0 ? '$0' : `$${Number.isInteger(v * 100) ? v.toFixed(2) : String(v)}`);

const describe = (p: PriceEntry) =>
  `${p.provider} ${p.model}: ${perMTok(p.inputPerMTok)} input, ${perMTok(p.outputPerMTok)} output per million tokens (${p.source === 'user' ? 'your price' : 'catalog price'})`;

export const pricesGroup: Group = {
  name: 'prices',
  summary: 'Show and set the model prices costs are computed from',
  default: 'list',
  commands: [
    {
      name: 'list',
      summary: 'List known model prices, in US dollars per million tokens',
      usage: 'prices list [--provider ID]',
      details: `"catalog" prices are built in and may be out of date; "user" prices were set with \`switchboard prices set\`
and win over them. A price also applies to the model's dated variants (gpt-4o prices gpt-4o-2024-08-06).
A model with no price has an unknown cost. Local servers (ollama, lmstudio, vllm) cost nothing.`,
      flags: [{ name: 'provider', short: 'p', type: 'string', value: 'ID', description: 'Only this provider' }],
      async run(ctx, parsed) {
        positionals(parsed, [], this.usage);
        const provider = str(parsed.values, 'provider');
        const { prices } = await (
          await ctx.client()
        ).request(PricesList, provider === undefined ? {} : { provider: provider.toLowerCase() });
        ctx.out.data({ prices });
        if (prices.length === 0) {
          ctx.out.line(
            `No prices known${provider ? ` for ${provider}` : ''}. Add one with: switchboard prices set ${provider ?? 'PROVIDER'} MODEL --input USD --output USD`,
          );
          return EXIT.OK;
        }
        ctx.out.table(
          ['PROVIDER', 'MODEL', 'INPUT $/MTOK', 'OUTPUT $/MTOK', 'SOURCE'],
          prices.map((p) => [
            p.provider,
            p.model,
            perMTok(p.inputPerMTok),
            perMTok(p.outputPerMTok),
            p.source === 'user' ? ctx.out.paint('cyan', 'user') : ctx.out.paint('dim', 'catalog'),
          ]),
        );
        return EXIT.OK;
      },
    },
    {
      name: 'set',
      summary: "Set your own price for a provider's model, or --clear it",
      usage: 'prices set <provider> <model> (--input USD --output USD | --clear)',
      details: `Prices are US dollars per million tokens. Requests recorded from now on use the new price;
usage already recorded keeps the cost it had. Examples:
  switchboard prices set openai gpt-4o --input 2.5 --output 10
  switchboard prices set ollama llama3.2 --input 0.1 --output 0.1
  switchboard prices set openai gpt-4o --clear`,
      flags: [
        { name: 'input', type: 'string', value: 'USD', description: 'US dollars per million input tokens' },
        { name: 'output', type: 'string', value: 'USD', description: 'US dollars per million output tokens' },
        { name: 'clear', type: 'boolean', description: 'Drop your price (the catalog price, if any, applies again)' },
      ],
      async run(ctx, parsed) {
        const [provider, model] = positionals(parsed, ['provider', 'model'], this.usage);
        const input = num(parsed.values, 'input', 0, 100_000);
        const output = num(parsed.values, 'output', 0, 100_000);
        const clear = bool(parsed.values, 'clear');
        if (clear && (input !== undefined || output !== undefined))
          throw new UsageError(
            '--clear cannot be combined with --input or --output.',
            `Usage: switchboard ${this.usage}`,
          );
        if (!clear && (input === undefined || output === undefined)) {
          throw new UsageError(
            `prices set needs ${input === undefined ? '--input' : '--output'} (or --clear).`,
            'Give both prices in US dollars per million tokens, e.g. --input 2.5 --output 10.',
          );
        }
        const client = await ctx.client();
        const { price } = await client.request(PricesSet, {
          provider: provider!.toLowerCase(),
          model: model!,
          price: clear ? null : { inputPerMTok: input!, outputPerMTok: output! },
        });
        ctx.out.data({ price });
        if (!clear) ctx.out.line(`${describe(price!)}. Costs recorded from now on use it.`);
        else if (price) ctx.out.line(`Cleared your price; ${describe(price)} applies again.`);
        else ctx.out.line(`Cleared your price; ${provider} ${model} has no price now, so its cost shows as unknown.`);
        return EXIT.OK;
      },
    },
  ],
};
