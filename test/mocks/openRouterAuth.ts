/**
 * A local stand-in for OpenRouter's sign-in (OAuth PKCE, https://openrouter.ai/docs/oauth), on
 * 127.0.0.1. `GET /auth?callback_url=…&code_challenge=…&code_challenge_method=S256` plays the user
 * who approves: it answers 302 to the callback with `code` added (OpenRouter keeps the callback's own
 * query). `POST /api/v1/auth/keys` with `{code, code_verifier, code_challenge_method}` answers
 * `{key, user_id}` when the verifier's S256 matches the challenge and the code is fresh and unused,
 * else 403 as OpenRouter does. Faults: `deny` (the user refuses), `exchangeStatus` (every exchange
 * fails with it), `codeTtlMs` (codes expire).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';

export interface MockOpenRouterAuth {
  /** The base URL, e.g. `http://127.0.0.1:4312` (what SWITCHBOARD_TEST_OPENROUTER_AUTH_URL is set to). */
  url: string;
  /** The key each successful exchange hands out. */
  key: string;
  /** Every `/auth` visit's query and every exchange's body, in order. */
  authVisits: Array<Record<string, string>>;
  exchanges: Array<{ body: unknown; status: number }>;
  faults: { deny?: boolean; exchangeStatus?: number; codeTtlMs?: number };
  close(): Promise<void>;
}

export async function startMockOpenRouterAuth(key: string): Promise<MockOpenRouterAuth> {
  const codes = new Map<string, { challenge: string; method: string; issuedAt: number; used: boolean }>();
  const mock: MockOpenRouterAuth = {
    url: '',
    key,
    authVisits: [],
    exchanges: [],
    faults: {},
    close: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/auth') {
      const query = Object.fromEntries(url.searchParams);
      mock.authVisits.push(query);
      const callback = new URL(query.callback_url ?? '');
      if (mock.faults.deny) callback.searchParams.set('error', 'access_denied');
      else {
        const code = randomBytes(12).toString('hex');
        codes.set(code, {
          challenge: query.code_challenge ?? '',
          method: query.code_challenge_method ?? 'plain',
          issuedAt: Date.now(),
          used: false,
        });
        callback.searchParams.set('code', code);
      }
      res.writeHead(302, { location: callback.toString() }).end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/api/v1/auth/keys') {
      let raw = '';
      req.setEncoding('utf8').on('data', (d: string) => (raw += d));
      req.on('end', () => {
        const answer = (status: number, body: unknown) => {
          mock.exchanges.push({ body: safeJson(raw), status });
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        };
        const body = safeJson(raw) as
          { code?: string; code_verifier?: string; code_challenge_method?: string } | undefined;
        if (mock.faults.exchangeStatus)
          return answer(mock.faults.exchangeStatus, {
            error: { code: mock.faults.exchangeStatus, message: 'Forbidden' },
          });
        const entry = body?.code === undefined ? undefined : codes.get(body.code);
        if (!entry || entry.used) return answer(403, { error: { code: 403, message: 'Invalid code' } });
        if (mock.faults.codeTtlMs !== undefined && Date.now() - entry.issuedAt > mock.faults.codeTtlMs)
          return answer(403, { error: { code: 403, message: 'Code expired' } });
        const verifier = body?.code_verifier ?? '';
        const expected = entry.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
        if (expected !== entry.challenge || body?.code_challenge_method !== entry.method)
          return answer(403, { error: { code: 403, message: 'Invalid code_verifier' } });
        entry.used = true;
        answer(200, { key: mock.key, user_id: 'user_mock' });
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mock.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  mock.close = () => new Promise((resolve) => server.close(() => resolve()));
  return mock;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
