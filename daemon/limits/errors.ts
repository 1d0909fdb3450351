/**
 * The errors admission control throws. Each names the limit or budget at fault and what to do; the
 * RATE_LIMITED ones carry `retryAfterMs` (the OpenAI-compatible endpoint turns it into `retry-after`).
 */
import { ErrorCode, SwitchboardError } from '../../shared/errors';
import type { BudgetStatus } from '../../shared/protocol';
import type { StoredConnection } from '../store/schema';
import type { ToolCaller } from '../tokens/caller';
import type { HitLimit } from './capacityLimiter';
import type { TokenEstimate } from '../chat/tokenEstimate';

/** A wait in words a person reads at a glance: "2 s", "3 min", "1.5 h". */
function formatWait(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 120) return `${minutes} min`;
  return `${Math.round(ms / 360_000) / 10} h`;
}

/** "60 requests per minute", "100,000 tokens per hour". */
function describeLimit(limit: HitLimit): string {
  return 'requests' in limit
    ? `${limit.requests.toLocaleString('en-US')} requests per ${limit.period}`
    : `${limit.tokens.toLocaleString('en-US')} tokens per ${limit.period}`;
}

/** Why an estimate's output part is what it is, in a refusal's words. */
function outputReason(estimate: TokenEstimate): string {
  if (estimate.outputFrom === 'maxTokens') return `its max_tokens of ${estimate.output.toLocaleString('en-US')}`;
  if (estimate.outputFrom === 'default')
    return `up to ${estimate.output.toLocaleString('en-US')} answer tokens, assumed for a request that sets no max_tokens`;
  return `up to ${estimate.output.toLocaleString('en-US')} answer tokens`;
}

/** "1 prompt token", "1,234 prompt tokens". */
function promptTokens(estimate: TokenEstimate): string {
  return `${estimate.input.toLocaleString('en-US')} prompt token${estimate.input === 1 ? '' : 's'}`;
}

/** Advice for a hint when the reservation was the default estimate. */
function maxTokensAdvice(estimate: TokenEstimate | undefined): string {
  return estimate?.outputFrom === 'default' ? ' A request that sets max_tokens reserves that instead.' : '';
}

/**
 * What a request reserves against a token limit until it ends (then the reported usage replaces it),
 * as a sentence; empty for a requests limit or without an estimate.
 */
function tokenReservation(limit: HitLimit | undefined, estimate: TokenEstimate | undefined): string {
  if (!estimate || !limit || !('tokens' in limit)) return '';
  const reserved = Math.min(estimate.total, limit.tokens);
  const capped = reserved < estimate.total ? `, capped at the limit` : '';
  return ` This request reserves ${reserved.toLocaleString('en-US')} tokens of it until it ends (about ${promptTokens(estimate)} and ${outputReason(estimate)}${capped}); its reported usage then replaces the reservation.`;
}

/** A request over a capacity limit, on a connection that fails rather than queues. */
export function rateLimited(
  conn: StoredConnection,
  limit: HitLimit,
  retryAfterMs: number,
  estimate?: TokenEstimate,
): SwitchboardError {
  return new SwitchboardError(
    ErrorCode.RATE_LIMITED,
    `Connection "${conn.name}" is over its limit of ${describeLimit(limit)}.${tokenReservation(limit, estimate)}`,
    {
      hint: `Retry in ${formatWait(retryAfterMs)}, raise the connection's capacity, or set onLimit to "queue".${'tokens' in limit ? maxTokensAdvice(estimate) : ''}`,
      retryAfterMs,
      connectionId: conn.id,
      limit,
      source: 'capacity',
    },
  );
}

/** A queueing connection would keep this request waiting longer than its `maxQueueWaitMs`. */
export function queueTooLong(
  conn: StoredConnection,
  limit: HitLimit | undefined,
  retryAfterMs: number,
  maxWaitMs: number,
  estimate?: TokenEstimate,
): SwitchboardError {
  const over = limit ? `over its limit of ${describeLimit(limit)}` : 'at its capacity limits';
  return new SwitchboardError(
    ErrorCode.RATE_LIMITED,
    `Connection "${conn.name}" is ${over}, and this request would wait about ${formatWait(retryAfterMs)} in its queue, longer than its maxQueueWaitMs (${formatWait(maxWaitMs)}).${tokenReservation(limit, estimate)}`,
    {
      hint: `Retry in ${formatWait(retryAfterMs)}, or raise the connection's capacity or its maxQueueWaitMs.`,
      retryAfterMs,
      connectionId: conn.id,
      ...(limit && { limit }),
      source: 'capacity',
    },
  );
}

