/**
 * OAuth 2.1 resource server: JWT access tokens verified locally with `jose` against the issuer's JWKS, found
 * through the issuer's metadata (RFC 8414, then OpenID Connect discovery). Checks signature, algorithm
 * allowlist, issuer, audience (this server's resource URL, RFC 8707), expiry and not-before; the SDK's bearer
 * gate then checks the required scopes. Tokens are only ever verified here, never sent anywhere.
 */
import {
  type AuthInfo,
  buildOAuthProtectedResourceMetadata,
  getOAuthProtectedResourceMetadataUrl,
  OAuthError,
  OAuthErrorCode,
  type OAuthMetadata,
  type OAuthProtectedResourceMetadata,
  type OAuthTokenVerifier,
} from '@modelcontextprotocol/server';
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import type { Logger } from '../log.ts';
import { tokenFingerprint } from './tokens.ts';

/** What the verifier needs from the configuration. */
export interface OAuthSettings {
  /** Issuer identifier exactly as the authorization server writes it into `iss`. */
  issuer: string;
  /** JWKS URL; discovered from the issuer's metadata when unset. */
  jwksUrl?: string;
  /** This server's resource identifier: the audience every token must carry. */
  resourceUrl: string;
  requiredScopes: string[];
  algorithms: string[];
  clockToleranceSeconds: number;
}

/** The authorization server (metadata or JWKS) cannot be reached: not the caller's fault, answer 503. */
export class AuthServerUnavailableError extends Error {}

const DISCOVERY_TIMEOUT_MS = 5_000;
/** After a failed discovery, requests fail fast for this long instead of each hitting the issuer again. */
const DISCOVERY_RETRY_MS = 10_000;

/**
 * Metadata URLs to try for an issuer, in the order the MCP specification gives: RFC 8414 path-inserted, then
 * OpenID Connect path-inserted and path-appended (the last two coincide for an issuer without a path).
 */
export function metadataUrls(issuer: string): string[] {
  const u = new URL(issuer);
  const path = u.pathname.replace(/\/+$/, '');
  const at = (p: string) => new URL(p, u.origin).href;
  return [
    ...new Set([
      at(`/.well-known/oauth-authorization-server${path}`),
      at(`/.well-known/openid-configuration${path}`),
      at(`${path}/.well-known/openid-configuration`),
    ]),
  ];
}

/** Space-separated `scope` (RFC 9068) or an `scp` array/string (Entra ID, Okta). */
function scopesOf(payload: JWTPayload): string[] {
  const raw = payload.scope ?? payload.scp;
  if (typeof raw === 'string') return raw.split(' ').filter(Boolean);
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === 'string');
  return [];
}

/** A short reason for a refused token; goes to the client in `error_description`, so no token content. */
function describeJoseError(err: unknown, s: OAuthSettings): string | undefined {
  if (err instanceof errors.JWTExpired) return 'token expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf') return 'token not yet valid (nbf)';
    if (err.claim === 'aud')
      return `token was not issued for this server (audience must be ${s.resourceUrl})`;
    if (err.claim === 'iss') return `token issuer is not ${s.issuer}`;
    if (err.claim === 'exp') return 'token has no valid expiry (exp)';
    return `token claim ${err.claim} is invalid`;
  }
  if (err instanceof errors.JOSEAlgNotAllowed)
    return `token algorithm not accepted (accepted: ${s.algorithms.join(', ')})`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'token signature is invalid';
  if (err instanceof errors.JWKSNoMatchingKey) return 'no key of the issuer matches the token';
  if (err instanceof errors.JWKSMultipleMatchingKeys) return 'several keys of the issuer match the token';
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return 'malformed token';
  if (err instanceof errors.JOSENotSupported) return 'token uses an unsupported algorithm or key type';
  return undefined;
}

/** Verifies JWT access tokens for one resource; see the module comment. */
export class JwtAccessTokenVerifier implements OAuthTokenVerifier {
  private readonly s: OAuthSettings;
  private readonly log: Logger;
  private jwks?: ReturnType<typeof createRemoteJWKSet>;
  private discovery?: Promise<ReturnType<typeof createRemoteJWKSet>>;
  private failedAt = 0;

  constructor(settings: OAuthSettings, log: Logger) {
    this.s = settings;
    this.log = log;
    if (settings.jwksUrl) this.jwks = createRemoteJWKSet(new URL(settings.jwksUrl));
  }

