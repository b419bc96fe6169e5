/**
 * Raw HTTP for tests that need what fetch forbids (a chosen Host header) or want the exact status, headers
 * and body of an answer: node:http(s), one request per call, with a deadline.
 */
import http from 'node:http';
import https from 'node:https';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The body as JSON, or the JSON of the first SSE `data:` line; undefined when neither parses. */
  json: unknown;
}

/** The body of a JSON or single-event SSE answer as a value. */
export function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const data = /^data: (.*)$/m.exec(text);
    if (!data) return undefined;
    try {
      return JSON.parse(data[1]!);
    } catch {
      return undefined;
    }
  }
}

/** Sends one request; rejects when no complete answer arrives within `timeoutMs`. */
export function rawRequest(
  url: string,
  opts: {
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    timeoutMs?: number;
    ca?: string | Buffer;
  } = {},
): Promise<RawResponse> {
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      {
        hostname: u.hostname,
        port: u.port,
        path: `${u.pathname}${u.search}`,
        method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
        headers: opts.headers,
        ca: opts.ca,
        agent: false,
        timeout: opts.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parseBody(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`no answer from ${url} within ${opts.timeoutMs ?? 30_000} ms`)),
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** Headers of a JSON-RPC POST as a 2025-06-18 client sends them (the revision that needs no per-request envelope). */
export const MCP_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-06-18',
};

/** POSTs a JSON-RPC message (or a raw string) to an MCP endpoint. */
export function rpc(
  url: string,
  message: unknown,
  headers: Record<string, string> = {},
  extra: { timeoutMs?: number; ca?: string | Buffer } = {},
): Promise<RawResponse> {
  const body = typeof message === 'string' ? message : JSON.stringify(message);
  return rawRequest(url, { method: 'POST', headers: { ...MCP_HEADERS, ...headers }, body, ...extra });
}

/** An `initialize` request of a 2025-06-18 client. */
export const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'raw-test', version: '1.0.0' },
  },
};
