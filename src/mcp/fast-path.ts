/**
 * The common case answered without the SDK's per-request machinery: a single 2025-era (initialize-generation)
 * JSON-RPC request for `tools/list` or `tools/call`, from a client that accepts JSON. Stateless legacy serving
 * needs no session, so such a request is fully described by its body; answering it here costs a JSON parse,
 * the tool call and a JSON write, where the SDK's legacy leg builds a web Request, a transport and a server.
 * Everything else — the 2026-07-28 revision, initialize, notifications, batches, anything malformed or unusual —
 * goes to the SDK unchanged, which also produces the protocol's error answers.
 */
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/server';

/** 2025-era revisions: those negotiated through initialize (the modern one is negotiated per request). */
const LEGACY_VERSIONS = new Set(SUPPORTED_PROTOCOL_VERSIONS.filter((v) => v < '2026-07-28'));
/** The `_meta` key by which a request claims the 2026-07-28 per-request envelope. */
const MODERN_CLAIM = 'io.modelcontextprotocol/protocolVersion';

export type FastRequest =
  | { kind: 'list'; id: string | number }
  | { kind: 'call'; id: string | number; name: string; args: Record<string, unknown> | undefined };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The fast-path request in `body`, or undefined when the SDK must answer it. */
export function classifyFast(
  body: unknown,
  headers: Record<string, string | string[] | undefined>,
): FastRequest | undefined {
  if (!isObject(body) || body.jsonrpc !== '2.0') return undefined;
  const id = body.id;
  if (!(typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)))) return undefined;
  const version = headers['mcp-protocol-version'];
  if (version !== undefined && (typeof version !== 'string' || !LEGACY_VERSIONS.has(version)))
    return undefined;
  // Streamable HTTP: a POST must accept both JSON and SSE; the SDK answers 406 otherwise.
  const accept = headers.accept;
  if (
    typeof accept !== 'string' ||
    !accept.includes('application/json') ||
    !accept.includes('text/event-stream')
  )
    return undefined;
  const params = body.params;
  if (params !== undefined && !isObject(params)) return undefined;
  if (params && isObject(params._meta) && MODERN_CLAIM in params._meta) return undefined;
  if (body.method === 'tools/list') {
    if (params && params.cursor !== undefined) return undefined;
    return { kind: 'list', id };
  }
  if (body.method === 'tools/call') {
    if (!params || typeof params.name !== 'string') return undefined;
    if (params.arguments !== undefined && !isObject(params.arguments)) return undefined;
    return { kind: 'call', id, name: params.name, args: params.arguments };
  }
  return undefined;
}

/** A JSON-RPC success response, serialised as the SDK serialises it. */
export function rpcResult(id: string | number, resultJson: string): string {
  return `{"result":${resultJson},"jsonrpc":"2.0","id":${JSON.stringify(id)}}`;
}
