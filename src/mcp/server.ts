/**
 * The MCP endpoint: one low-level SDK `Server` per request (stateless; any replica answers any request) whose
 * two handlers delegate to the registry. The tool list and its JSON Schemas are built once at start, so a
 * request costs a small object and two closures, not a schema compilation.
 */
import {
  createMcpHandler,
  type McpHttpHandler,
  Server,
  SUPPORTED_PROTOCOL_VERSIONS,
} from '@modelcontextprotocol/server';
import { buildInfo } from '../build-info.ts';
import type { ToolRegistry } from './registry.ts';

export const SERVER_NAME = 'cluster-mcp';

/** The MCP protocol revisions this server answers (2026-07-28 plus the 2025-era ones through initialize). */
export const PROTOCOL_VERSIONS: readonly string[] = [
  ...new Set(['2026-07-28', ...SUPPORTED_PROTOCOL_VERSIONS]),
];

const INSTRUCTIONS =
  'Read-only view of a Kubernetes cluster and its GitOps, certificates, metrics, logs, alerts and notifications. ' +
  'Start with get_flux_status and get_alerts for "is it healthy?"; every list is bounded and says when it was cut.';

export interface CallerInfo {
  caller?: string;
}

export function createMcpEndpoint(registry: ToolRegistry): McpHttpHandler {
  const tools = registry.list;
  return createMcpHandler(
    (ctx) => {
      const server = new Server(
        { name: SERVER_NAME, version: buildInfo.version, title: 'cluster-mcp' },
        { capabilities: { tools: { listChanged: false } }, instructions: INSTRUCTIONS },
      );
      server.setRequestHandler('tools/list', async () => ({ tools: tools as never }));
      server.setRequestHandler('tools/call', async (request, reqCtx) => {
        const caller = (ctx.authInfo?.extra?.caller as string | undefined) ?? ctx.authInfo?.clientId;
        const result = await registry.call(request.params.name, request.params.arguments, {
          caller,
          signal: reqCtx.mcpReq.signal,
        });
        const entry = tools.find((t) => t.name === request.params.name);
        return server.projectCallToolResult(result as never, entry?.outputSchema);
      });
      return server;
    },
    { legacy: 'stateless', responseMode: 'json' },
  );
}
