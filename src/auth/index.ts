/** Builds the client authentication of `/mcp` from the configuration: nothing, static bearer tokens, or OAuth. */
import type { OAuthProtectedResourceMetadata, OAuthTokenVerifier } from '@modelcontextprotocol/server';
import { type Config, ConfigError } from '../config.ts';
import type { Logger } from '../log.ts';
import { JwtAccessTokenVerifier, protectedResourceMetadata, resourceMetadataUrl } from './oauth.ts';
import { BearerTokenVerifier } from './tokens.ts';

export { AuthServerUnavailableError } from './oauth.ts';

/** Everything the auth gate and the metadata routes need. */
export interface Authenticator {
  mode: 'bearer' | 'oauth';
  verifier: OAuthTokenVerifier;
  /** Scopes every token must carry (OAuth); a token without them gets 403 insufficient_scope. */
  requiredScopes: string[];
  /** RFC 9728 metadata URL advertised in challenges (OAuth). */
  resourceMetadataUrl?: string;
  /** The audience tokens must name (OAuth). */
  expectedResource?: URL;
  /** The RFC 9728 document (OAuth). */
  metadata?: OAuthProtectedResourceMetadata;
}

/**
 * The authenticator for the configured mode, or `undefined` for mode `none`.
 * @throws ConfigError when the token file or the issuer settings are unusable.
 */
export function createAuthenticator(config: Config, log: Logger): Authenticator | undefined {
  const { auth } = config;
  if (auth.mode === 'none') return undefined;
  if (auth.mode === 'bearer') {
    try {
      return {
        mode: 'bearer',
        verifier: new BearerTokenVerifier(auth.bearerTokensFile!, log),
        requiredScopes: [],
      };
    } catch (err) {
      throw new ConfigError([`MCP_BEARER_TOKENS_FILE ${(err as Error).message}`]);
    }
  }
  const settings = {
    issuer: auth.oauth.issuer!,
    jwksUrl: auth.oauth.jwksUrl,
    resourceUrl: auth.resourceUrl!,
    requiredScopes: auth.oauth.requiredScopes,
    algorithms: auth.oauth.algorithms,
    clockToleranceSeconds: auth.oauth.clockToleranceSeconds,
  };
  let metadata: OAuthProtectedResourceMetadata;
  try {
    metadata = protectedResourceMetadata(settings);
  } catch (err) {
    throw new ConfigError([`MCP_OAUTH_ISSUER ${settings.issuer}: ${(err as Error).message}`]);
  }
  const verifier = new JwtAccessTokenVerifier(settings, log);
  verifier.warmUp();
  return {
    mode: 'oauth',
    verifier,
    requiredScopes: settings.requiredScopes,
    resourceMetadataUrl: resourceMetadataUrl(settings.resourceUrl),
    expectedResource: new URL(settings.resourceUrl),
    metadata,
  };
}
