/** `usage/budgets`: each connection's budget and what is spent of it in the current period. */
import { UsageBudgets, type BudgetStatus } from '../../shared/protocol';
import type { ConnectionService } from '../connections/service';
import type { BudgetGuard } from '../limits/budgetGuard';
import type { Router } from './router';

export interface BudgetHandlerDeps {
  connections: ConnectionService;
  budgets: BudgetGuard;
}

export function registerBudgetHandlers(router: Router, deps: BudgetHandlerDeps): void {
  router.on(UsageBudgets, (params) => {
    // An unknown id is CONNECTION_NOT_FOUND, not an empty list that reads as "no budget".
    const conns =
      params?.connectionId !== undefined
        ? [deps.connections.stored(params.connectionId)]
        : deps.connections.list().map((c) => deps.connections.stored(c.id));
    const budgets: BudgetStatus[] = [];
    for (const conn of conns) {
      const status = deps.budgets.status(conn);
      if (status) budgets.push(status);
    }
    return { budgets };
  });
}
