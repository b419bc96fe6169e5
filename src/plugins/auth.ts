/**
 * Client authentication of `/mcp` (bearer tokens or OAuth access tokens, through the SDK's bearer gate) and the
 * public RFC 9728 metadata routes. The verified identity lands on `request.raw.auth` as an SDK `AuthInfo`, which
 * the Node adapter hands to the MCP handler; `extra.caller` (token name or JWT subject) feeds the audit line.
 */
import type { IncomingMessage } from 'node:http';
import {
  type AuthInfo,
  bearerAuthChallengeResponse,
  type VerifyBearerTokenOptions,
  verifyBearerToken,
} from '@modelcontextprotocol/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Authenticator, AuthServerUnavailableError } from '../auth/index.ts';

/** A Node request after the gate: the Node adapter forwards `auth` to the MCP handler as `authInfo`. */
export type AuthenticatedRequest = IncomingMessage & { auth?: AuthInfo };

/** The caller for logs and rate limits: token name or JWT subject; undefined when unauthenticated. */
export function callerOf(request: FastifyRequest): string | undefined {
  const caller = (request.raw as AuthenticatedRequest).auth?.extra?.caller;
  return typeof caller === 'string' ? caller : undefined;
}

/** Quotes an RFC 7230 auth-param value. */
const quoted = (v: string): string => `"${v.replaceAll(/[\\"]/g, '\\$&')}"`;

/** Writes a web `Response` from the SDK helpers (JSON body) through Fastify. */
async function sendResponse(reply: FastifyReply, res: Response): Promise<FastifyReply> {
  reply.code(res.status);
  for (const [k, v] of res.headers) if (k !== 'content-length') reply.header(k, v);
  return reply.send(await res.json());
}

/**
 * `onRequest` gate. No credentials → 401 with a bare challenge (RFC 6750 §3.1: no error code when none was
 * sent); a refused token → 401 `invalid_token`; missing scopes → 403 `insufficient_scope`; the authorization
 * server unreachable → 503. Challenges carry `resource_metadata` and `scope` in OAuth mode.
 */
function authHook(auth: Authenticator) {
  const options: VerifyBearerTokenOptions = {
    verifier: auth.verifier,
    requiredScopes: auth.requiredScopes,
    resourceMetadataUrl: auth.resourceMetadataUrl,
    expectedResource: auth.expectedResource,
  };
  const bare = [
    auth.requiredScopes.length > 0 ? `scope=${quoted(auth.requiredScopes.join(' '))}` : '',
    auth.resourceMetadataUrl ? `resource_metadata=${quoted(auth.resourceMetadataUrl)}` : '',
  ].filter(Boolean);
  const bareChallenge = bare.length > 0 ? `Bearer ${bare.join(', ')}` : 'Bearer';

  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    if (!header) {
      request.log.debug({ ip: request.ip }, 'MCP request without credentials');
      return reply.code(401).header('www-authenticate', bareChallenge).send({
        error: 'invalid_token',
        error_description: 'authentication required: send Authorization: Bearer <token>',
      });
    }
    try {
      (request.raw as AuthenticatedRequest).auth = await verifyBearerToken(header, options);
    } catch (err) {
      if (err instanceof AuthServerUnavailableError) {
        request.log.warn({ err: err.message }, 'token not verifiable: authorization server unavailable');
        return reply
          .code(503)
          .header('retry-after', '10')
          .send({ error: 'temporarily_unavailable', error_description: err.message });
      }
      const res = bearerAuthChallengeResponse(err, options);
      if (res.status >= 500) request.log.error({ err }, 'token verification failed');
      else
        request.log.info(
          { status: res.status, reason: (err as Error).message, ip: request.ip },
          'token refused',
        );
      return sendResponse(reply, res);
    }
  };
}

/**
 * Adds the auth gate to the routes of the enclosing scope (registered with skip-override, so the hook is not
 * encapsulated away from the `/mcp` route registered next to it).
 */
export const authPlugin = Object.assign(
  async (app: FastifyInstance, opts: { authenticator: Authenticator }): Promise<void> => {
    app.addHook('onRequest', authHook(opts.authenticator));
  },
  { [Symbol.for('skip-override')]: true },
);

/**
 * RFC 9728 Protected Resource Metadata, public and CORS-open: at the root well-known URI and at the
 * path-inserted one for the resource's path (`/.well-known/oauth-protected-resource/mcp`), which clients try
 * first.
 */
export async function oauthMetadataPlugin(
  app: FastifyInstance,
  opts: { authenticator: Authenticator },
): Promise<void> {
  const doc = opts.authenticator.metadata;
  if (!doc) return;
  const base = '/.well-known/oauth-protected-resource';
  const resourcePath = new URL(doc.resource).pathname.replace(/\/+$/, '');
  const paths = new Set([base, `${base}/mcp`, ...(resourcePath ? [`${base}${resourcePath}`] : [])]);
  for (const path of paths) {
    app.get(path, async (_req, reply) =>
      reply
        .header('access-control-allow-origin', '*')
        .header('cache-control', 'public, max-age=3600')
        .send(doc),
    );
    app.options(path, async (req, reply) => {
      reply
        .code(204)
        .header('access-control-allow-origin', '*')
        .header('access-control-allow-methods', 'GET, HEAD, OPTIONS');
      const wanted = req.headers['access-control-request-headers'];
      if (wanted)
        reply.header('access-control-allow-headers', wanted).header('vary', 'Access-Control-Request-Headers');
      return reply.send();
    });
  }
}
