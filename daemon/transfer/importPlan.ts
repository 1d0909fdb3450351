/**
 * The preview of an import: what each entry of the file would create, update or skip, checked
 * against what the daemon holds now, and each entry that cannot be imported with its reason. Nothing
 * is changed here; `importApply.ts` carries the plan out.
 */
import type { z } from 'zod';
import {
  CreateConnectionParams,
  ExportedConnection,
  ExportedPrice,
  ExportedSettings,
  ProviderInput,
  SECRET_HEADER_MASK,
  UpdateConnectionParams,
  type Connection,
  type ImportItem,
  type OnNameClash,
} from '../../shared/protocol';
import type { TransferDeps } from './deps';
import type { ImportSource } from './source';
import { objectOf, textOf } from './source';

export interface ConnectionStep {
  item: ImportItem;
  data: ExportedConnection;
  create?: CreateConnectionParams;
  update?: UpdateConnectionParams;
}
export interface ProviderStep {
  item: ImportItem;
  input?: z.infer<typeof ProviderInput>;
}
export interface PriceStep {
  item: ImportItem;
  price?: ExportedPrice;
}
export interface SettingsStep {
  item: ImportItem;
  patch?: z.infer<typeof ExportedSettings>;
}

export interface ImportPlan {
  providers: ProviderStep[];
  connections: ConnectionStep[];
  prices: PriceStep[];
  settings?: SettingsStep;
  notes: string[];
}

/** The first problem zod found, as "field: message". */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

