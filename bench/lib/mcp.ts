/**
 * MCP traffic of the harness. Latency and answers go through one client for every server — the v1 SDK
 * (`@modelcontextprotocol/sdk`) Client over Streamable HTTP, protocol 2025-11-25, the revision all three servers
 * speak — so client-side overhead is the same for everyone. Throughput uses raw JSON-RPC POSTs over a keep-alive
 * agent (no SDK client in the loop), so the load generator stays cheap on a 2-core machine it shares with the
 * server.
 */
import http from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { ListedTool } from './stats.ts';

export interface CallAnswer {
  isError: boolean;
  /** The text parts joined: what a model reads. */
  text: string;
  structured?: Record<string, unknown>;
  /** The whole result object as compact JSON: what crosses the wire (structuredContent included). */
  wire: string;
}

export interface BenchClient {
  listTools(): Promise<{ tools: ListedTool[] }>;
  call(name: string, args: Record<string, unknown>, timeoutMs: number): Promise<CallAnswer>;
  close(): Promise<void>;
}

/** Connects the v1 SDK client to a Streamable HTTP endpoint (initialize + initialized). */
export async function connect(url: string): Promise<BenchClient> {
  const client = new Client({ name: 'cluster-mcp-bench', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return {
    listTools: async () => {
      const tools: ListedTool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : {});
        tools.push(...(page.tools as ListedTool[]));
        cursor = page.nextCursor;
      } while (cursor);
      return { tools };
    },
    call: async (name, args, timeoutMs) => {
      try {
        const r = (await client.callTool({ name, arguments: args }, undefined, {
          timeout: timeoutMs,
        })) as {
          isError?: boolean;
          content?: { type: string; text?: string }[];
          structuredContent?: unknown;
        };
        const text = (r.content ?? [])
          .filter((c) => c.type === 'text')
          .map((c) => c.text ?? '')
          .join('\n');
        return {
          isError: r.isError === true,
          text,
          structured: r.structuredContent as Record<string, unknown> | undefined,
          wire: JSON.stringify(r),
        };
      } catch (err) {
        // A JSON-RPC error (the peers throw McpError on failures) is an answer too: the model sees its message.
        const message = (err as Error).message;
        return { isError: true, text: message, wire: JSON.stringify({ error: message }) };
      }
    },
    close: () => client.close(),
  };
}

export interface RawTarget {
  host: string;
  port: number;
  path: string;
  headers: Record<string, string>;
  /** The body, or a function of the request number (servers with sessions refuse a JSON-RPC id in flight twice). */
  body: string | ((n: number) => string);
}

/** One POST; resolves with status and body (the whole body is read, as a client would). */
export function post(
  agent: http.Agent,
  t: RawTarget,
  timeoutMs: number,
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  const body = typeof t.body === 'string' ? t.body : t.body(0);
  return postBody(agent, t, body, timeoutMs);
}