  /** The JWKS URL from the issuer's metadata (first document that answers and names this issuer). */
  async discoverJwksUrl(signal?: AbortSignal): Promise<string> {
    const tried: string[] = [];
    for (const url of metadataUrls(this.s.issuer)) {
      try {
        const res = await fetch(url, {
          headers: { accept: 'application/json' },
          signal: signal ?? AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
        });
        if (!res.ok) {
          tried.push(`${url}: HTTP ${res.status}`);
          continue;
        }
        const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
        if (doc.issuer !== this.s.issuer) {
          tried.push(`${url}: names issuer ${JSON.stringify(doc.issuer)}, not ${this.s.issuer}`);
          continue;
        }
        if (typeof doc.jwks_uri !== 'string') {
          tried.push(`${url}: no jwks_uri`);
          continue;
        }
        return new URL(doc.jwks_uri).href;
      } catch (err) {
        tried.push(`${url}: ${(err as Error).message}`);
      }
    }
    throw new AuthServerUnavailableError(
      `OAuth issuer metadata unavailable (${tried.join('; ')}); set MCP_OAUTH_JWKS_URL if the issuer publishes none`,
    );
  }

  private keySet(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (this.jwks) return Promise.resolve(this.jwks);
    if (!this.discovery && Date.now() - this.failedAt < DISCOVERY_RETRY_MS)
      return Promise.reject(
        new AuthServerUnavailableError('OAuth issuer metadata unavailable; retrying shortly'),
      );
    this.discovery ??= this.discoverJwksUrl().then(
      (url) => {
        this.log.info({ issuer: this.s.issuer, jwks: url }, 'OAuth issuer discovered');
        this.jwks = createRemoteJWKSet(new URL(url));
        return this.jwks;
      },
      (err: unknown) => {
        this.discovery = undefined;
        this.failedAt = Date.now();
        this.log.warn(
          { issuer: this.s.issuer, err: (err as Error).message },
          'OAuth issuer discovery failed',
        );
        throw err;
      },
    );
    return this.discovery;
  }

  /** Starts discovery in the background so the first request does not pay for it. */
  warmUp(): void {
    this.keySet().catch(() => {});
  }

  async verifyAccessToken(token: string): Promise<AuthInfo> {
    const jwks = await this.keySet();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer: this.s.issuer,
        // RFC 8707 audience: this server, with or without a trailing slash.
        audience: [this.s.resourceUrl, `${this.s.resourceUrl}/`],
        algorithms: this.s.algorithms,
        clockTolerance: this.s.clockToleranceSeconds,
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      const reason = describeJoseError(err, this.s);
      if (reason) throw new OAuthError(OAuthErrorCode.InvalidToken, reason);
      // Network failures, timeouts and a JWKS endpoint answering non-200 or non-JSON (a bare JOSEError).
      const generic = err instanceof errors.JOSEError && err.code === 'ERR_JOSE_GENERIC';
      if (
        generic ||
        err instanceof errors.JWKSTimeout ||
        err instanceof errors.JWKSInvalid ||
        err instanceof TypeError
      )
        throw new AuthServerUnavailableError(`OAuth issuer keys unavailable: ${(err as Error).message}`);
      this.log.warn({ err: (err as Error).message }, 'unexpected token verification failure');
      throw new OAuthError(OAuthErrorCode.InvalidToken, 'token could not be verified');
    }
    const clientId = String(payload.client_id ?? payload.azp ?? '');
    return {
      token: tokenFingerprint(token),
      clientId,
      scopes: scopesOf(payload),
      expiresAt: payload.exp,
      resource: new URL(this.s.resourceUrl),
      extra: { caller: payload.sub ?? (clientId || 'unknown'), issuer: payload.iss },
    };
  }
}

/** The RFC 9728 metadata URL for this resource (the `resource_metadata` of every challenge). */
export function resourceMetadataUrl(resourceUrl: string): string {
  return getOAuthProtectedResourceMetadataUrl(new URL(resourceUrl));
}

/**
 * The RFC 9728 Protected Resource Metadata document. Built by the SDK (which also refuses a non-HTTPS issuer
 * outside localhost), plus the one bearer method this server accepts.
 * @throws when the issuer URL is not acceptable.
 */
export function protectedResourceMetadata(s: OAuthSettings): OAuthProtectedResourceMetadata {
  const doc = buildOAuthProtectedResourceMetadata({
    // Only `issuer` is read from the authorization server metadata to build this document.
    oauthMetadata: { issuer: s.issuer } as OAuthMetadata,
    resourceServerUrl: new URL(s.resourceUrl),
    scopesSupported: s.requiredScopes,
    resourceName: 'cluster-mcp',
  });
  // The SDK's URL.href gives a bare origin a trailing slash; the resource is the identifier as configured.
  return { ...doc, resource: s.resourceUrl, bearer_methods_supported: ['header'] };
}
