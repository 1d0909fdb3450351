/**
 * A mock AWS Bedrock for integration tests, speaking the service's real protocol on one loopback
 * port:
 * - the runtime (`@aws-sdk/client-bedrock-runtime`, which talks HTTP/2 even to `http://`):
 *   POST /model/{id}/converse (JSON) and /model/{id}/converse-stream (binary event stream);
 * - the control plane (`@aws-sdk/client-bedrock`, HTTP/1.1): GET /foundation-models,
 *   /inference-profiles, /foundation-model-availability/{id}.
 * A connection's first bytes decide: the HTTP/2 preface goes to a cleartext HTTP/2 server, anything
 * else to an HTTP/1.1 one; both share the handler below.
 *
 * Every request is authenticated as AWS does: a SigV4 signature recomputed with the secret of the
 * access key id it names (region and service `bedrock` checked, session token compared), or a
 * Bedrock API key as a bearer token. Errors come as the service sends them (`x-amzn-errortype`,
 * `{message}`), mid-stream failures as exception frames; faults are injected per request.
 *
 *   const bedrock = await startMockBedrock({ credentials: [{ accessKeyId, secretAccessKey }] });
 *   bedrock.reply('us.anthropic…', { text: ['Hi', ' there'] });
 *   bedrock.fault({ kind: 'error', error: 'ThrottlingTokens', count: 1 });
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import http2 from 'node:http2';
import net, { type AddressInfo } from 'node:net';
import { Duplex } from 'node:stream';
import {
  DEFAULT_FOUNDATION_MODELS,
  DEFAULT_INFERENCE_PROFILES,
  modelSummary,
  profileSummary,
  type MockFoundationModel,
  type MockInferenceProfile,
} from './catalog';
import { errorAnswer, STREAM_EXCEPTIONS, type BedrockErrorName, type StreamExceptionType } from './errors';
import { eventFrame, exceptionFrame } from './eventStream';
import { expectedSignature, parseSigV4 } from './sigv4';

export type BedrockOp =
  'converse' | 'converseStream' | 'listFoundationModels' | 'listInferenceProfiles' | 'modelAvailability' | 'unknown';

/** A set of AWS credentials the mock accepts. */
export interface MockAwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Required on every request when set (temporary credentials). */
  sessionToken?: string;
  /** The session has expired: requests are refused with ExpiredTokenException. */
  expired?: boolean;
}

/** What the model answers. Each text string is one streamed delta. */
export interface BedrockReply {
  text?: string[];
  /** Reasoning streamed first, ended by a signature the mock issues (and checks when replayed). */
  reasoning?: string[];
  /** Encrypted reasoning (base64), sent as `redactedContent`. */
  redactedReasoning?: string;
  toolCalls?: Array<{ id?: string; name: string; input: Record<string, unknown> }>;
  /** Default: `tool_use` when there are tool calls, else `end_turn`. */
  stopReason?: string;
  usage?: { input?: number; output?: number; cacheRead?: number; cacheWrite?: number };
  chunkDelayMs?: number;
}

export type BedrockReplyFor = (req: BedrockRequest) => BedrockReply;

export type BedrockFault = { count?: number; match?: { op?: BedrockOp; model?: string } } & (
  | { kind: 'error'; error: BedrockErrorName; message?: string }
  | { kind: 'streamException'; exception: StreamExceptionType; afterChunks?: number; message?: string }
  | { kind: 'hang' }
  | { kind: 'reset'; afterChunks?: number }
  /** The stream ends cleanly without messageStop and metadata, after `afterChunks` deltas. */
  | { kind: 'truncate'; afterChunks?: number }
);

export type BedrockAuth =
  | {
      kind: 'sigv4';
      accessKeyId: string;
      region: string;
      service: string;
      signatureValid: boolean;
      sessionToken?: string;
    }
  | { kind: 'bearer'; token: string }
  | { kind: 'none' };

