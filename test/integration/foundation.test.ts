import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, sandboxEnv } from '../support/env.ts';
import { errorText, ok, startServer, type TestServer } from '../support/server.ts';

interface Version {
  server: { name: string; version: string; gitSha: string; buildTime: string };
  protocolVersions: string[];
  kubernetes: { reachable: boolean; version?: string; error?: string };
  backends: Record<string, { configured: boolean; url?: string }>;
}

const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body,
  });

describe('service foundation', () => {
  let server: TestServer;
  let base: string;
  beforeAll(async () => {
    server = await startServer();
    base = server.url.replace(/\/mcp$/, '');
  });
  afterAll(async () => {
    await server.close();
  });

  it.each(['v1', 'v2'] as const)(
    'a %s client lists tools and reads get_version with SHA and API server version',
    async (gen) => {
      const client = await server.client(gen);
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('get_version');
      const v = ok<Version>(await client.callTool('get_version'));
      expect(v.server.gitSha).toMatch(/^[0-9a-f]{40}/);
      expect(v.kubernetes.reachable).toBe(true);
      expect(v.kubernetes.version).toBe(`v${sandboxEnv().KUBE_VERSION}`);
      expect(v.protocolVersions).toEqual(expect.arrayContaining(['2026-07-28', '2025-11-25', '2025-06-18']));
      expect(v.backends.prometheus).toEqual({ configured: true, url: sandboxEnv().PROMETHEUS_URL });
    },
  );

  it('answers a 2025-era tools/call with JSON equal to the 2026-07-28 answer', async () => {
    const res = await post(
      server.url,
      JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'get_namespaces' } }),
      { 'mcp-protocol-version': '2025-06-18' },
    );
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const legacy = (await res.json()) as { id: number; result: { structuredContent: unknown } };
    expect(legacy.id).toBe(3);
    const modern = ok(await server.call('get_namespaces'));
    expect(legacy.result.structuredContent).toEqual(modern);
  });

  it.each([
    ['2025-06-18', { 'mcp-protocol-version': '2025-06-18' }, {}],
    [
      '2026-07-28',
      { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/list' },
      {
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientInfo': { name: 't', version: '1' },
          'io.modelcontextprotocol/clientCapabilities': {},
        },
      },
    ],
  ])('answers tools/list (%s) exactly as the SDK does', async (_era, headers, params) => {
    const ask = async (extra: Record<string, unknown>) => {
      const body = { jsonrpc: '2.0', id: 9, method: 'tools/list', params: { ...params, ...extra } };
      const res = await post(server.url, JSON.stringify(body), headers);
      const text = await res.text();
      // The SDK may answer 2025-era requests as an SSE event; the payload is the same JSON-RPC message.
      return JSON.parse(text.startsWith('event:') ? /^data: (.*)$/m.exec(text)![1]! : text);
    };
    const fast = await ask({});
    // A cursor (this server has one page) is left to the SDK, which answers the same list.
    const sdk = await ask({ cursor: 'x' });
    expect(fast.result.tools.length).toBe(14);
    expect(fast).toEqual(sdk);
  });

  it('every tool is annotated read-only and idempotent', async () => {
    const client = await server.client('v2');
    const { tools } = await client.listTools();
    for (const t of tools) {
      expect(t.annotations, t.name).toMatchObject({
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
      });
      expect(t.outputSchema, t.name).toBeTypeOf('object');
    }
  });

  it('/healthz answers 200', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
  });

  it('/readyz answers 200 with the sandbox and lists every backend', async () => {
    const res = await fetch(`${base}/readyz`);
    const body = (await res.json()) as { backends: Record<string, { ok: boolean }> };
    expect(res.status).toBe(200);
    expect(Object.keys(body.backends).sort()).toEqual([
      'alertmanager',
      'kubernetes',
      'loki',
      'ntfy',
      'prometheus',
    ]);
    expect(body.backends.kubernetes?.ok).toBe(true);
  });

  it('/metrics counters move after a tool call', async () => {
    const read = async () => {
      const text = await (await fetch(`${base}/metrics`)).text();
      const m = /^mcp_tool_calls_total\{tool="get_version",outcome="ok"\} (\d+)/m.exec(text);
      return m ? Number(m[1]) : 0;
    };
    const before = await read();
    ok(await server.call('get_version'));
    expect(await read()).toBe(before + 1);
  });

  it('GET and DELETE /mcp answer 405 with a JSON-RPC error', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(server.url, {
        method,
        headers: { accept: 'application/json, text/event-stream' },
      });
      expect(res.status).toBe(405);
      const body = (await res.json()) as { jsonrpc: string; error: { code: number; message: string } };
      expect(body.jsonrpc).toBe('2.0');
      expect(body.error.message).toMatch(/not allowed/i);
    }
  });

  it('malformed JSON gets 400 with a JSON-RPC parse error', async () => {
    const res = await post(server.url, '{"jsonrpc":"2.0","id":1,"method":');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: number } };
    expect(body.error.code).toBe(-32700);
  });

  it('an unknown tool is an error naming it', async () => {
    const text = errorText(await server.call('get_everything'));
    expect(text).toContain("unknown tool 'get_everything'");
  });

  it('an unknown argument is an isError result naming it', async () => {
    const text = errorText(await server.call('get_version', { verbose: true }));
    expect(text).toContain("'verbose'");
    expect(text).toMatch(/unknown argument/);
  });
});

describe('API server unreachable', () => {
  let server: TestServer;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cluster-mcp-dead-'));
    const kubeconfig = join(dir, 'kubeconfig');
    // A kubeconfig whose server is a closed loopback port.
    const sa = readFileSync(sandboxEnv().SA_KUBECONFIG!, 'utf8');
    writeFileSync(kubeconfig, sa.replace(/server: .*/, 'server: https://127.0.0.1:1'));
    server = await startServer({ env: { KUBECONFIG: kubeconfig } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('/readyz answers 503 and names the Kubernetes failure', async () => {
    const res = await fetch(server.url.replace(/\/mcp$/, '/readyz'));
    expect(res.status).toBe(503);
    const body = (await res.json()) as { backends: { kubernetes: { ok: boolean; error: string } } };
    expect(body.backends.kubernetes.ok).toBe(false);
    expect(body.backends.kubernetes.error).toMatch(/127\.0\.0\.1:1/);
  });

  it('get_version still answers and says the API server is unreachable', async () => {
    const v = ok<Version>(await server.call('get_version'));
    expect(v.kubernetes.reachable).toBe(false);
    expect(v.kubernetes.error).toMatch(/unreachable/);
  });
});

describe('configuration', () => {
  it('an invalid configuration lists every bad value and exits non-zero', () => {
    const run = spawnSync(
      process.execPath,
      [
        join(ROOT, 'src/server.ts'),
        '--port',
        'eighty',
        '--auth-mode',
        'magic',
        '--prometheus-url',
        'ftp://x',
      ],
      { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', LOKI_TIMEOUT_MS: '-5' }, timeout: 30_000 },
    );
    expect(run.status).not.toBe(0);
    for (const name of ['MCP_PORT', 'MCP_AUTH_MODE', 'PROMETHEUS_URL', 'LOKI_TIMEOUT_MS'])
      expect(run.stderr).toContain(name);
  });

  it('--help lists every setting with its flag', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'src/server.ts'), '--help'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('--prometheus-url / PROMETHEUS_URL');
    expect(run.stdout).toContain('--port / MCP_PORT (default: 8080)');
  });
});
