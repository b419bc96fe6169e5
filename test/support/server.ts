/**
 * Starts the real app on an ephemeral loopback port against the sandbox, the way a deployment runs it, and hands
 * out MCP clients of both protocol generations talking to it over real HTTP.
 */
import {
  Client as ClientV2,
  StreamableHTTPClientTransport as TransportV2,
} from '@modelcontextprotocol/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type App, type AppOverrides, buildApp } from '../../src/app.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { sandboxEnv } from './env.ts';

export interface ToolResult {
  isError?: boolean;
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
}

export interface TestServer {
  app: App;
  config: Config;
  url: string;
  /** A connected client; `generation` picks the SDK (v2 = current protocol, v1 = initialize-based). */
  client(generation?: 'v1' | 'v2', headers?: Record<string, string>): Promise<McpTestClient>;
  /** Calls one tool with a fresh v2 client and returns the result. */
  call(name: string, args?: Record<string, unknown>): Promise<ToolResult>;
  close(): Promise<void>;
}

export interface McpTestClient {
  listTools(): Promise<{ tools: { name: string; [k: string]: unknown }[] }>;
  callTool(name: string, args?: Record<string, unknown>): Promise<ToolResult>;
  close(): Promise<void>;
}

/**
 * Environment for the server: the sandbox's URLs and the read-only ServiceAccount (`SA_KUBECONFIG`), unless
 * `useSandbox` is false. `env` entries override (set a value to '' to unset it).
 */
export function testEnv(env: Record<string, string> = {}, useSandbox = true): NodeJS.ProcessEnv {
  // Every test server shares 127.0.0.1, so the per-caller rate limit is off unless a test turns it on.
  const base: NodeJS.ProcessEnv = {
    LOG_LEVEL: 'silent',
    MCP_HOST: '127.0.0.1',
    MCP_PORT: '0',
    MCP_RATE_LIMIT_PER_MINUTE: '0',
  };
  if (useSandbox) {
    const s = sandboxEnv();
    Object.assign(base, {
      KUBECONFIG: s.SA_KUBECONFIG,
      PROMETHEUS_URL: s.PROMETHEUS_URL,
      ALERTMANAGER_URL: s.ALERTMANAGER_URL,
      LOKI_URL: s.LOKI_URL,
      NTFY_URL: s.NTFY_URL,
      ...(s.NTFY_TOKEN ? { NTFY_TOKEN: s.NTFY_TOKEN } : {}),
    });
  }
  for (const [k, v] of Object.entries(env)) {
    if (v === '') delete base[k];
    else base[k] = v;
  }
  return base;
}

export async function startServer(
  opts: {
    env?: Record<string, string>;
    useSandbox?: boolean;
    argv?: string[];
    overrides?: AppOverrides;
  } = {},
): Promise<TestServer> {
  const env = testEnv(opts.env, opts.useSandbox ?? true);
  // client-node reads KUBECONFIG from process.env; set it for the app being built.
  const savedKubeconfig = process.env.KUBECONFIG;
  if (env.KUBECONFIG) process.env.KUBECONFIG = env.KUBECONFIG;
  else delete process.env.KUBECONFIG;
  const config = loadConfig(env, opts.argv ?? []);
  const app = await buildApp(config, { logger: createLogger(config.logLevel), ...opts.overrides });
  if (savedKubeconfig === undefined) delete process.env.KUBECONFIG;
  else process.env.KUBECONFIG = savedKubeconfig;
  const address = await app.fastify.listen({ host: config.host, port: config.port });
  const url = `${address}/mcp`;
  const open: McpTestClient[] = [];

  const client = async (generation: 'v1' | 'v2' = 'v2', headers: Record<string, string> = {}) => {
    const c = generation === 'v1' ? await connectV1(url, headers) : await connectV2(url, headers);
    open.push(c);
    return c;
  };
  return {
    app,
    config,
    url,
    client,
    call: async (name, args = {}) => {
      const c = await client('v2');
      try {
        return await c.callTool(name, args);
      } finally {
        await c.close();
      }
    },
    close: async () => {
      await Promise.allSettled(open.map((c) => c.close()));
      await app.fastify.close();
    },
  };
}

async function connectV2(url: string, headers: Record<string, string>): Promise<McpTestClient> {
  // Pinned to the current revision, so v2 tests exercise 2026-07-28 serving (v1 covers the initialize era).
  const client = new ClientV2(
    { name: 'cluster-mcp-tests', version: '1.0.0' },
    { versionNegotiation: { mode: { pin: '2026-07-28' } } },
  );
  await client.connect(new TransportV2(new URL(url), { requestInit: { headers } }));
  return {
    listTools: () => client.listTools() as never,
    callTool: (name, args = {}) => client.callTool({ name, arguments: args }) as never,
    close: () => client.close(),
  };
}

async function connectV1(url: string, headers: Record<string, string>): Promise<McpTestClient> {
  const client = new ClientV1({ name: 'cluster-mcp-tests-v1', version: '1.0.0' });
  await client.connect(new TransportV1(new URL(url), { requestInit: { headers } }));
  return {
    listTools: () => client.listTools() as never,
    callTool: (name, args = {}) => client.callTool({ name, arguments: args }) as never,
    close: () => client.close(),
  };
}

/** The structured result of a successful call; fails the test with the error text otherwise. */
export function ok<T = Record<string, unknown>>(result: ToolResult): T {
  if (result.isError) throw new Error(`tool returned isError: ${result.content[0]?.text}`);
  if (!result.structuredContent) throw new Error('tool returned no structuredContent');
  const text = result.content[0]?.text ?? '';
  if (JSON.stringify(JSON.parse(text)) !== JSON.stringify(result.structuredContent))
    throw new Error('text content differs from structuredContent');
  return result.structuredContent as T;
}

/** The error text of a failed call; fails the test when the call succeeded. */
export function errorText(result: ToolResult): string {
  if (!result.isError) throw new Error(`expected isError, got: ${result.content[0]?.text?.slice(0, 300)}`);
  return result.content[0]?.text ?? '';
}
