/**
 * The remote endpoint's defences, end to end over real HTTP: OAuth resource-server auth against a local test
 * issuer, static bearer tokens with rotation, Host/Origin validation, body/depth/rate/concurrency limits, probes
 * staying reachable, the start-up refusal to run open, direct TLS, the audit line, and client tokens never
 * reaching a backend.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger, type Logger } from '../../src/log.ts';
import { defineTool } from '../../src/mcp/tool.ts';
import { allTools } from '../../src/tools/index.ts';
import { ROOT } from '../support/env.ts';
import { INITIALIZE, rawRequest, rpc } from '../support/raw-http.ts';
import { ok, startServer, type TestServer } from '../support/server.ts';

const RESOURCE = 'https://mcp.test.example/mcp';
const PRM_URL = 'https://mcp.test.example/.well-known/oauth-protected-resource/mcp';
const LIST = { jsonrpc: '2.0', id: 2, method: 'tools/list' };
const VERSION_CALL = {
  jsonrpc: '2.0',
  id: 3,
  method: 'tools/call',
  params: { name: 'get_version', arguments: {} },
};
const tmp = mkdtempSync(join(tmpdir(), 'cluster-mcp-security-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A logger whose lines the test can read. */
function capturedLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('info', { destination }), lines };
}

/** Listens on an ephemeral loopback port. */
async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

interface TestIssuer {
  issuer: string;
  sign(claims?: JWTPayload, opts?: { foreignKey?: boolean; alg?: 'ES256' | 'HS256' }): Promise<string>;
  close(): Promise<void>;
}

/**
 * A Keycloak-like authorization server on loopback: issuer with a path, metadata only at the OpenID Connect
 * location (so discovery has to fall back past RFC 8414), one ES256 key in its JWKS.
 */
