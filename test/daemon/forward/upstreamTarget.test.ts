import { describe, expect, it } from 'vitest';
import { BUILT_IN_PROVIDERS } from '../../../daemon/catalog/builtInProviders';
import { upstreamTarget } from '../../../daemon/forward/upstreamTarget';
import type { ResolvedConnection } from '../../../daemon/providers/adapter';

const provider = (id: string) => BUILT_IN_PROVIDERS.find((p) => p.id === id)!;
const conn = (over: Partial<ResolvedConnection>): ResolvedConnection => ({
  id: 'c1',
  name: 'c',
  provider: provider('openai'),
  baseUrl: 'http://127.0.0.1:9/v1/',
  apiKey: 'sk-test-0123456789',
  timeoutMs: 1000,
  maxRetries: 0,
  ...over,
});

describe('upstreamTarget', () => {
  it('parses each endpoint URL once and hands the same one to every request for it', () => {
    const a = upstreamTarget(conn({}), 'chat/completions', 'gpt', {});
    const b = upstreamTarget(conn({ apiKey: 'sk-other-0123456789' }), 'chat/completions', 'other', {});
    expect(a.url.href).toBe('http://127.0.0.1:9/v1/chat/completions');
    expect(b.url).toBe(a.url);
    expect(b.headers['authorization']).toBe('Bearer sk-other-0123456789');
    expect(upstreamTarget(conn({}), 'embeddings', 'gpt', {}).url.href).toBe('http://127.0.0.1:9/v1/embeddings');
    expect(upstreamTarget(conn({ baseUrl: 'http://127.0.0.1:10/v1' }), 'chat/completions', 'gpt', {}).url.href).toBe(
      'http://127.0.0.1:10/v1/chat/completions',
    );
  });

  it('puts an Azure deployment (the model) in the path, each its own URL', () => {
    const azure = conn({ provider: provider('azure-openai'), baseUrl: 'https://r.openai.azure.com', apiVersion: 'v9' });
    const one = upstreamTarget(azure, 'chat/completions', 'dep one', {});
    const two = upstreamTarget(azure, 'chat/completions', 'dep-two', {});
    expect(one.url.href).toBe(
      'https://r.openai.azure.com/openai/deployments/dep%20one/chat/completions?api-version=v9',
    );
    expect(two.url.pathname).toBe('/openai/deployments/dep-two/chat/completions');
    expect(one.headers['api-key']).toBe('sk-test-0123456789');
  });
});
