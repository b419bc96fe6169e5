/**
 * Guards of `/mcp` besides authentication: Host and Origin validation (DNS rebinding, cross-site requests),
 * JSON nesting depth, a per-caller rate limit and a cap on requests in flight. Errors on these routes are
 * answered as JSON-RPC errors without an id. The body-size limit is Fastify's `bodyLimit` (413).
 */
import rateLimit from '@fastify/rate-limit';
import { validateHostHeader, validateOriginHeader } from '@modelcontextprotocol/server';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { allowedHostnames, type OriginPolicy, originPolicy } from '../auth/policy.ts';
import type { Config } from '../config.ts';
import { callerOf } from './auth.ts';

const rpcError = (message: string, code = -32000) => ({ jsonrpc: '2.0', error: { code, message }, id: null });

/** Seconds a client is told to wait when every call slot is taken. */
const BUSY_RETRY_AFTER_SECONDS = 1;

/** `name[:port]` or `[ipv6][:port]`: nothing else may reach the request URL the SDK builds from the Host. */
const HOST_SYNTAX = /^(?:[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The `Host` verdict: undefined when allowed, else the reason. */
export function checkHost(host: string | undefined, allowed: string[] | undefined): string | undefined {
  if (!host) return 'Missing Host header';
  // Userinfo, paths or spaces in Host would end up in the request URL (a URL with credentials cannot even
  // become a Request): refuse them whatever the allowlist.
  if (!HOST_SYNTAX.test(host)) return `Invalid Host header: ${host.slice(0, 100)}`;
  if (allowed) {
    const r = validateHostHeader(host, allowed);
    return r.ok ? undefined : r.message;
  }
  try {
    new URL(`http://${host}`);
    return undefined;
  } catch {
    return `Invalid Host header: ${host.slice(0, 100)}`;
  }
}

/** The `Origin` verdict: undefined when allowed (or absent), else the reason. */
export function checkOrigin(origin: string | undefined, policy: OriginPolicy): string | undefined {
  if (origin === undefined || origin === '' || policy.any) return undefined;
  const r = validateOriginHeader(origin, policy.hostnames);
  if (r.ok) return undefined;
  try {
    if (policy.origins.has(new URL(origin).origin)) return undefined;
  } catch {
    // unparsable: refused below with the validator's message
  }
  return r.message;
}

/**
 * True when `text` (JSON) nests arrays/objects deeper than `max`. Deeper bodies are refused before anything
 * recurses over them (re-serialising a 100 000-deep array overflows the stack).
 */
export function jsonTooDeep(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** Sends a refusal as a JSON-RPC error and leaves a log line for whoever watches for probing. */
function refuse(reply: FastifyReply, status: number, message: string): FastifyReply {
  reply.request.log.info(
    { status, reason: message.slice(0, 200), ip: reply.request.ip },
    'MCP request refused',
  );
  return reply.code(status).send(rpcError(message));
}

/**
 * Installs the guards on the routes of the enclosing scope (skip-override: the hooks must reach the `/mcp`
 * route registered next to this plugin, and no other route). Hook order on a request: Host, Origin, then
 * (from the auth plugin) authentication, then the rate limit keyed by the authenticated caller; after the body
 * is read: nesting depth and the in-flight cap.
 */
export const securityPlugin = Object.assign(
  async (app: FastifyInstance, opts: { config: Config }): Promise<void> => {
    const { config } = opts;
    const hosts = allowedHostnames(config);
    const origins = originPolicy(config);

    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const badHost = checkHost(request.headers.host, hosts);
      if (badHost) return refuse(reply, 403, badHost);
      const badOrigin = checkOrigin(request.headers.origin, origins);
      if (badOrigin) return refuse(reply, 403, badOrigin);
    });

    if (config.limits.rateLimitPerMinute > 0) {
      await app.register(rateLimit, {
        max: config.limits.rateLimitPerMinute,
        timeWindow: 60_000,
        // Route-level hook: runs after the scope's onRequest hooks, so after authentication.
        hook: 'onRequest',
        keyGenerator: (request) => {
          const caller = callerOf(request);
          return caller ? `caller:${caller}` : `ip:${request.ip}`;
        },
        errorResponseBuilder: (_request, ctx) =>
          Object.assign(
            new Error(
              `rate limit exceeded: ${ctx.max} requests per minute per caller (MCP_RATE_LIMIT_PER_MINUTE); retry in ${ctx.after}`,
            ),
            { statusCode: ctx.statusCode },
          ),
      });
    }

    let inFlight = 0;
    const max = config.limits.maxConcurrentCalls;
    app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
      if (typeof request.body === 'string' && jsonTooDeep(request.body, config.limits.maxJsonDepth)) {
        return refuse(
          reply,
          400,
          `Invalid Request: JSON nested deeper than ${config.limits.maxJsonDepth} levels (MCP_MAX_JSON_DEPTH)`,
        );
      }
      if (inFlight >= max) {
        reply.header('retry-after', String(BUSY_RETRY_AFTER_SECONDS));
        return refuse(
          reply,
          503,
          `server busy: ${max} MCP requests in flight (MCP_MAX_CONCURRENT_CALLS); retry shortly`,
        );
      }
      inFlight++;
      // `close` fires once the response is done or the client went away, hijacked reply or not.
      reply.raw.once('close', () => {
        inFlight--;
      });
    });

    app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const status = err.statusCode ?? 500;
      if (status >= 500) {
        request.log.error({ err }, 'MCP request failed');
        return refuse(reply, status, 'internal error in cluster-mcp; the server log has the details');
      }
      return refuse(reply, status, err.message);
    });
  },
  { [Symbol.for('skip-override')]: true },
);