/** A queued request whose wait ran past `maxQueueWaitMs` (requests before it used more than they reserved). */
export function queueTimedOut(
  conn: StoredConnection,
  maxWaitMs: number,
  retryAfterMs: number,
  limit: HitLimit | undefined,
): SwitchboardError {
  return new SwitchboardError(
    ErrorCode.RATE_LIMITED,
    `Connection "${conn.name}" had no capacity free for this request within its maxQueueWaitMs (${formatWait(maxWaitMs)}).`,
    {
      hint: `Retry in ${formatWait(retryAfterMs)}, or raise the connection's capacity or its maxQueueWaitMs.`,
      retryAfterMs,
      connectionId: conn.id,
      ...(limit && { limit }),
      source: 'capacity',
    },
  );
}

/** The client gave up (chat/cancel, closed socket, daemon shutdown) while the request waited its turn. */
export function cancelledWhileQueued(
  conn: StoredConnection,
  why = 'The request was cancelled while it waited for capacity.',
): SwitchboardError {
  return new SwitchboardError(ErrorCode.CANCELLED, why, {
    hint: 'Nothing to do: it was stopped before it reached the provider.',
    connectionId: conn.id,
  });
}

/** A queued request the daemon dropped because it is stopping. */
export function shuttingDown(): SwitchboardError {
  return new SwitchboardError(ErrorCode.CANCELLED, 'The request was cancelled because the daemon is shutting down.', {
    hint: 'Start the daemon again and retry.',
  });
}

/** Dollars as a person reads them: cents, or up to four decimals where cents would round ($0.999 is not $1.00). */
function formatUsd(amount: number): string {
  const cents = amount.toFixed(2);
  if (Math.abs(Number(cents) - amount) < 0.00005) return `$${cents}`;
  return `$${amount.toFixed(4).replace(/(\.\d\d\d?)0+$/, '$1')}`;
}

/** A request refused because its connection's budget is spent, or would be by this request. */
export function budgetExceeded(conn: StoredConnection, status: BudgetStatus, more: BudgetOver): SwitchboardError {
  const message = spentMessage(`Connection "${conn.name}"`, status, more);
  const resets = status.periodEnd.replace(/:00\.000Z$/, ' UTC').replace('T', ' ');
  return new SwitchboardError(ErrorCode.BUDGET_EXCEEDED, message, {
    hint: `Raise the connection's budget, wait until ${resets} when a new ${status.period === 'day' ? 'day' : 'month'} starts, or use another connection.${status.spentUsd < status.amount ? maxTokensAdvice(more.estimate) : ''}`,
    connectionId: conn.id,
    budget: { period: status.period, amount: status.amount },
    spentUsd: status.spentUsd,
    periodEnd: status.periodEnd,
  });
}

/**
 * A request refused because the budget of the tool token it was made with is spent, or would be by
 * this request. `source: "token"`: no fallback is tried, as the token's budget holds on every connection.
 */
export function tokenBudgetExceeded(
  token: ToolCaller,
  status: Omit<BudgetStatus, 'connectionId'>,
  more: BudgetOver,
): SwitchboardError {
  const resets = status.periodEnd.replace(/:00\.000Z$/, ' UTC').replace('T', ' ');
  return new SwitchboardError(ErrorCode.BUDGET_EXCEEDED, spentMessage(`Tool token "${token.name}"`, status, more), {
    hint: `Wait until ${resets} when a new ${status.period === 'day' ? 'day' : 'month'} starts, or ask the owner for a token with a larger budget (switchboard tokens create --budget ${status.period}:AMOUNT).`,
    tokenId: token.tokenId,
    budget: { period: status.period, amount: status.amount },
    spentUsd: status.spentUsd,
    periodEnd: status.periodEnd,
    source: 'token',
  });
}

/** What a budget refusal reports: this request's estimated cost (and the estimate it came from) and what is held by requests running. */
export interface BudgetOver {
  estimatedUsd: number;
  inFlightUsd: number;
  estimate?: TokenEstimate;
}

/** "X has spent $a of its $b daily budget[; … this request up to $c (what it reserves and why)]." */
function spentMessage(who: string, status: Omit<BudgetStatus, 'connectionId'>, more: BudgetOver): string {
  const period = status.period === 'day' ? 'daily' : 'monthly';
  let message = `${who} has spent ${formatUsd(status.spentUsd)} of its ${formatUsd(status.amount)} ${period} budget.`;
  if (status.spentUsd < status.amount) {
    const parts = [];
    if (more.inFlightUsd > 0) parts.push(`requests still running may cost up to ${formatUsd(more.inFlightUsd)}`);
    if (more.estimatedUsd > 0) {
      const why = more.estimate
        ? ` (about ${promptTokens(more.estimate)} and ${outputReason(more.estimate)}, at the model's price)`
        : '';
      parts.push(`this request up to ${formatUsd(more.estimatedUsd)}${why}`);
    }
    if (parts.length > 0) message = `${message.slice(0, -1)}; ${parts.join(' and ')}.`;
  }
  return message;
}
