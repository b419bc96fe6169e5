import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

const OAUTH = {
  MCP_AUTH_MODE: 'oauth',
  MCP_OAUTH_ISSUER: 'https://auth.example.com/',
  MCP_RESOURCE_URL: 'https://mcp.example.com/mcp',
};

/** The problems loadConfig reports for an environment (empty when it loads). */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('security settings', () => {
  it('keeps the issuer verbatim, trailing slash included (it must equal the iss claim)', () => {
    expect(loadConfig(OAUTH).auth.oauth.issuer).toBe('https://auth.example.com/');
  });

  it.each([['none'], ['HS256'], ['none,RS256']])('refuses JWT algorithms %s', (algs) => {
    expect(problems({ ...OAUTH, MCP_OAUTH_ALGORITHMS: algs }).join('\n')).toMatch(/MCP_OAUTH_ALGORITHMS/);
  });

  it('accepts asymmetric JWT algorithms', () => {
    expect(problems({ ...OAUTH, MCP_OAUTH_ALGORITHMS: 'ES256,EdDSA,PS512' })).toEqual([]);
  });

  it('requires a resource URL (the audience) in OAuth mode', () => {
    expect(problems({ ...OAUTH, MCP_RESOURCE_URL: '' }).join('\n')).toMatch(/MCP_RESOURCE_URL/);
  });

  it('requires a token file in bearer mode', () => {
    expect(problems({ MCP_AUTH_MODE: 'bearer' }).join('\n')).toMatch(/MCP_BEARER_TOKENS_FILE/);
  });

  it.each([
    ['https://app.example.com', true],
    ['app.example.com', true],
    ['moz-extension://*', true],
    ['*', true],
    ['https://app.example.com/path', false],
    ['https://', false],
    ['not an origin', false],
  ])('MCP_ALLOWED_ORIGINS=%s accepted: %s', (origin, ok) => {
    expect(problems({ MCP_ALLOWED_ORIGINS: origin }).length === 0).toBe(ok);
  });

  it.each([
    ['mcp.example.com', true],
    ['mcp.example.com:443', true],
    ['[::1]', true],
    ['*', true],
    ['http://mcp.example.com', false],
    ['bad host', false],
  ])('MCP_ALLOWED_HOSTS=%s accepted: %s', (host, ok) => {
    expect(problems({ MCP_ALLOWED_HOSTS: host }).length === 0).toBe(ok);
  });

  it('defaults the limits that guard /mcp', () => {
    const c = loadConfig({});
    expect(c.limits).toMatchObject({ maxBodyBytes: 1_048_576, maxJsonDepth: 64, maxConcurrentCalls: 64 });
    expect(c.auth.oauth.clockToleranceSeconds).toBe(30);
    expect(c.redactSecrets).toBe(true);
  });
});
