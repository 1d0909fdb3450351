/** What the connection manager's page tests share: the OpenAI provider and a saved connection on it. */
import type { Connection, Provider } from '../../../../shared/protocol';

export const openai: Provider = {
  id: 'openai',
  name: 'OpenAI',
  adapter: 'openai',
  defaultBaseUrl: 'https://api.openai.com/v1',
  requiresKey: true,
  builtIn: true,
};

/** A saved OpenAI connection "Work" (id c1), its key in memory; `over` sets what a test is about. */
export function savedConnection(over: Partial<Connection> = {}): Connection {
  return {
    id: 'c1',
    name: 'Work',
    provider: 'openai',
    baseUrl: 'https://api.openai.com/v1',
    timeoutMs: 60_000,
    maxRetries: 2,
    isDefault: false,
    keySource: 'memory',
    keyAvailable: true,
    createdAt: '',
    updatedAt: '',
    ...over,
  };
}