async function startIssuer(): Promise<TestIssuer> {
  const key = await generateKeyPair('ES256');
  const foreign = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(key.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  let issuer = '';
  const server = http.createServer((req, res) => {
    const origin = new URL(issuer).origin;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/realms/test/.well-known/openid-configuration') {
      send(200, {
        issuer,
        jwks_uri: `${origin}/realms/test/protocol/openid-connect/certs`,
        authorization_endpoint: `${origin}/realms/test/protocol/openid-connect/auth`,
        token_endpoint: `${origin}/realms/test/protocol/openid-connect/token`,
        response_types_supported: ['code'],
      });
    } else if (req.url === '/realms/test/protocol/openid-connect/certs') send(200, { keys: [jwk] });
    else send(404, { error: 'not_found' });
  });
  issuer = `http://127.0.0.1:${await listen(server)}/realms/test`;
  const now = () => Math.floor(Date.now() / 1000);
  return {
    issuer,
    sign: async (claims = {}, opts = {}) => {
      const payload: JWTPayload = {
        iss: issuer,
        aud: RESOURCE,
        sub: 'alice@example.com',
        client_id: 'claude-code',
        scope: 'openid mcp:read',
        iat: now(),
        exp: now() + 300,
        ...claims,
      };
      for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k];
      if (opts.alg === 'HS256')
        return new SignJWT(payload)
          .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
          .sign(new TextEncoder().encode('a-shared-secret-of-thirty-two-bytes!'));
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
        .sign(opts.foreignKey ? foreign.privateKey : key.privateKey);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Auth-param `name` of a WWW-Authenticate header. */
function param(header: string | undefined, name: string): string | undefined {
  return new RegExp(`${name}="([^"]*)"`).exec(header ?? '')?.[1];
}

describe('OAuth resource server', () => {
  let issuer: TestIssuer;
  let server: TestServer;
  let logs: string[];

  beforeAll(async () => {
    issuer = await startIssuer();
    const captured = capturedLogger();
    logs = captured.lines;
    server = await startServer({
      useSandbox: false,
      env: { MCP_AUTH_MODE: 'oauth', MCP_OAUTH_ISSUER: issuer.issuer, MCP_RESOURCE_URL: RESOURCE },
      overrides: { logger: captured.logger },
    });
  });
  afterAll(async () => {
    await server?.close();
    await issuer?.close();
  });

  it('serves a valid token through real MCP clients of both generations', async () => {
    const token = await issuer.sign();
    for (const generation of ['v1', 'v2'] as const) {
      const client = await server.client(generation, { authorization: `Bearer ${token}` });
      expect(ok(await client.callTool('get_version')).server).toMatchObject({ name: 'cluster-mcp' });
    }
  });

  it('writes the JWT subject, tool, argument digest, outcome, bytes and latency to the audit line', async () => {
    const token = await issuer.sign({ sub: 'audit-subject' });
    const res = await rpc(server.url, VERSION_CALL, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
    const audit = logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.audit === true && l.caller === 'audit-subject');
    expect(audit).toMatchObject({
      tool: 'get_version',
      outcome: 'ok',
      args: expect.stringMatching(/^sha256:/),
    });
    expect(audit?.responseBytes).toBeGreaterThan(0);
    expect(typeof audit?.durationMs).toBe('number');
    expect(logs.join('')).not.toContain(token);
    expect(logs.join('')).not.toContain(token.split('.')[2]);
  });

  it('answers a request without a token with 401 and a challenge naming the metadata and scope', async () => {
    const res = await rpc(server.url, LIST);
    expect(res.status).toBe(401);
    const challenge = res.headers['www-authenticate'];
    expect(challenge).toMatch(/^Bearer /);
    expect(param(challenge, 'resource_metadata')).toBe(PRM_URL);
    expect(param(challenge, 'scope')).toBe('mcp:read');
    // RFC 6750 §3.1: no error code when the request carried no credentials.
    expect(param(challenge, 'error')).toBeUndefined();
  });

  const now = () => Math.floor(Date.now() / 1000);
  it.each<[string, () => Promise<string>, number, string, RegExp]>([
    ['an expired token', () => issuer.sign({ exp: now() - 3600 }), 401, 'invalid_token', /expired/],
    [
      'a not-yet-valid token',
      () => issuer.sign({ nbf: now() + 3600 }),
      401,
      'invalid_token',
      /not yet valid/,
    ],
    [
      'a token for another audience',
      () => issuer.sign({ aud: 'https://other.example.com/mcp' }),
      401,
      'invalid_token',
      /not issued for this server/,
    ],
    [
      'a token from another issuer',
      () => issuer.sign({ iss: 'https://evil.example.com' }),
      401,
      'invalid_token',
      /issuer/,
    ],
    [
      'a token with a bad signature',
      () => issuer.sign({}, { foreignKey: true }),
      401,
      'invalid_token',
      /signature/,
    ],
    [
      'an unsigned token (alg none)',
      async () =>
        new UnsecuredJWT({ iss: issuer.issuer, aud: RESOURCE, sub: 'x', scope: 'mcp:read' })
          .setExpirationTime('5m')
          .encode(),
      401,
      'invalid_token',
      /algorithm|malformed/,
    ],
    ['an HMAC token (alg HS256)', () => issuer.sign({}, { alg: 'HS256' }), 401, 'invalid_token', /algorithm/],
    ['a token without exp', () => issuer.sign({ exp: undefined }), 401, 'invalid_token', /exp/],
    ['a token that is not a JWT', async () => 'not-a-jwt-at-all', 401, 'invalid_token', /malformed/],
    [
      'a token without the required scope',
      () => issuer.sign({ scope: 'openid' }),
      403,
      'insufficient_scope',
      /scope/i,
    ],
  ])('refuses %s with %i %s', async (_name, token, status, error, description) => {
    const res = await rpc(server.url, LIST, { authorization: `Bearer ${await token()}` });
    expect(res.status).toBe(status);
    const challenge = res.headers['www-authenticate'];
    expect(param(challenge, 'error')).toBe(error);
    expect(param(challenge, 'error_description')).toMatch(description);
    expect(param(challenge, 'resource_metadata')).toBe(PRM_URL);
    expect(param(challenge, 'scope')).toBe('mcp:read');
    expect(res.json).toMatchObject({ error });
  });

  it('refuses credentials of another scheme with 401', async () => {
    const res = await rpc(server.url, LIST, { authorization: 'Basic YWxpY2U6c2VjcmV0' });
    expect(res.status).toBe(401);
    expect(param(res.headers['www-authenticate'], 'error')).toBe('invalid_token');
  });

  it.each(['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp'])(
    'publishes the RFC 9728 metadata document at %s without authentication',
    async (path) => {
      const res = await rawRequest(new URL(path, server.url).href);
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.json).toEqual({
        resource: RESOURCE,
        authorization_servers: [issuer.issuer],
        scopes_supported: ['mcp:read'],
        bearer_methods_supported: ['header'],
        resource_name: 'cluster-mcp',
      });
    },
  );
});

describe('OAuth with the authorization server unreachable', () => {
  let server: TestServer;
  beforeAll(async () => {
    const closed = http.createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    server = await startServer({
      useSandbox: false,
      env: {
        MCP_AUTH_MODE: 'oauth',
        MCP_OAUTH_ISSUER: `http://127.0.0.1:${port}`,
        MCP_RESOURCE_URL: RESOURCE,
      },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers 503 with Retry-After instead of blaming the token', async () => {
    const res = await rpc(server.url, LIST, { authorization: 'Bearer eyJhbGciOiJFUzI1NiJ9.e30.c2ln' });
    expect(res.status).toBe(503);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.json).toMatchObject({ error: 'temporarily_unavailable' });
  });
});

describe('bearer tokens', () => {
  const ALICE = 'alice-token-0123456789abcdef';
  const BOB = 'bob-token-0123456789abcdef0123';
  const METRICS = 'metrics-token-0123456789abcdef';
  const tokensFile = join(tmp, 'tokens');
  let server: TestServer;
  let logs: string[];

  beforeAll(async () => {
    writeFileSync(tokensFile, `# clients\nalice:${ALICE}\nbob:${BOB}\n`);
    writeFileSync(join(tmp, 'metrics-token'), `${METRICS}\n`);
    const captured = capturedLogger();
    logs = captured.lines;
    server = await startServer({
      useSandbox: false,
      env: {
        MCP_AUTH_MODE: 'bearer',
        MCP_BEARER_TOKENS_FILE: tokensFile,
        MCP_METRICS_TOKEN_FILE: join(tmp, 'metrics-token'),
      },
      overrides: { logger: captured.logger },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('serves the right token through a real MCP client and audits the token name', async () => {
    const client = await server.client('v2', { authorization: `Bearer ${ALICE}` });
    ok(await client.callTool('get_version'));
    const audit = logs.map((l) => JSON.parse(l)).find((l) => l.audit === true && l.caller === 'alice');
    expect(audit).toMatchObject({ tool: 'get_version', outcome: 'ok' });
    expect(logs.join('')).not.toContain(ALICE);
  });

  it('answers a wrong token with 401 invalid_token', async () => {
    const res = await rpc(server.url, LIST, { authorization: `Bearer ${ALICE}x` });
    expect(res.status).toBe(401);
    expect(param(res.headers['www-authenticate'], 'error')).toBe('invalid_token');
  });

  it('answers a missing token with 401 and a Bearer challenge', async () => {
    const res = await rpc(server.url, LIST);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('ignores a token in the query string', async () => {
    const res = await rpc(`${server.url}?access_token=${ALICE}`, LIST);
    expect(res.status).toBe(401);
  });

  it('keeps /healthz open and /metrics behind its own token', async () => {
    const base = new URL(server.url).origin;
    expect((await rawRequest(`${base}/healthz`)).status).toBe(200);
    expect((await rawRequest(`${base}/metrics`)).status).toBe(401);
    expect(
      (await rawRequest(`${base}/metrics`, { headers: { authorization: `Bearer ${ALICE}` } })).status,
    ).toBe(401);
    const metrics = await rawRequest(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS}` } });
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('mcp_tool_calls_total');
  });

  it('takes a rotated token file into effect without a restart', async () => {
    const CAROL = 'carol-token-0123456789abcdef-rotated';
    const before = readFileSync(tokensFile, 'utf8');
    try {
      writeFileSync(tokensFile, `carol:${CAROL}\nbob:${BOB}\n`);
      expect((await rpc(server.url, LIST, { authorization: `Bearer ${CAROL}` })).status).toBe(200);
      expect((await rpc(server.url, LIST, { authorization: `Bearer ${ALICE}` })).status).toBe(401);
    } finally {
      writeFileSync(tokensFile, before);
    }
  });
});

describe('Host and Origin validation on loopback', () => {
  let server: TestServer;
  let port: string;
  beforeAll(async () => {
    server = await startServer({ useSandbox: false });
    port = new URL(server.url).port;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses a DNS-rebinding request (foreign Host and Origin) with 403', async () => {
    const res = await rpc(server.url, INITIALIZE, {
      host: 'evil.example.com',
      origin: 'http://evil.example.com',
    });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 }, id: null });
  });

  it('refuses a foreign Host without an Origin with 403', async () => {
    const res = await rpc(server.url, INITIALIZE, { host: `evil.example.com:${port}` });
    expect(res.status).toBe(403);
    expect(res.text).toMatch(/Invalid Host/);
  });

  it('refuses a spoofed Origin on the right Host with 403', async () => {
    const res = await rpc(server.url, INITIALIZE, { origin: 'https://attacker.example' });
    expect(res.status).toBe(403);
    expect(res.text).toMatch(/Invalid Origin/);
  });

  it('serves the real localhost Host and Origin', async () => {
    const res = await rpc(server.url, INITIALIZE, {
      host: `localhost:${port}`,
      origin: `http://localhost:${port}`,
    });
    expect(res.status).toBe(200);
  });

  it('keeps probes reachable whatever the Host', async () => {
    const res = await rawRequest(`${new URL(server.url).origin}/healthz`, {
      headers: { host: 'kubelet.probe' },
    });
    expect(res.status).toBe(200);
  });
});

describe('request limits', () => {
  let server: TestServer;
  let entered = 0;
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const blocker = defineTool({
    name: 'test_block',
    title: 'Blocks until released',
    description: 'Test-only tool that holds a call slot.',
    input: z.object({}),
    output: z.object({ released: z.boolean() }),
    handler: async () => {
      entered++;
      await released;
      return { released: true };
    },
  });

  beforeAll(async () => {
    server = await startServer({
      useSandbox: false,
      env: { MCP_MAX_BODY_BYTES: '2048', MCP_MAX_CONCURRENT_CALLS: '2', MCP_RATE_LIMIT_PER_MINUTE: '0' },
      overrides: { tools: [...allTools, blocker] },
    });
  });
  afterAll(async () => {
    release();
    await server?.close();
  });

  it('answers an oversized body with 413 and a JSON-RPC error', async () => {
    const call = { ...VERSION_CALL, params: { name: 'get_version', arguments: { pad: 'x'.repeat(4096) } } };
    const res = await rpc(server.url, call);
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({
      jsonrpc: '2.0',
      error: { message: expect.stringMatching(/too large/i) },
    });
  });

  it('answers absurdly deep JSON with 400 instead of overflowing the stack', async () => {
    const deep = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_version","arguments":{"a":${'['.repeat(900)}${']'.repeat(900)}}}}`;
    const res = await rpc(server.url, deep);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/MCP_MAX_JSON_DEPTH/);
  });

  it('answers beyond the in-flight cap with 503 and Retry-After, and serves again once calls finish', async () => {
    const block = {
      jsonrpc: '2.0',
      id: 9,
      method: 'tools/call',
      params: { name: 'test_block', arguments: {} },
    };
    const held = [rpc(server.url, block), rpc(server.url, block)];
    const deadline = Date.now() + 10_000;
    while (entered < 2 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    expect(entered).toBe(2);
    const busy = await rpc(server.url, LIST);
    expect(busy.status).toBe(503);
    expect(Number(busy.headers['retry-after'])).toBeGreaterThan(0);
    expect(busy.text).toMatch(/MCP_MAX_CONCURRENT_CALLS/);
    release();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    expect((await rpc(server.url, LIST)).status).toBe(200);
  });
});

describe('per-caller rate limit', () => {
  const ALICE = 'alice-token-0123456789abcdef';
  const BOB = 'bob-token-0123456789abcdef0123';
  let server: TestServer;
  beforeAll(async () => {
    writeFileSync(join(tmp, 'rl-tokens'), `alice:${ALICE}\nbob:${BOB}\n`);
    server = await startServer({
      useSandbox: false,
      env: {
        MCP_AUTH_MODE: 'bearer',
        MCP_BEARER_TOKENS_FILE: join(tmp, 'rl-tokens'),
        MCP_RATE_LIMIT_PER_MINUTE: '3',
      },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers 429 with Retry-After past the limit, for that caller only', async () => {
    const alice = { authorization: `Bearer ${ALICE}` };
    for (let i = 0; i < 3; i++) expect((await rpc(server.url, LIST, alice)).status).toBe(200);
    const limited = await rpc(server.url, LIST, alice);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json).toMatchObject({
      jsonrpc: '2.0',
      error: { message: expect.stringMatching(/rate limit/) },
    });
    expect((await rpc(server.url, LIST, { authorization: `Bearer ${BOB}` })).status).toBe(200);
  });
});

describe('client tokens never reach a backend', () => {
  const CLIENT = 'client-token-never-forwarded-0123456789';
  const seen: string[] = [];
  let backend: http.Server;
  let server: TestServer;

  beforeAll(async () => {
    // One stand-in for every backend (Kubernetes included) that records every header it receives.
    backend = http.createServer((req, res) => {
      seen.push(JSON.stringify(req.headers), req.url ?? '');
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{}');
    });
    const url = `http://127.0.0.1:${await listen(backend)}`;
    const kubeconfig = join(tmp, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "${url}"}}]\n` +
        'users: [{name: u, user: {token: backend-sa-token}}]\n' +
        'contexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
    );
    writeFileSync(join(tmp, 'fw-tokens'), `client:${CLIENT}\n`);
    server = await startServer({
      useSandbox: false,
      env: {
        KUBECONFIG: kubeconfig,
        MCP_AUTH_MODE: 'bearer',
        MCP_BEARER_TOKENS_FILE: join(tmp, 'fw-tokens'),
        PROMETHEUS_URL: url,
        ALERTMANAGER_URL: url,
        LOKI_URL: url,
        NTFY_URL: url,
        NTFY_DEFAULT_TOPIC: 'alerts',
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    await new Promise((resolve) => backend?.close(resolve));
  });

  it('calls every tool with the client token and finds it in no backend request', async () => {
    const client = await server.client('v2', { authorization: `Bearer ${CLIENT}` });
    const { tools } = await client.listTools();
    for (const tool of tools) await client.callTool(tool.name, {});
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.join('\n')).not.toContain(CLIENT);
  });
});

describe('start-up exposure check (real process)', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });

  /** Starts `src/server.ts` with only the given settings; resolves when `until` matches the output or it exits. */
  function runServer(
    args: string[],
    until: RegExp,
  ): Promise<{ code: number | null; output: string; child: ChildProcess }> {
    // A cluster nobody answers for: the process must start without one.
    const kubeconfig = join(tmp, 'kubeconfig-unreachable');
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]\n' +
        'users: [{name: u, user: {}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
    );
    const child = spawn(process.execPath, [join(ROOT, 'src', 'server.ts'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: tmp, LOG_LEVEL: 'info', KUBECONFIG: kubeconfig },
    });
    children.push(child);
    let output = '';
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => resolve({ code: null, output: `${output}\n[no match within 30 s]`, child }),
        30_000,
      );
      const check = () => {
        if (until.test(output)) {
          clearTimeout(timer);
          resolve({ code: child.exitCode, output, child });
        }
      };
      child.stdout.on('data', (d) => {
        output += d;
        check();
      });
      child.stderr.on('data', (d) => {
        output += d;
        check();
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, output, child });
      });
    });
  }

  it('refuses to start without authentication on 0.0.0.0 and exits 2', async () => {
    const run = await runServer(['--host', '0.0.0.0', '--port', '0'], /$^/);
    expect(run.code).toBe(2);
    expect(run.output).toMatch(/refusing to serve without authentication on 0\.0\.0\.0/);
    expect(run.output).toMatch(/MCP_ALLOW_UNAUTHENTICATED/);
  });

  it('starts open on 0.0.0.0 only with the explicit flag, warning loudly', async () => {
    const run = await runServer(
      ['--host', '0.0.0.0', '--port', '0', '--allow-unauthenticated', 'true'],
      /cluster-mcp listening/,
    );
    expect(run.output).toMatch(/WARNING: UNAUTHENTICATED/);
    expect(run.output).toMatch(/cluster-mcp listening/);
    const exited = new Promise((resolve) => run.child.on('exit', resolve));
    run.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

describe('direct TLS', () => {
  let server: TestServer;
  let cert: Buffer;
  beforeAll(async () => {
    const certFile = join(tmp, 'tls.crt');
    const keyFile = join(tmp, 'tls.key');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { stdio: 'ignore' },
    );
    cert = readFileSync(certFile);
    server = await startServer({
      useSandbox: false,
      env: { MCP_TLS_CERT_FILE: certFile, MCP_TLS_KEY_FILE: keyFile },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('serves MCP and probes over HTTPS with the configured certificate', async () => {
    expect(server.url).toMatch(/^https:/);
    expect((await rawRequest(`${new URL(server.url).origin}/healthz`, { ca: cert })).status).toBe(200);
    const res = await rpc(server.url, INITIALIZE, {}, { ca: cert });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ result: { serverInfo: { name: 'cluster-mcp' } } });
  });

  it('does not answer plain HTTP on the TLS port', async () => {
    const plain = server.url.replace(/^https:/, 'http:');
    const outcome = await rpc(plain, INITIALIZE, {}, { timeoutMs: 5_000 }).then(
      (r) => r.status,
      () => 'refused',
    );
    expect(outcome === 'refused' || (typeof outcome === 'number' && outcome >= 400)).toBe(true);
  });
});
