/** `connections/export` and `connections/import`. */
import { ConnectionsExport, ConnectionsImport, ErrorCode, SwitchboardError } from '../../shared/protocol';
import type { TransferDeps } from '../transfer/deps';
import { buildExport } from '../transfer/exportDocument';
import { applyImport } from '../transfer/importApply';
import { planImport, planItems } from '../transfer/importPlan';
import { readImport } from '../transfer/readImport';
import { UnreadableImport } from '../transfer/source';
import type { Router } from './router';

export function registerTransferHandlers(router: Router, deps: TransferDeps): void {
  router.on(ConnectionsExport, () => ({ document: buildExport(deps) }));
  router.on(ConnectionsImport, async (params, { session }) => {
    let source;
    try {
      source = readImport(params.text, params.format);
    } catch (error) {
      if (error instanceof UnreadableImport)
        throw new SwitchboardError(ErrorCode.VALIDATION, error.message, { hint: error.hint, field: 'text' });
      throw error;
    }
    const plan = planImport(source, deps, params.onClash ?? 'skip');
    const connections = params.apply ? await applyImport(plan, deps, session.clientName, params.only) : undefined;
    return {
      format: source.format,
      applied: params.apply === true,
      items: planItems(plan),
      notes: plan.notes,
      ...(connections && { connections }),
    };
  });
}
