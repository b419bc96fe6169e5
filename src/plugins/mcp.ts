import type { IncomingMessage } from 'node:http';
import { type NodeIncomingMessageLike, toNodeHandler } from '@modelcontextprotocol/node';
import type { McpHttpHandler } from '@modelcontextprotocol/server';
import type { FastifyInstance } from 'fastify';

const rpcError = (code: number, message: string) => ({ jsonrpc: '2.0', error: { code, message }, id: null });

/**
 * `POST /mcp`: MCP Streamable HTTP, stateless. The body is parsed here so malformed JSON gets a JSON-RPC
 * parse error; everything else goes to the SDK handler. `GET`/`DELETE /mcp` → 405 (no sessions, no streams).
 */
export async function mcpPlugin(
  app: FastifyInstance,
  opts: { handler: McpHttpHandler; maxBodyBytes: number },
): Promise<void> {
  const node = toNodeHandler(opts.handler, { maxRequestBodySize: opts.maxBodyBytes });
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
