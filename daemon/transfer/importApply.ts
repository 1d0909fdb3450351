/**
 * Carries out an import plan, each item on its own: providers first (connections use them), then
 * connections, then — once every imported connection has its id — their fallbacks by name, then
 * prices and settings. An item the daemon refuses becomes `fail` with the daemon's reason and hint;
 * the others still go in.
 */
import { ErrorCode, SwitchboardError, type Connection, type ImportItem } from '../../shared/protocol';
import type { TransferDeps } from './deps';
import type { ConnectionStep, ImportPlan } from './importPlan';

function markFailed(item: ImportItem, error: unknown): void {
  item.action = 'fail';
  if (error instanceof SwitchboardError) {
    item.reason = error.message;
    item.hint = error.data.hint;
  } else {
    item.reason = error instanceof Error ? error.message : String(error);
    item.hint = 'See the daemon log; the other items were imported.';
  }
}

/** Whether the user chose this item (no `only`: every item). */
function chosen(item: ImportItem, only: ReadonlySet<string> | undefined): boolean {
  if (!only || only.has(item.name) || (item.newName !== undefined && only.has(item.newName))) return true;
  if (item.action !== 'fail') {
    item.action = 'skip';
    item.reason = 'not chosen';
  }
  return false;
}

async function applyFallbacks(
  steps: ConnectionStep[],
  deps: TransferDeps,
  actor: string,
  imported: Map<string, Connection>,
): Promise<void> {
  const all = deps.connections.list();
  const idOf = (name: string) =>
    imported.get(name.toLocaleLowerCase())?.id ??
    all.find((c) => c.name.toLocaleLowerCase() === name.toLocaleLowerCase())?.id;
  for (const step of steps) {
    const target = step.item.connectionId;
    if (!target || step.item.action === 'fail' || (!step.data.fallbacks && step.item.action !== 'update')) continue;
    const names = step.data.fallbacks ?? [];
    const missing = names.filter((n) => idOf(n) === undefined);
    const fallbacks = names.map(idOf).filter((id): id is string => id !== undefined && id !== target);
    const fallbackModels = Object.fromEntries(
      Object.entries(step.data.fallbackModels ?? {}).flatMap(([name, model]) =>
        fallbacks.includes(idOf(name) ?? '') ? [[idOf(name)!, model]] : [],
      ),
    );
    if (missing.length > 0)
      step.item.needs = [
        ...(step.item.needs ?? []),
        ...missing.map((n) => `fallback "${n}" (no connection of that name)`),
      ];
    try {
      const connection = await deps.connections.update(
        {
          id: target,
          fallbacks: fallbacks.length > 0 ? fallbacks : null,
          fallbackModels: Object.keys(fallbackModels).length > 0 ? fallbackModels : null,
        },
        actor,
      );
      imported.set(connection.name.toLocaleLowerCase(), connection);
    } catch (error) {
      step.item.needs = [
        ...(step.item.needs ?? []),
        `its fallbacks (${error instanceof Error ? error.message : String(error)})`,
      ];
    }
  }
}

/** Applies the plan; the items are updated in place (connectionId, or fail with the reason). Returns the connections touched. */
export async function applyImport(
  plan: ImportPlan,
  deps: TransferDeps,
  actor: string,
  only?: readonly string[],
): Promise<Connection[]> {
  const pick = only ? new Set(only) : undefined;
  for (const step of plan.providers) {
    if (!step.input || !chosen(step.item, pick)) continue;
    try {
      await deps.providers.upsert(step.input);
    } catch (error) {
      markFailed(step.item, error);
    }
  }
  // Keyed by the name in the file (lower case): fallbacks in the file name connections by it.
  const imported = new Map<string, Connection>();
  for (const step of plan.connections) {
    if ((!step.create && !step.update) || !chosen(step.item, pick)) continue;
    try {
      if (step.create && !deps.providers.find(step.create.provider))
        throw new SwitchboardError(ErrorCode.VALIDATION, `provider: "${step.create.provider}" is not in the catalog.`, {
          hint: 'Its provider was not imported; import it first.',
          field: 'provider',
        });
      const connection = step.create
        ? await deps.connections.create(step.create, actor)
        : await deps.connections.update(step.update!, actor);
      step.item.connectionId = connection.id;
      imported.set(step.data.name.toLocaleLowerCase(), connection);
    } catch (error) {
      markFailed(step.item, error);
    }
  }
  await applyFallbacks(plan.connections, deps, actor, imported);
  for (const step of plan.prices) {
    if (!step.price || !chosen(step.item, pick)) continue;
    try {
      await deps.prices.set(step.price.provider, step.price.model, {
        inputPerMTok: step.price.inputPerMTok,
        outputPerMTok: step.price.outputPerMTok,
      });
    } catch (error) {
      markFailed(step.item, error);
    }
  }
  if (plan.settings?.patch && chosen(plan.settings.item, pick)) {
    try {
      await deps.settings.update(plan.settings.patch, actor);
    } catch (error) {
      markFailed(plan.settings.item, error);
    }
  }
  return [...imported.values()];
}
