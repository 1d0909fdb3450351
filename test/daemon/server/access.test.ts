import { describe, expect, it } from 'vitest';
import {
  checkBearer,
  checkHost,
  checkNoQueryToken,
  checkOrigin,
  checkRequest,
  pathOf,
  toolMayUsePath,
} from '../../../daemon/server/access';
import { OWNER, type ToolCaller } from '../../../daemon/tokens/caller';

const TOKEN = 'a'.repeat(64);

describe('checkOrigin', () => {
  it('accepts a request without Origin', () => {
    expect(checkOrigin({ host: 'localhost' })).toEqual({ ok: true });
  });

  it('refuses any Origin with 403, even a loopback one', () => {
    for (const origin of ['https://evil.example', 'http://127.0.0.1:1234', 'null', '']) {
      const result = checkOrigin({ origin });
      expect(result).toMatchObject({ ok: false, status: 403 });
    }
  });
});

describe('checkHost', () => {
  it('accepts the loopback names with our port on TCP', () => {
    for (const host of ['127.0.0.1:4000', 'localhost:4000', 'LOCALHOST:4000', '[::1]:4000'])
      expect(checkHost(host, 4000)).toEqual({ ok: true });
  });

  it('refuses another port, a missing port or another name on TCP', () => {
    for (const host of [
      '127.0.0.1:4001',
      'localhost',
      '127.0.0.1',
      'evil.example:4000',
      'localhost.evil.example:4000',
      '127.0.0.2:4000',
      '',
      undefined,
    ]) {
      expect(checkHost(host, 4000), String(host)).toMatchObject({ ok: false, status: 403 });
    }
  });

  it('accepts a bare localhost (what ws sends) or any loopback name on the Unix socket', () => {
    for (const host of ['localhost', '127.0.0.1', '[::1]', 'localhost:80'])
      expect(checkHost(host, null)).toEqual({ ok: true });
  });

  it('refuses a foreign Host even on the Unix socket', () => {
    expect(checkHost('evil.example', null)).toMatchObject({ ok: false, status: 403 });
    expect(checkHost('localhost:abc', null)).toMatchObject({ ok: false, status: 403 });
  });

  it('tells the user which host to use', () => {
    const result = checkHost('evil.example:4000', 4000);
    expect(result.ok === false && result.message).toContain('127.0.0.1:4000');
  });
});

describe('checkBearer', () => {
  it('accepts the right token, whatever the scheme case', () => {
    expect(checkBearer(`Bearer ${TOKEN}`, TOKEN)).toEqual({ ok: true });
    expect(checkBearer(`bearer ${TOKEN}`, TOKEN)).toEqual({ ok: true });
    expect(checkBearer(`Bearer \t ${TOKEN} `, TOKEN)).toEqual({ ok: true });
  });

  it('refuses a token one character off, wherever the character is', () => {
    for (const at of [0, 31, 63]) {
      const off = TOKEN.slice(0, at) + (TOKEN[at] === 'a' ? 'b' : 'a') + TOKEN.slice(at + 1);
      expect(checkBearer(`Bearer ${off}`, TOKEN), String(at)).toMatchObject({ ok: false, status: 401 });
    }
  });

  it('refuses a missing header with 401 telling where the token is', () => {
    const result = checkBearer(undefined, TOKEN);
    expect(result).toMatchObject({ ok: false, status: 401 });
    expect(result.ok === false && result.message).toMatch(/daemon\.json.*Authorization: Bearer/);
  });

  it('refuses a wrong token, a prefix of it, a longer one, and other schemes', () => {
    for (const header of [
      `Bearer ${'b'.repeat(64)}`,
      `Bearer ${TOKEN.slice(0, 10)}`,
      `Bearer ${TOKEN}x`,
      `Basic ${TOKEN}`,
      'Bearer',
      `Bearer ${TOKEN} extra`,
    ]) {
      expect(checkBearer(header, TOKEN), header).toMatchObject({ ok: false, status: 401 });
    }
  });

  it('never accepts when the daemon token is empty', () => {
    expect(checkBearer('Bearer x', '')).toMatchObject({ ok: false, status: 401 });
  });

  it('compares against the current token when it changes (its bytes are cached, not stale)', () => {
    expect(checkBearer('Bearer first-token', 'first-token')).toEqual({ ok: true });
    expect(checkBearer('Bearer first-token', 'second-token')).toMatchObject({ ok: false, status: 401 });
    expect(checkBearer('Bearer second-token', 'second-token')).toEqual({ ok: true });
  });

  it('does not echo the token it was given', () => {
    const result = checkBearer('Bearer sk-secret-given-token', TOKEN);
    expect(result.ok === false && result.message).not.toContain('sk-secret-given-token');
  });
});