/** One request the mock received. */
export interface BedrockRequest {
  seq: number;
  op: BedrockOp;
  method: string;
  path: string;
  /** The model id from the path (URL-decoded). */
  modelId?: string;
  httpVersion: string;
  headers: Record<string, string>;
  body: any;
  auth: BedrockAuth;
  /** Why authentication failed, when it did. */
  authError?: string;
  status?: number;
  fault?: BedrockFault['kind'];
  chunksSent: number;
  aborted: boolean;
  completed: boolean;
}

export interface MockBedrockOptions {
  region?: string;
  credentials?: MockAwsCredentials[];
  apiKeys?: string[];
  foundationModels?: MockFoundationModel[];
  inferenceProfiles?: MockInferenceProfile[];
  /** Foundation model ids this account has not been granted access to. */
  deniedModels?: string[];
}

export interface MockBedrock {
  /** `http://127.0.0.1:PORT`: the endpoint for both SDK clients. */
  readonly url: string;
  readonly region: string;
  readonly requests: BedrockRequest[];
  credentials: MockAwsCredentials[];
  apiKeys: Set<string>;
  deniedModels: Set<string>;
  /** Signatures issued with reasoning; a replayed one not in here is refused. */
  readonly signatures: Set<string>;
  reply(model: string, reply: BedrockReply | BedrockReplyFor): void;
  defaultReply: BedrockReply;
  fault(f: BedrockFault): void;
  clearFaults(): void;
  /** Resolves with the first request (past or future) for which `pred` holds. */
  waitFor(pred: (r: BedrockRequest) => boolean, timeoutMs?: number): Promise<BedrockRequest>;
  close(): Promise<void>;
}

const H2_PREFACE = 'PRI * HTTP/2.0';

export async function startMockBedrock(opts: MockBedrockOptions = {}): Promise<MockBedrock> {
  const mock = new MockBedrockServer(opts);
  await mock.listen();
  return mock;
}

type Req = http.IncomingMessage | http2.Http2ServerRequest;
type Res = http.ServerResponse | http2.Http2ServerResponse;

class MockBedrockServer implements MockBedrock {
  url = '';
  readonly region: string;
  readonly requests: BedrockRequest[] = [];
  credentials: MockAwsCredentials[];
  apiKeys: Set<string>;
  deniedModels: Set<string>;
  readonly signatures = new Set<string>();
  defaultReply: BedrockReply = { text: ['Hello', ' from', ' Bedrock'] };
  private readonly foundationModels: MockFoundationModel[];
  private readonly profiles: MockInferenceProfile[];
  private readonly replies = new Map<string, BedrockReply | BedrockReplyFor>();
  private faults: Array<{ fault: BedrockFault; left: number }> = [];
  private waiters: Array<{ pred: (r: BedrockRequest) => boolean; resolve: (r: BedrockRequest) => void }> = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly h1 = http.createServer((req, res) => void this.handle(req, res));
  private readonly h2 = http2.createServer({}, (req, res) => void this.handle(req, res));
  private readonly tcp = net.createServer((socket) => this.sniff(socket));

