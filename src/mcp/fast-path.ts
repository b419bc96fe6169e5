/**
 * The common case answered without the SDK's per-request machinery: a single, well-formed JSON-RPC request for
 * `tools/list` or `tools/call`, either 2025-era (initialize generation, stateless) or 2026-07-28 with a complete
 * per-request envelope whose headers agree with its body. Such a request is fully described by its body and
 * headers; answering it here costs a JSON parse, the tool call and a JSON write, where the SDK builds a web
 * Request, a transport and a server instance per request. Everything else — initialize, server/discover,
 * notifications, batches, anything malformed, incomplete or unusual — goes to the SDK unchanged, which also
 * produces the protocol's error answers. Answers are byte-compatible with the SDK's (tests compare them).
 */
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/server';

/** The per-request revision this fast path serves. */
const MODERN = '2026-07-28';
/** 2025-era revisions: those negotiated through initialize (the modern one is negotiated per request). */
const LEGACY_VERSIONS = new Set(SUPPORTED_PROTOCOL_VERSIONS.filter((v) => v < MODERN));
/** The `_meta` keys of the 2026-07-28 per-request envelope. */
const MODERN_CLAIM = 'io.modelcontextprotocol/protocolVersion';
const CLIENT_INFO = 'io.modelcontextprotocol/clientInfo';
const CLIENT_CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities';

export type FastRequest = { era: 'legacy' | 'modern' } & (
  | { kind: 'list'; id: string | number }
  | { kind: 'call'; id: string | number; name: string; args: Record<string, unknown> | undefined }
);

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
  const params = body.params;
  if (params !== undefined && !isObject(params)) return undefined;
  const meta = params && isObject(params._meta) ? params._meta : undefined;
  const accept = typeof headers.accept === 'string' ? headers.accept : '';
  let era: 'legacy' | 'modern';
  if (version === MODERN) {
    // The whole envelope must be present and agree with the headers; the SDK explains anything less.
    if (!accept.includes('application/json')) return undefined;
    if (headers['mcp-method'] !== body.method || !meta || meta[MODERN_CLAIM] !== MODERN) return undefined;
    const info = meta[CLIENT_INFO];
    if (!isObject(info) || typeof info.name !== 'string' || typeof info.version !== 'string')
      return undefined;
    if (!isObject(meta[CLIENT_CAPABILITIES])) return undefined;
    if (body.method === 'tools/call' && (!params || headers['mcp-name'] !== params.name)) return undefined;
    era = 'modern';
  } else {
    if (version !== undefined && (typeof version !== 'string' || !LEGACY_VERSIONS.has(version)))
      return undefined;
    if (meta && MODERN_CLAIM in meta) return undefined;
    // 2025-era Streamable HTTP: a POST must accept both JSON and SSE; the SDK answers 406 otherwise.
    if (!accept.includes('application/json') || !accept.includes('text/event-stream')) return undefined;
    era = 'legacy';
  }
  if (body.method === 'tools/list') {
    if (params && params.cursor !== undefined) return undefined;
    return { era, kind: 'list', id };
  }
  if (body.method === 'tools/call') {
    if (!params || typeof params.name !== 'string') return undefined;
    if (params.arguments !== undefined && !isObject(params.arguments)) return undefined;
    return { era, kind: 'call', id, name: params.name, args: params.arguments };
  }
  return undefined;
}

/**
 * The result object as the SDK sends it in each era: 2026-07-28 results say they are complete and name the
 * server (and a tools/list says it may not be cached across principals).
 */
export function eraResult(
  era: 'legacy' | 'modern',
  kind: 'list' | 'call',
  result: Record<string, unknown>,
  serverInfo: Record<string, string>,
): Record<string, unknown> {
  if (era === 'legacy') return result;
  const extra = kind === 'list' ? { ttlMs: 0, cacheScope: 'private' } : {};
  return {
    ...result,
    resultType: 'complete',
    ...extra,
    _meta: { 'io.modelcontextprotocol/serverInfo': serverInfo },
  };
}

/** A JSON-RPC success response, serialised as the SDK serialises it. */
export function rpcResult(id: string | number, resultJson: string): string {
  return `{"result":${resultJson},"jsonrpc":"2.0","id":${JSON.stringify(id)}}`;
}