describe('checkNoQueryToken', () => {
  it('refuses credentials in the query string with 401', () => {
    for (const url of [`/rpc?token=${TOKEN}`, '/rpc?access_token=x', '/rpc?a=1&Token=x'])
      expect(checkNoQueryToken(url), url).toMatchObject({ ok: false, status: 401 });
  });

  it('accepts other queries and none', () => {
    expect(checkNoQueryToken('/rpc')).toEqual({ ok: true });
    expect(checkNoQueryToken('/rpc?client=cli')).toEqual({ ok: true });
  });
});

describe('pathOf', () => {
  it('strips the query and keeps the path verbatim', () => {
    expect(pathOf('/rpc?x=1')).toBe('/rpc');
    expect(pathOf('/rpc/')).toBe('/rpc/');
    expect(pathOf('//evil/rpc')).toBe('//evil/rpc');
  });
});

describe('checkRequest', () => {
  const tcp = { port: 4000, token: TOKEN };
  const good = { host: '127.0.0.1:4000', authorization: `Bearer ${TOKEN}` };

  it('passes a good TCP request', () => {
    expect(checkRequest(good, '/rpc', tcp)).toEqual({ ok: true, caller: OWNER });
  });

  it('checks Origin before the token, so a browser gets 403 even with the token', () => {
    expect(checkRequest({ ...good, origin: 'https://evil.example' }, '/rpc', tcp)).toMatchObject({ status: 403 });
  });

  it('refuses a query token even alongside a good header', () => {
    expect(checkRequest(good, `/rpc?token=${TOKEN}`, tcp)).toMatchObject({ status: 401 });
  });

  it('needs no token on the Unix socket but still refuses Origin', () => {
    expect(checkRequest({ host: 'localhost' }, '/rpc')).toEqual({ ok: true, caller: OWNER });
    expect(checkRequest({ host: 'localhost', origin: 'http://x' }, '/rpc')).toMatchObject({ status: 403 });
  });
});

describe('checkRequest with tool tokens', () => {
  const tool: ToolCaller = { kind: 'tool', tokenId: 'tok_1', name: 'cline' };
  const tcp = {
    port: 4000,
    token: TOKEN,
    toolTokens: (t: string) =>
      t === 'sbt_good'
        ? { ok: true as const, caller: tool }
        : t === 'sbt_old'
          ? { ok: false as const, message: 'expired' }
          : undefined,
  };
  const host = '127.0.0.1:4000';

  it('lets a tool token reach /v1/… and the WebSocket, as a bearer token or as x-api-key', () => {
    for (const path of [
      '/v1/chat/completions',
      '/v1/messages',
      '/v1/embeddings',
      '/v1/responses',
      '/v1/models',
      '/rpc',
    ]) {
      expect(checkRequest({ host, authorization: 'Bearer sbt_good' }, path, tcp), path).toEqual({
        ok: true,
        caller: tool,
      });
      expect(checkRequest({ host, 'x-api-key': 'sbt_good' }, path, tcp), path).toEqual({ ok: true, caller: tool });
    }
  });

  it('refuses a tool token anywhere else with 403 naming the owner token', () => {
    for (const path of ['/', '/status', '/v1', '/v2/chat', '/rpcx', '/v1x/models']) {
      const result = checkRequest({ host, authorization: 'Bearer sbt_good' }, path, tcp);
      expect(result, path).toMatchObject({ ok: false, status: 403 });
      expect(result.ok === false && result.message).toContain('owner token');
    }
    expect(toolMayUsePath('/v1/anything/new')).toBe(true);
  });

  it('refuses an expired or unknown token with 401 and accepts the owner token as x-api-key', () => {
    expect(checkRequest({ host, authorization: 'Bearer sbt_old' }, '/v1/models', tcp)).toEqual({
      ok: false,
      status: 401,
      message: 'expired',
    });
    expect(checkRequest({ host, authorization: 'Bearer sbt_nope' }, '/v1/models', tcp)).toMatchObject({
      ok: false,
      status: 401,
    });
    expect(checkRequest({ host, 'x-api-key': 'sbt_nope' }, '/v1/models', tcp)).toMatchObject({
      ok: false,
      status: 401,
    });
    expect(checkRequest({ host, 'x-api-key': TOKEN }, '/status', tcp)).toEqual({ ok: true, caller: OWNER });
  });
});
