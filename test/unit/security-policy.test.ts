import { describe, expect, it } from 'vitest';
import { allowedHostnames, checkExposure, isLoopbackHost, originPolicy } from '../../src/auth/policy.ts';
import { checkHost, checkOrigin, jsonTooDeep } from '../../src/plugins/security.ts';

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['[::1]', true],
    ['localhost', true],
    ['LOCALHOST', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.5', false],
    ['192.168.1.1', false],
    ['mcp.example.com', false],
    ['localhost.example.com', false],
  ])('%s → %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('checkExposure', () => {
  const base = { port: 8080, auth: { mode: 'none' as const, allowUnauthenticated: false } };
  const cfg = (host: string, mode: 'none' | 'bearer' | 'oauth', allow = false) =>
    ({ ...base, host, auth: { ...base.auth, mode, allowUnauthenticated: allow } }) as Parameters<
      typeof checkExposure
    >[0];

  it('allows auth none on loopback without a warning', () => {
    expect(checkExposure(cfg('127.0.0.1', 'none'))).toEqual({});
  });

  it('refuses auth none on 0.0.0.0 and names the way out', () => {
    const v = checkExposure(cfg('0.0.0.0', 'none'));
    expect(v.refuse).toMatch(/MCP_ALLOW_UNAUTHENTICATED/);
    expect(v.refuse).toMatch(/MCP_AUTH_MODE=bearer/);
  });

  it('warns about auth none on 0.0.0.0 when explicitly allowed', () => {
    const v = checkExposure(cfg('0.0.0.0', 'none', true));
    expect(v.refuse).toBeUndefined();
    expect(v.warn).toMatch(/UNAUTHENTICATED/);
  });

  it.each(['bearer', 'oauth'] as const)('accepts %s auth on any address', (mode) => {
    expect(checkExposure(cfg('0.0.0.0', mode))).toEqual({});
  });
});

describe('allowedHostnames', () => {
  it.each([
    ['loopback, none configured → loopback names', '127.0.0.1', [], ['localhost', '127.0.0.1', '[::1]']],
    ['0.0.0.0, none configured → any host', '0.0.0.0', [], undefined],
    ['0.0.0.0, configured → exactly those', '0.0.0.0', ['mcp.example.com'], ['mcp.example.com']],
    [
      'configured names are lower-cased and lose ports',
      '0.0.0.0',
      ['MCP.Example.com:443'],
      ['mcp.example.com'],
    ],
    [
      'loopback plus configured',
      '::1',
      ['mcp.example.com'],
      ['mcp.example.com', 'localhost', '127.0.0.1', '[::1]'],
    ],
    ['* → any host', '127.0.0.1', ['*'], undefined],
  ])('%s', (_name, host, allowedHosts, expected) => {
    expect(allowedHostnames({ host, allowedHosts })).toEqual(expected);
  });
});

describe('checkHost', () => {
  const loopback = allowedHostnames({ host: '127.0.0.1', allowedHosts: [] });
  it.each([
    ['localhost:8080', loopback, true],
    ['127.0.0.1:1234', loopback, true],
    ['[::1]:8080', loopback, true],
    ['evil.example.com', loopback, false],
    ['evil.example.com:8080', loopback, false],
    ['localhost.evil.example.com', loopback, false],
    [undefined, loopback, false],
    ['mcp.example.com', undefined, true],
    ['bad host/with space', undefined, false],
    ['user@localhost', loopback, false],
    ['user@mcp.example.com', undefined, false],
    ['localhost/path', loopback, false],
    ['localhost:99999', loopback, false],
    ['[::1', loopback, false],
    [undefined, undefined, false],
  ])('%s → allowed %s', (host, allowed, ok) => {
    expect(checkHost(host, allowed) === undefined).toBe(ok);
  });
});

describe('checkOrigin', () => {
  const loopback = originPolicy({ host: '127.0.0.1', allowedOrigins: [] });
  const remote = originPolicy({
    host: '0.0.0.0',
    allowedOrigins: ['https://app.example.com', 'tools.example.com', 'moz-extension://*'],
  });
  it.each([
    ['no Origin passes (non-browser clients)', undefined, loopback, true],
    ['loopback origin on loopback', 'http://localhost:6274', loopback, true],
    ['foreign origin on loopback', 'http://evil.example.com', loopback, false],
    ['opaque null origin', 'null', loopback, false],
    ['garbage origin', 'not a url', loopback, false],
    ['loopback origin on a remote bind without configuration', 'http://localhost:6274', remote, false],
    ['configured exact origin', 'https://app.example.com', remote, true],
    ['configured exact origin on another scheme', 'http://app.example.com', remote, false],
    ['configured exact origin on another port', 'https://app.example.com:8443', remote, false],
    ['configured host name on any scheme and port', 'http://tools.example.com:3000', remote, true],
    ['look-alike host name', 'https://tools.example.com.evil.net', remote, false],
    ['scheme wildcard', 'moz-extension://0f1e2d3c', remote, true],
    [
      'any with *',
      'https://whatever.example',
      originPolicy({ host: '0.0.0.0', allowedOrigins: ['*'] }),
      true,
    ],
  ])('%s', (_name, origin, policy, ok) => {
    expect(checkOrigin(origin, policy) === undefined).toBe(ok);
  });
});

describe('jsonTooDeep', () => {
  it.each([
    ['flat object', '{"a":1}', 2, false],
    ['exactly the limit', '[[1]]', 2, false],
    ['one past the limit', '[[[1]]]', 2, true],
    ['brackets inside strings do not count', '{"a":"[[[[[[[["}', 2, false],
    ['escaped quotes do not end a string', '{"a":"\\"[[[[[["}', 2, false],
    ['siblings do not add up', '[[1],[2],[3]]', 2, false],
    ['100 000 deep', '['.repeat(100_000), 64, true],
  ])('%s', (_name, text, max, deep) => {
    expect(jsonTooDeep(text, max)).toBe(deep);
  });
});