  constructor(opts: MockBedrockOptions) {
    this.region = opts.region ?? 'us-east-1';
    this.credentials = opts.credentials ?? [];
    this.apiKeys = new Set(opts.apiKeys ?? []);
    this.deniedModels = new Set(opts.deniedModels ?? []);
    this.foundationModels = opts.foundationModels ?? DEFAULT_FOUNDATION_MODELS;
    this.profiles = opts.inferenceProfiles ?? DEFAULT_INFERENCE_PROFILES;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.tcp.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.tcp.address() as AddressInfo).port}`;
  }

  /**
   * Hands a connection to the HTTP/2 or the HTTP/1.1 server by its first bytes. The HTTP/1.1 parser
   * reads what is unshifted back; node:http2 reads the socket's native handle and would miss those
   * bytes, so it gets a JS duplex that replays them first.
   */
  private sniff(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', (first: Buffer) => {
      socket.pause();
      if (first.subarray(0, H2_PREFACE.length).toString('latin1') !== H2_PREFACE) {
        socket.unshift(first);
        this.h1.emit('connection', socket);
        socket.resume();
        return;
      }
      const duplex = new Duplex({
        read: () => void socket.resume(),
        write: (chunk, encoding, done) => void socket.write(chunk, encoding, done),
        final: (done) => void socket.end(done),
        destroy: (error, done) => {
          socket.destroy(error ?? undefined);
          done(error);
        },
      });
      socket.on('data', (data: Buffer) => {
        if (!duplex.push(data)) socket.pause();
      });
      socket.on('end', () => duplex.push(null));
      socket.on('close', () => duplex.destroy());
      duplex.push(first);
      this.h2.emit('connection', duplex);
    });
  }

  reply(model: string, reply: BedrockReply | BedrockReplyFor): void {
    this.replies.set(model, reply);
  }

  fault(f: BedrockFault): void {
    this.faults.push({ fault: f, left: f.count ?? Infinity });
  }

  clearFaults(): void {
    this.faults = [];
  }

  waitFor(pred: (r: BedrockRequest) => boolean, timeoutMs = 5000): Promise<BedrockRequest> {
    const found = this.requests.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = { pred, resolve: (r: BedrockRequest) => (clearTimeout(timer), resolve(r)) };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error('mock Bedrock: no matching request in time'));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private changed(r: BedrockRequest): void {
    for (const w of [...this.waiters]) {
      if (!w.pred(r)) continue;
      this.waiters = this.waiters.filter((x) => x !== w);
      w.resolve(r);
    }
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.tcp.close(() => resolve()));
    this.h1.close();
    this.h2.close();
  }

  private takeFault(op: BedrockOp, model: string | undefined): BedrockFault | undefined {
    const i = this.faults.findIndex(
      ({ fault: { match } }) =>
        !match || ((match.op === undefined || match.op === op) && (match.model === undefined || match.model === model)),
    );
    if (i < 0) return undefined;
    const entry = this.faults[i]!;
    if (--entry.left <= 0) this.faults.splice(i, 1);
    return entry.fault;
  }

  private async handle(req: Req, res: Res): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://mock');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (!k.startsWith(':') && v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
    // HTTP/2 carries the host as `:authority`, and the SDK signs it under that name.
    const authority = req.headers[':authority'];
    if (typeof authority === 'string') headers[':authority'] = authority;
    const { op, modelId } = route(req.method ?? 'GET', url.pathname);
    let body: any;
    try {
      body = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined;
    } catch {
      body = undefined;
    }
    const record: BedrockRequest = {
      seq: this.requests.length + 1,
      op,
      method: req.method ?? 'GET',
      path: url.pathname,
      ...(modelId !== undefined && { modelId }),
      httpVersion: req.httpVersion,
      headers,
      body,
      auth: { kind: 'none' },
      chunksSent: 0,
      aborted: false,
      completed: false,
    };
    this.requests.push(record);
    res.on('close', () => {
      if (!record.completed) record.aborted = true;
      this.changed(record);
    });
    const requestId = randomUUID();
    const fail = (name: BedrockErrorName, message?: string) => {
      const e = errorAnswer(name, requestId, message);
      record.status = e.status;
      res.writeHead(e.status, e.headers);
      res.end(e.body);
      record.completed = true;
      this.changed(record);
    };

    const authProblem = this.authenticate(record, req, url, raw);
    if (authProblem) return fail(authProblem.error, authProblem.message);
    this.changed(record);

    const fault = this.takeFault(op, modelId);
    if (fault) record.fault = fault.kind;
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'error') return fail(fault.error, fault.message);

    const json = (value: unknown) => {
      record.status = 200;
      res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': requestId });
      res.end(JSON.stringify(value));
      record.completed = true;
      this.changed(record);
    };
    switch (op) {
      case 'listFoundationModels': {
        const output = url.searchParams.get('byOutputModality');
        const models = this.foundationModels.filter((m) => !output || m.outputModalities.includes(output));
        return json({ modelSummaries: models.map((m) => modelSummary(m, this.region)) });
      }
      case 'listInferenceProfiles':
        return json({ inferenceProfileSummaries: this.profiles.map((p) => profileSummary(p, this.region)) });
      case 'modelAvailability': {
        const known = this.foundationModels.some((m) => m.modelId === modelId);
        if (!known) return fail('ResourceNotFoundException', `Model ${modelId} not found.`);
        const granted = !this.deniedModels.has(modelId!);
        return json({
          modelId,
          agreementAvailability: { status: granted ? 'AVAILABLE' : 'NOT_AVAILABLE' },
          authorizationStatus: granted ? 'AUTHORIZED' : 'NOT_AUTHORIZED',
          entitlementAvailability: granted ? 'AVAILABLE' : 'NOT_AVAILABLE',
          regionAvailability: 'AVAILABLE',
        });
      }
      case 'converse':
      case 'converseStream': {
        const problem = this.checkModel(modelId!) ?? this.checkBody(body);
        if (problem) return fail(problem.error, problem.message);
        const script = this.replies.get(modelId!) ?? this.defaultReply;
        const reply = typeof script === 'function' ? script(record) : script;
        if (op === 'converse') return json(this.whole(reply, body));
        return this.stream(record, res, reply, body, fault, requestId);
      }
      default:
        record.status = 404;
        res.writeHead(404, {
          'content-type': 'application/json',
          'x-amzn-errortype': 'UnknownOperationException',
          'x-amzn-requestid': requestId,
        });
        res.end(JSON.stringify({ message: 'Unknown operation' }));
        record.completed = true;
    }
  }

  /** SigV4 (scope, session token, signature) or a bearer API key; the failure AWS would answer with. */
  private authenticate(
    record: BedrockRequest,
    req: Req,
    url: URL,
    raw: Buffer,
  ): { error: BedrockErrorName; message?: string } | undefined {
    const authorization = record.headers['authorization'];
    const bearer = /^Bearer (.+)$/.exec(authorization ?? '');
    if (bearer) {
      record.auth = { kind: 'bearer', token: bearer[1]! };
      if (this.apiKeys.has(bearer[1]!)) return undefined;
      record.authError = 'unknown API key';
      return {
        error: 'UnrecognizedClientException',
        message: 'Invalid API Key format: Must start with pre-defined prefix',
      };
    }
    const sig = parseSigV4(authorization);
    if (!sig) {
      record.authError = 'no Authorization header';
      return { error: 'UnrecognizedClientException', message: 'Missing Authentication Token' };
    }
    const creds = this.credentials.find((c) => c.accessKeyId === sig.accessKeyId);
    const signed = {
      method: req.method ?? 'GET',
      url: `${url.pathname}${url.search}`,
      headers: record.headers,
      body: raw,
    };
    const signatureValid =
      creds !== undefined && expectedSignature(signed, sig, creds.secretAccessKey) === sig.signature;
    const token = record.headers['x-amz-security-token'];
    record.auth = {
      kind: 'sigv4',
      accessKeyId: sig.accessKeyId,
      region: sig.region,
      service: sig.service,
      signatureValid,
      ...(token !== undefined && { sessionToken: token }),
    };
    const refuse = (why: string, error: BedrockErrorName, message?: string) => (
      (record.authError = why),
      { error, ...(message !== undefined && { message }) }
    );
    if (!creds) return refuse('unknown access key id', 'UnrecognizedClientException');
    if (sig.service !== 'bedrock')
      return refuse(
        'wrong service',
        'InvalidSignatureException',
        "Credential should be scoped to correct service: 'bedrock'. ",
      );
    if (sig.region !== this.region)
      return refuse('wrong region', 'InvalidSignatureException', 'Credential should be scoped to a valid region. ');
    if (creds.sessionToken !== undefined && token !== creds.sessionToken)
      return refuse('wrong session token', 'UnrecognizedClientException');
    if (creds.expired) return refuse('expired session', 'ExpiredTokenException');
    if (!signatureValid) return refuse('bad signature', 'InvalidSignatureException');
    return undefined;
  }

  /** Unknown ids, models this account was not granted, and on-demand calls of profile-only models. */
  private checkModel(modelId: string): { error: BedrockErrorName; message?: string } | undefined {
    const profile = this.profiles.find((p) => p.inferenceProfileId === modelId);
    const model = this.foundationModels.find((m) => m.modelId === modelId);
    if (!profile && !model) return { error: 'InvalidModel' };
    const targets = profile ? profile.models : [modelId];
    if (targets.some((id) => this.deniedModels.has(id))) return { error: 'AccessDeniedException' };
    if (model && !model.inferenceTypesSupported.includes('ON_DEMAND')) {
      return {
        error: 'ValidationException',
        message: `Invocation of model ID ${modelId} with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
      };
    }
    return undefined;
  }

  /** What Converse validates: messages that start with a user turn and alternate; replayed reasoning signed by the mock. */
  private checkBody(body: any): { error: BedrockErrorName; message: string } | undefined {
    const bad = (message: string) => ({ error: 'ValidationException' as const, message });
    if (!body || !Array.isArray(body.messages) || body.messages.length === 0)
      return bad(
        "1 validation error detected: Value null at 'messages' failed to satisfy constraint: Member must not be null",
      );
    let previous = '';
    for (const [i, m] of (body.messages as any[]).entries()) {
      if (m.role !== 'user' && m.role !== 'assistant') return bad(`messages.${i}.role: must be user or assistant`);
      if (i === 0 && m.role !== 'user')
        return bad(
          'A conversation must start with a user message. Try again with a conversation that starts with a user message.',
        );
      if (m.role === previous)
        return bad(
          'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.',
        );
      previous = m.role;
      if (!Array.isArray(m.content) || m.content.length === 0)
        return bad(
          `The content field in the Message object at messages.${i} is empty. Add a ContentBlock object to the content field and try again.`,
        );
      for (const block of m.content) {
        const signature = block?.reasoningContent?.reasoningText?.signature;
        if (signature !== undefined && !this.signatures.has(signature))
          return bad(`messages.${i}.content: Invalid \`signature\` in \`thinking\` block`);
      }
    }
    return undefined;
  }

  private plan(reply: BedrockReply, body: any) {
    const text = reply.text ?? [];
    const calls = (reply.toolCalls ?? []).map((c, i) => ({
      id: c.id ?? `tooluse_${randomUUID().replace(/-/g, '').slice(0, 20)}${i}`,
      name: c.name,
      input: c.input,
    }));
    const signature = reply.reasoning ? `sig_${randomUUID().replace(/-/g, '')}` : undefined;
    if (signature) this.signatures.add(signature);
    const inputTokens = reply.usage?.input ?? Math.max(1, Math.ceil(JSON.stringify(body.messages).length / 4));
    const outputTokens = reply.usage?.output ?? text.length + (reply.reasoning?.length ?? 0) + calls.length;
    const usage: Record<string, number> = { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
    if (reply.usage?.cacheRead !== undefined) usage.cacheReadInputTokens = reply.usage.cacheRead;
    if (reply.usage?.cacheWrite !== undefined) usage.cacheWriteInputTokens = reply.usage.cacheWrite;
    const stopReason = reply.stopReason ?? (calls.length > 0 ? 'tool_use' : 'end_turn');
    return { text, calls, signature, usage, stopReason };
  }

  private whole(reply: BedrockReply, body: any): unknown {
    const p = this.plan(reply, body);
    const content: unknown[] = [];
    if (reply.reasoning)
      content.push({ reasoningContent: { reasoningText: { text: reply.reasoning.join(''), signature: p.signature } } });
    if (reply.redactedReasoning) content.push({ reasoningContent: { redactedContent: reply.redactedReasoning } });
    if (p.text.length > 0) content.push({ text: p.text.join('') });
    for (const c of p.calls) content.push({ toolUse: { toolUseId: c.id, name: c.name, input: c.input } });
    return {
      output: { message: { role: 'assistant', content } },
      stopReason: p.stopReason,
      usage: p.usage,
      metrics: { latencyMs: 42 },
    };
  }

  /** ConverseStream: messageStart, content blocks (reasoning, text, tool uses), messageStop, metadata. */
  private async stream(
    record: BedrockRequest,
    res: Res,
    reply: BedrockReply,
    body: any,
    fault: BedrockFault | undefined,
    requestId: string,
  ): Promise<void> {
    const p = this.plan(reply, body);
    // Both servers' responses take bytes alike; the union of their write() overloads is not callable.
    const write = (frame: Uint8Array) => (res as http.ServerResponse).write(frame);
    const content: Uint8Array[] = [];
    let index = 0;
    if (reply.reasoning) {
      for (const piece of reply.reasoning)
        content.push(
          eventFrame('contentBlockDelta', { contentBlockIndex: index, delta: { reasoningContent: { text: piece } } }),
        );
      content.push(
        eventFrame('contentBlockDelta', {
          contentBlockIndex: index,
          delta: { reasoningContent: { signature: p.signature } },
        }),
      );
      content.push(eventFrame('contentBlockStop', { contentBlockIndex: index++ }));
    }
    if (reply.redactedReasoning) {
      content.push(
        eventFrame('contentBlockDelta', {
          contentBlockIndex: index,
          delta: { reasoningContent: { redactedContent: reply.redactedReasoning } },
        }),
      );
      content.push(eventFrame('contentBlockStop', { contentBlockIndex: index++ }));
    }
    if (p.text.length > 0) {
      for (const piece of p.text)
        content.push(eventFrame('contentBlockDelta', { contentBlockIndex: index, delta: { text: piece } }));
      content.push(eventFrame('contentBlockStop', { contentBlockIndex: index++ }));
    }
    for (const c of p.calls) {
      content.push(
        eventFrame('contentBlockStart', {
          contentBlockIndex: index,
          start: { toolUse: { toolUseId: c.id, name: c.name } },
        }),
      );
      const args = JSON.stringify(c.input);
      for (let i = 0; i < args.length; i += 7)
        content.push(
          eventFrame('contentBlockDelta', {
            contentBlockIndex: index,
            delta: { toolUse: { input: args.slice(i, i + 7) } },
          }),
        );
      content.push(eventFrame('contentBlockStop', { contentBlockIndex: index++ }));
    }
    const tail = [
      eventFrame('messageStop', { stopReason: p.stopReason }),
      eventFrame('metadata', { usage: p.usage, metrics: { latencyMs: 42 } }),
    ];

    record.status = 200;
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': requestId });
    write(eventFrame('messageStart', { role: 'assistant' }));
    const stopAt = fault && 'afterChunks' in fault ? (fault.afterChunks ?? 0) : fault?.kind === 'reset' ? 0 : Infinity;
    for (const [i, frame] of content.entries()) {
      if (i >= stopAt) break;
      if (reply.chunkDelayMs) await new Promise((r) => setTimeout(r, reply.chunkDelayMs));
      if (res.destroyed || res.writableEnded) return;
      write(frame);
      record.chunksSent++;
      this.changed(record);
    }
    if (fault?.kind === 'reset') {
      if ('stream' in res) res.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
      else res.socket?.destroy();
      return;
    }
    if (fault?.kind === 'streamException') {
      write(exceptionFrame(fault.exception, fault.message ?? STREAM_EXCEPTIONS[fault.exception]));
      record.completed = true;
      res.end();
      return;
    }
    if (fault?.kind !== 'truncate') for (const frame of tail) write(frame);
    record.completed = true;
    res.end();
  }
}

const MODEL_OP = /^\/model\/([^/]+)\/(converse|converse-stream)$/;
const AVAILABILITY = /^\/foundation-model-availability\/([^/]+)$/;

function route(method: string, path: string): { op: BedrockOp; modelId?: string } {
  const m = MODEL_OP.exec(path);
  if (m && method === 'POST')
    return { op: m[2] === 'converse' ? 'converse' : 'converseStream', modelId: decodeURIComponent(m[1]!) };
  if (method === 'GET' && path === '/foundation-models') return { op: 'listFoundationModels' };
  if (method === 'GET' && path === '/inference-profiles') return { op: 'listInferenceProfiles' };
  const a = AVAILABILITY.exec(path);
  if (a && method === 'GET') return { op: 'modelAvailability', modelId: decodeURIComponent(a[1]!) };
  return { op: 'unknown' };
}
