/**
 * The providers module's front door: the rest of the daemon imports from here, never from an
 * adapter or an SDK. A provider picks its adapter by wire format (`provider.adapter`); a provider
 * that speaks an existing format is catalog data, not code.
 */
import type { Provider } from '../../shared/protocol';
import type { ProviderAdapter } from './adapter';
import { anthropicAdapter } from './anthropicAdapter';
import { bedrockAdapter } from './bedrock/bedrockAdapter';
import { openaiAdapter } from './openaiAdapter';

const ADAPTERS: Record<Provider['adapter'], ProviderAdapter> = {
  openai: openaiAdapter,
  anthropic: anthropicAdapter,
  bedrock: bedrockAdapter,
};

/** The adapter serving this provider's wire format. */
export function adapterFor(provider: Provider): ProviderAdapter {
  const adapter = ADAPTERS[provider.adapter];
  // Unreachable with a validated catalog; a clear message beats "cannot read properties of undefined".
  if (!adapter) throw new Error(`No adapter for wire format "${String(provider.adapter)}" (provider ${provider.id})`);
  return adapter;
}

export type { ChatChunk, ChatRequest, ProviderAdapter, RateLimitInfo, ResolvedConnection } from './adapter';
export { clearClients, invalidateClient, setRateLimitListener } from './clients';
export { toSwitchboardError, scrub, type UpstreamErrorContext } from './upstreamErrors';
export { parseRateLimits } from './transport/upstreamFetch';
export { AZURE_API_VERSION } from './azure';
export { DEFAULT_MAX_TOKENS } from './anthropicAdapter';
