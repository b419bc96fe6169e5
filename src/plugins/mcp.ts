import type { IncomingMessage } from 'node:http';
import { type NodeIncomingMessageLike, toNodeHandler } from '@modelcontextprotocol/node';
import { isJsonContentType, type McpHttpHandler } from '@modelcontextprotocol/server';
import type { FastifyInstance } from 'fastify';
import { buildInfo } from '../build-info.ts';
import { classifyFast, eraResult, rpcResult } from '../mcp/fast-path.ts';
import type { ToolRegistry } from '../mcp/registry.ts';
import { SERVER_NAME } from '../mcp/server.ts';

const rpcError = (code: number, message: string) => ({ jsonrpc: '2.0', error: { code, message }, id: null });

/**
 * `POST /mcp`: MCP Streamable HTTP, stateless. The body is parsed here so malformed JSON gets a JSON-RPC
 * parse error; plain 2025-era tools/list and tools/call requests are answered directly (see fast-path.ts),
 * everything else goes to the SDK handler. `GET`/`DELETE /mcp` → 405 (no sessions, no streams).
 */
export async function mcpPlugin(
  app: FastifyInstance,
  opts: { handler: McpHttpHandler; registry: ToolRegistry; maxBodyBytes: number },
): Promise<void> {
  const node = toNodeHandler(opts.handler, { maxRequestBodySize: opts.maxBodyBytes });
  const { registry } = opts;
  const serverInfo = { name: SERVER_NAME, version: buildInfo.version, title: SERVER_NAME };
  const toolsListJson = {
    legacy: JSON.stringify(eraResult('legacy', 'list', { tools: registry.list }, serverInfo)),
    modern: JSON.stringify(eraResult('modern', 'list', { tools: registry.list }, serverInfo)),
  };
  app.addContentTypeParser(
    ['application/json', 'application/json-rpc'],
    { parseAs: 'string', bodyLimit: opts.maxBodyBytes },
    (_req, body, done) => done(null, body),
  );
  app.post('/mcp', async (request, reply) => {
    let parsed: unknown;
    if (typeof request.body === 'string') {
      try {
        parsed = JSON.parse(request.body);
      } catch (err) {
        return reply.code(400).send(rpcError(-32700, `Parse error: ${(err as Error).message}`));
      }
    }
    // Only JSON bodies: anything else goes to the SDK, which answers 415.
    const fast = isJsonContentType(request.headers['content-type'])
      ? classifyFast(parsed, request.headers)
      : undefined;
    if (fast) {
      reply.type('application/json');
      if (fast.kind === 'list') return reply.send(rpcResult(fast.id, toolsListJson[fast.era]));
      // The call is abandoned when the client goes away before the answer is written.
      const abort = new AbortController();
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) abort.abort();
      });
      const auth = (request.raw as { auth?: { clientId?: string; extra?: Record<string, unknown> } }).auth;
      const caller = (auth?.extra?.caller as string | undefined) ?? auth?.clientId;
      const result = await registry.call(fast.name, fast.args, { caller, signal: abort.signal });
      return reply.send(rpcResult(fast.id, JSON.stringify(eraResult(fast.era, 'call', result, serverInfo))));
    }
    reply.hijack();
    await node(request.raw as IncomingMessage & NodeIncomingMessageLike, reply.raw, parsed);
  });
  const notAllowed = async (_req: unknown, reply: import('fastify').FastifyReply) =>
    reply
      .code(405)
      .header('allow', 'POST')
      .send(rpcError(-32000, 'Method not allowed: this server is stateless; use POST /mcp.'));
  app.get('/mcp', notAllowed);
  app.delete('/mcp', notAllowed);
}