function failed(kind: ImportItem['kind'], name: string, reason: string, hint: string): ImportItem {
  return { kind, name, action: 'fail', reason, hint };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function planProviders(source: ImportSource, deps: TransferDeps, onClash: OnNameClash): ProviderStep[] {
  return source.providers.map((raw, i) => {
    const parsed = ProviderInput.safeParse(raw);
    const label = textOf(objectOf(raw)?.id) ?? `providers[${i}]`;
    if (!parsed.success)
      return {
        item: failed(
          'provider',
          label,
          firstIssue(parsed.error),
          'Fix this provider in the file, or leave it out; the rest is imported.',
        ),
      };
    const input = parsed.data;
    const existing = deps.providers.find(input.id);
    if (existing?.builtIn)
      return {
        item: failed(
          'provider',
          input.id,
          `"${input.id}" is a built-in provider.`,
          'Give the provider another id in the file (and in the connections that use it).',
        ),
      };
    if (!existing) return { item: { kind: 'provider', name: input.id, action: 'create' }, input };
    const { builtIn: _b, models: _m, ...current } = existing;
    if (same(current, input))
      return { item: { kind: 'provider', name: input.id, action: 'skip', reason: 'already the same' } };
    if (onClash !== 'replace')
      return {
        item: {
          kind: 'provider',
          name: input.id,
          action: 'skip',
          reason: 'a provider with this id exists and differs (import with "replace" to update it)',
        },
      };
    return { item: { kind: 'provider', name: input.id, action: 'update' }, input };
  });
}

/** "name (2)", "name (3)", … — the first that is free. */
function freeName(name: string, taken: Set<string>): string {
  for (let n = 2; ; n++) {
    const candidate = `${name.slice(0, 92)} (${n})`;
    if (!taken.has(candidate.toLocaleLowerCase())) return candidate;
  }
}

function keyText(data: ExportedConnection): string {
  return data.key.source === 'env' ? `env:${data.key.variable}` : data.key.source === 'none' ? 'none' : 'needs a key';
}

function connectionFields(data: ExportedConnection) {
  return {
    ...(data.description !== undefined && { description: data.description }),
    ...(data.enabled !== undefined && { enabled: data.enabled }),
    ...(data.generationDefaults !== undefined && { generationDefaults: data.generationDefaults }),
    ...(data.baseUrl !== undefined && { baseUrl: data.baseUrl }),
    ...(data.defaultModel !== undefined && { defaultModel: data.defaultModel }),
    ...(data.allowedModels !== undefined && { allowedModels: data.allowedModels }),
    ...(data.organization !== undefined && { organization: data.organization }),
    ...(data.apiVersion !== undefined && { apiVersion: data.apiVersion }),
    ...(data.timeoutMs !== undefined && { timeoutMs: data.timeoutMs }),
    ...(data.maxRetries !== undefined && { maxRetries: data.maxRetries }),
    ...(data.capacity !== undefined && { capacity: data.capacity }),
    ...(data.onLimit !== undefined && { onLimit: data.onLimit }),
    ...(data.maxQueueWaitMs !== undefined && { maxQueueWaitMs: data.maxQueueWaitMs }),
    ...(data.budget !== undefined && { budget: data.budget }),
  };
}

/** The AWS settings to create or update with: the file's, without its export-only marker. */
function awsFields(data: ExportedConnection) {
  if (data.aws === undefined) return undefined;
  const { needsSessionToken: _needs, ...aws } = data.aws;
  return aws;
}

function planConnection(
  raw: unknown,
  i: number,
  ctx: {
    deps: TransferDeps;
    onClash: OnNameClash;
    existing: Connection[];
    taken: Set<string>;
    providerIds: Set<string>;
    hasDefault: boolean;
  },
): ConnectionStep | { item: ImportItem } {
  const label = textOf(objectOf(raw)?.name) ?? `connections[${i}]`;
  const parsed = ExportedConnection.safeParse(raw);
  if (!parsed.success)
    return {
      item: failed(
        'connection',
        label,
        firstIssue(parsed.error),
        'Fix this connection in the file, or leave it out; the rest is imported.',
      ),
    };
  const data = parsed.data;
  if (!ctx.providerIds.has(data.provider)) {
    return {
      item: failed(
        'connection',
        data.name,
        `provider "${data.provider}" is not in the catalog.`,
        `Add the provider first (switchboard providers, or the file's "providers"), or change it to one of: ${[...ctx.providerIds].slice(0, 20).join(', ')}.`,
      ),
    };
  }
  const needs: string[] = [];
  const provider = ctx.deps.providers.find(data.provider);
  const requiresKey = provider?.requiresKey ?? true;
  // "needsKey": the connection had a key where it came from, so it needs one here too (even on a provider that can do without).
  if (data.key.source === 'needsKey') needs.push('a key');
  if (data.aws?.needsSessionToken) needs.push('a session token (temporary AWS credentials)');
  const clash = ctx.existing.find((c) => c.name.toLocaleLowerCase() === data.name.toLocaleLowerCase());
  const takenInFile = !clash && ctx.taken.has(data.name.toLocaleLowerCase());
  const base: ImportItem = { kind: 'connection', name: data.name, action: 'create', key: keyText(data) };

  if ((clash || takenInFile) && ctx.onClash === 'skip') {
    return {
      item: {
        ...base,
        action: 'skip',
        reason: clash ? `a connection named "${clash.name}" exists` : 'the file has another connection of this name',
        ...(clash && { existingId: clash.id }),
      },
    };
  }
  if (clash && ctx.onClash === 'replace') {
    const keep = new Set((clash.secretHeaders ?? []).map((h) => h.toLowerCase()));
    const headers: Record<string, string> = { ...(data.headers ?? {}) };
    const secretNames: string[] = [];
    for (const name of data.secretHeaders ?? []) {
      if (keep.has(name.toLowerCase())) {
        headers[name] = SECRET_HEADER_MASK; // keeps the value it has
        secretNames.push(name);
      } else needs.push(`a value for header ${name}`);
    }
    const update: UpdateConnectionParams = {
      id: clash.id,
      ...connectionFields(data),
      provider: data.provider,
      defaultModel: data.defaultModel ?? null,
      description: data.description ?? null,
      generationDefaults: data.generationDefaults ?? null,
      allowedModels: data.allowedModels ?? null,
      organization: data.organization ?? null,
      apiVersion: data.apiVersion ?? null,
      headers: Object.keys(headers).length > 0 ? headers : null,
      ...(secretNames.length > 0 && { secretHeaders: secretNames }),
      capacity: data.capacity ?? null,
      onLimit: data.onLimit ?? null,
      maxQueueWaitMs: data.maxQueueWaitMs ?? null,
      budget: data.budget ?? null,
      aws: awsFields(data) ?? null,
      // A key the daemon holds stays; an env reference or "none" from the file is taken.
      ...(data.key.source === 'env' && { keySource: `env:${data.key.variable}` }),
      ...(data.key.source === 'none' && !requiresKey && { keySource: 'none' }),
    };
    const checked = UpdateConnectionParams.safeParse(update);
    if (!checked.success)
      return {
        item: failed(
          'connection',
          data.name,
          firstIssue(checked.error),
          'Fix this connection in the file; the rest is imported.',
        ),
      };
    // The existing key is kept, so it needs none unless the existing one has none either.
    // So is its session token, while the access key id stays the same (connections/update keeps it then).
    const keepsToken = clash.aws?.hasSessionToken === true && clash.aws.accessKeyId === data.aws?.accessKeyId;
    const stillNeeds = needs.filter(
      (n) => (n !== 'a key' || !clash.keyAvailable) && (!n.startsWith('a session token') || !keepsToken),
    );
    return {
      item: {
        ...base,
        action: 'update',
        existingId: clash.id,
        key: data.key.source === 'needsKey' ? 'kept' : keyText(data),
        ...(stillNeeds.length > 0 && { needs: stillNeeds }),
      },
      data,
      update: checked.data,
    };
  }

  const name = clash || takenInFile ? freeName(data.name, ctx.taken) : data.name;
  for (const header of data.secretHeaders ?? []) needs.push(`a value for header ${header}`);
  const keySource =
    data.key.source === 'env' ? (`env:${data.key.variable}` as const) : data.key.source === 'none' ? 'none' : 'vault';
  const create: CreateConnectionParams = {
    name,
    provider: data.provider,
    ...connectionFields(data),
    ...(data.headers !== undefined && Object.keys(data.headers).length > 0 && { headers: data.headers }),
    ...(data.isDefault && !ctx.hasDefault && { isDefault: true }),
    ...(data.aws !== undefined && { aws: awsFields(data) }),
    keySource,
  };
  const checked = CreateConnectionParams.safeParse(create);
  if (!checked.success)
    return {
      item: failed(
        'connection',
        data.name,
        firstIssue(checked.error),
        'Fix this connection in the file; the rest is imported.',
      ),
    };
  ctx.taken.add(name.toLocaleLowerCase());
  return {
    item: {
      ...base,
      ...(name !== data.name && { newName: name, ...(clash && { existingId: clash.id }) }),
      ...(needs.length > 0 && { needs }),
    },
    data,
    create: checked.data,
  };
}

function planPrices(source: ImportSource, deps: TransferDeps, providerIds: Set<string>): PriceStep[] {
  const current = deps.prices.list().filter((p) => p.source === 'user');
  return source.prices.map((raw, i) => {
    const o = objectOf(raw);
    const label = o ? `${String(o.provider)}/${String(o.model)}` : `prices[${i}]`;
    const parsed = ExportedPrice.safeParse(raw);
    if (!parsed.success)
      return {
        item: failed('price', label, firstIssue(parsed.error), 'Fix this price in the file; the rest is imported.'),
      };
    const price = parsed.data;
    const name = `${price.provider}/${price.model}`;
    if (!providerIds.has(price.provider))
      return {
        item: failed(
          'price',
          name,
          `provider "${price.provider}" is not in the catalog.`,
          'Add the provider first, or leave this price out.',
        ),
      };
    const mine = current.find(
      (p) => p.provider === price.provider && p.model.toLowerCase() === price.model.toLowerCase(),
    );
    if (mine && mine.inputPerMTok === price.inputPerMTok && mine.outputPerMTok === price.outputPerMTok)
      return { item: { kind: 'price', name, action: 'skip', reason: 'already the same' } };
    return { item: { kind: 'price', name, action: mine ? 'update' : 'create' }, price };
  });
}

function planSettings(source: ImportSource, deps: TransferDeps): SettingsStep | undefined {
  if (source.settings === undefined) return undefined;
  const parsed = ExportedSettings.safeParse(source.settings);
  if (!parsed.success)
    return {
      item: failed(
        'settings',
        'settings',
        firstIssue(parsed.error),
        'Fix the settings in the file; the rest is imported.',
      ),
    };
  const current = deps.settings.get();
  const patch = Object.fromEntries(
    Object.entries(parsed.data).filter(([k, v]) => v !== undefined && current[k as keyof typeof current] !== v),
  );
  if (Object.keys(patch).length === 0)
    return { item: { kind: 'settings', name: 'settings', action: 'skip', reason: 'already the same' } };
  return {
    item: { kind: 'settings', name: 'settings', action: 'update', reason: `changes ${Object.keys(patch).join(', ')}` },
    patch,
  };
}

export function planImport(source: ImportSource, deps: TransferDeps, onClash: OnNameClash): ImportPlan {
  const providers = planProviders(source, deps, onClash);
  const providerIds = new Set([
    ...deps.providers.list().map((p) => p.id),
    ...providers.filter((p) => p.item.action === 'create').map((p) => p.item.name),
  ]);
  const existing = deps.connections.list();
  const ctx = {
    deps,
    onClash,
    existing,
    taken: new Set(existing.map((c) => c.name.toLocaleLowerCase())),
    providerIds,
    hasDefault: existing.some((c) => c.isDefault),
  };
  const connections = source.connections.map((raw, i) => planConnection(raw, i, ctx)) as ConnectionStep[];
  const settings = planSettings(source, deps);
  return {
    providers,
    connections,
    prices: planPrices(source, deps, providerIds),
    ...(settings && { settings }),
    notes: [...source.notes],
  };
}

/** Every item of a plan, in the order they are applied. */
export function planItems(plan: ImportPlan): ImportItem[] {
  return [
    ...plan.providers.map((s) => s.item),
    ...plan.connections.map((s) => s.item),
    ...plan.prices.map((s) => s.item),
    ...(plan.settings ? [plan.settings.item] : []),
  ];
}
