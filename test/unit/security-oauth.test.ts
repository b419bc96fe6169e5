import { describe, expect, it } from 'vitest';
import { metadataUrls, protectedResourceMetadata, resourceMetadataUrl } from '../../src/auth/oauth.ts';

const settings = {
  issuer: 'https://auth.example.com/realms/ops',
  resourceUrl: 'https://mcp.example.com/mcp',
  requiredScopes: ['mcp:read'],
  algorithms: ['RS256'],
  clockToleranceSeconds: 30,
};

describe('metadataUrls', () => {
  it.each([
    [
      'an issuer without a path',
      'https://auth.example.com',
      [
        'https://auth.example.com/.well-known/oauth-authorization-server',
        'https://auth.example.com/.well-known/openid-configuration',
      ],
    ],
    [
      'an issuer with a trailing slash',
      'https://tenant.auth0.com/',
      [
        'https://tenant.auth0.com/.well-known/oauth-authorization-server',
        'https://tenant.auth0.com/.well-known/openid-configuration',
      ],
    ],
    [
      'an issuer with a path (RFC 8414 insertion first, then OIDC both ways)',
      'https://auth.example.com/realms/ops',
      [
        'https://auth.example.com/.well-known/oauth-authorization-server/realms/ops',
        'https://auth.example.com/.well-known/openid-configuration/realms/ops',
        'https://auth.example.com/realms/ops/.well-known/openid-configuration',
      ],
    ],
  ])('for %s', (_name, issuer, urls) => {
    expect(metadataUrls(issuer)).toEqual(urls);
  });
});

describe('protected resource metadata', () => {
  it('names the resource, its authorization server, scopes and the header method', () => {
    expect(protectedResourceMetadata(settings)).toMatchObject({
      resource: 'https://mcp.example.com/mcp',
      authorization_servers: ['https://auth.example.com/realms/ops'],
      scopes_supported: ['mcp:read'],
      bearer_methods_supported: ['header'],
      resource_name: 'cluster-mcp',
    });
  });

  it('is published at the path-inserted well-known URL', () => {
    expect(resourceMetadataUrl(settings.resourceUrl)).toBe(
      'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
    );
  });

  it('refuses a plain-HTTP issuer outside localhost', () => {
    expect(() => protectedResourceMetadata({ ...settings, issuer: 'http://auth.example.com' })).toThrow(
      /HTTPS/,
    );
  });
});
