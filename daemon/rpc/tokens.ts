/** `tokens/*`: tool tokens (see tokens/toolTokens.ts). Owner only: the router refuses them to tool tokens. */
import { TokensCreate, TokensList, TokensRevoke } from '../../shared/protocol';
import type { BudgetGuard } from '../limits/budgetGuard';
import type { ToolTokens } from '../tokens/toolTokens';
import type { Router } from './router';

export interface TokenHandlerDeps {
  tokens: ToolTokens;
  budgets: BudgetGuard;
}

export function registerTokenHandlers(router: Router, deps: TokenHandlerDeps): void {
  router.on(TokensCreate, (params, { session }) => deps.tokens.create(params, session.clientName));
  router.on(TokensList, () => ({
    tokens: deps.tokens.list().map((token) => {
      const spent = token.budget && deps.budgets.tokenStatus({ tokenId: token.id, budget: token.budget });
      return spent ? { ...token, spentUsd: spent.spentUsd } : token;
    }),
  }));
  router.on(TokensRevoke, async ({ id }, { session }) => ({ token: await deps.tokens.revoke(id, session.clientName) }));
}