function postBody(
  agent: http.Agent,
  t: RawTarget,
  body: string,
  timeoutMs: number,
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: t.host,
        port: t.port,
        path: t.path,
        method: 'POST',
        headers: { ...t.headers, 'content-length': Buffer.byteLength(body) },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            headers: res.headers,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** A JSON-RPC success in either response form (plain JSON or one SSE `data:` event) whose result is not isError. */
export function isGoodAnswer(status: number, body: string): boolean {
  if (status !== 200) return false;
  const json = body.startsWith('{') ? body : /^data: (.*)$/m.exec(body)?.[1];
  if (!json) return false;
  try {
    const msg = JSON.parse(json) as { result?: { isError?: boolean } };
    return msg.result !== undefined && msg.result.isError !== true;
  } catch {
    return false;
  }
}

export interface LoadResult {
  calls: number;
  ok: number;
  failed: number;
  firstFailure?: string;
  seconds: number;
  callsPerSecond: number;
  latencies: Float64Array;
}

/**
 * `concurrency` clients each send POSTs back to back until `calls` are done or `maxSeconds` pass (whichever is
 * first). `onProgress` runs every `progressEvery` completed calls (memory sampling).
 */
export async function load(
  target: RawTarget,
  opts: {
    calls: number;
    concurrency: number;
    maxSeconds: number;
    timeoutMs?: number;
    progressEvery?: number;
    onProgress?: (done: number) => void;
  },
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const latencies = new Float64Array(opts.calls);
  let issued = 0;
  let done = 0;
  let ok = 0;
  let firstFailure: string | undefined;
  const started = performance.now();
  const deadline = started + opts.maxSeconds * 1000;
  const worker = async () => {
    while (issued < opts.calls && performance.now() < deadline) {
      const i = issued++;
      const t0 = performance.now();
      try {
        const body = typeof target.body === 'string' ? target.body : target.body(i);
        const r = await postBody(agent, target, body, opts.timeoutMs ?? 10_000);
        if (isGoodAnswer(r.status, r.body)) ok++;
        else firstFailure ??= `HTTP ${r.status}: ${r.body.slice(0, 200)}`;
      } catch (err) {
        firstFailure ??= (err as Error).message;
      }
      latencies[i] = performance.now() - t0;
      done++;
      if (opts.onProgress && opts.progressEvery && done % opts.progressEvery === 0) opts.onProgress(done);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return {
    calls: done,
    ok,
    failed: done - ok,
    firstFailure,
    seconds: Math.round(seconds * 100) / 100,
    callsPerSecond: Math.round(done / seconds),
    latencies: latencies.subarray(0, done),
  };
}

/** JSON-RPC `tools/call` body. */
export function toolCallBody(
  name: string,
  args: Record<string, unknown>,
  meta?: Record<string, unknown>,
  id = 1,
): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name, arguments: args, ...(meta ? { _meta: meta } : {}) },
  });
}

/** Headers and `_meta` of a 2026-07-28 (stateless, no initialize) request, as the v2 SDK client sends them. */
export function modernRequest(host: string, port: number, tool: string): RawTarget {
  const meta = {
    'io.modelcontextprotocol/protocolVersion': '2026-07-28',
    'io.modelcontextprotocol/clientInfo': { name: 'cluster-mcp-bench', version: '1.0.0' },
    'io.modelcontextprotocol/clientCapabilities': {},
  };
  return {
    host,
    port,
    path: '/mcp',
    headers: {
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
      'mcp-method': 'tools/call',
      'mcp-name': tool,
      'mcp-protocol-version': '2026-07-28',
    },
    body: (n) => toolCallBody(tool, {}, meta, n + 1),
  };
}

/** A 2025-11-25 request; `sessionId` for servers that keep sessions (they need an initialize first). */
export function legacyRequest(
  host: string,
  port: number,
  tool: string,
  args: Record<string, unknown>,
  sessionId?: string,
): RawTarget {
  return {
    host,
    port,
    path: '/mcp',
    headers: {
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
      'mcp-protocol-version': '2025-11-25',
      ...(sessionId ? { 'mcp-session-id': sessionId } : {}),
    },
    body: (n) => toolCallBody(tool, args, undefined, n + 1),
  };
}

/** Opens a 2025-era session with raw POSTs (initialize + initialized) and returns its id, if the server keeps one. */
export async function openSession(host: string, port: number): Promise<string | undefined> {
  const agent = new http.Agent({ keepAlive: false });
  const base = { host, port, path: '/mcp' };
  const headers = { accept: 'application/json, text/event-stream', 'content-type': 'application/json' };
  const init = await post(
    agent,
    {
      ...base,
      headers,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: {
          protocolVersion: '2025-11-25',
          capabilities: {},
          clientInfo: { name: 'cluster-mcp-bench', version: '1.0.0' },
        },
      }),
    },
    10_000,
  );
  const sid = init.headers['mcp-session-id'];
  const sessionId = typeof sid === 'string' ? sid : undefined;
  await post(
    agent,
    {
      ...base,
      headers: {
        ...headers,
        'mcp-protocol-version': '2025-11-25',
        ...(sessionId ? { 'mcp-session-id': sessionId } : {}),
      },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
    },
    10_000,
  );
  agent.destroy();
  return sessionId;
}

/** Fetches a loopback URL and returns status and body (health and metrics endpoints). */
export async function getText(url: string, timeoutMs = 2_000): Promise<{ status: number; body: string }> {
  const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: r.status, body: await r.text() };
}

/** One sample of a Prometheus text exposition (first series of that name). */
export function metricValue(exposition: string, name: string): number | undefined {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(exposition);
  return m ? Number(m[1]) : undefined;
}
