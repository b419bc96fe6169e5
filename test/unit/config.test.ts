import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, flagName, loadConfig } from '../../src/config.ts';
import { configTable } from '../../src/config-table.ts';
import { ROOT } from '../support/env.ts';

describe('loadConfig', () => {
  it('applies defaults', () => {
    const c = loadConfig({});
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(8080);
    expect(c.auth.mode).toBe('none');
    expect(c.backends.prometheus.url).toBeUndefined();
    expect(c.limits.callTimeoutMs).toBe(30_000);
  });

  it('lets flags override environment variables', () => {
    const c = loadConfig({ MCP_PORT: '9000', PROMETHEUS_URL: 'http://a:9090' }, [
      '--port',
      '9100',
      '--prometheus-url=http://b:9090/',
    ]);
    expect(c.port).toBe(9100);
    expect(c.backends.prometheus.url).toBe('http://b:9090');
  });

  it('reports every invalid value at once', () => {
    try {
      loadConfig({ MCP_PORT: '70000', MCP_AUTH_MODE: 'magic', LOKI_URL: 'not a url' }, ['--bogus', 'x']);
      expect.unreachable('loadConfig accepted invalid values');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      for (const k of ['MCP_PORT', 'MCP_AUTH_MODE', 'LOKI_URL', '--bogus']) expect(problems).toContain(k);
    }
  });

  it('requires the settings an auth mode depends on', () => {
    expect(() => loadConfig({ MCP_AUTH_MODE: 'oauth' })).toThrow(/MCP_OAUTH_ISSUER[\s\S]*MCP_RESOURCE_URL/);
  });

  it('sends the Loki tenant as X-Scope-OrgID', () => {
    expect(loadConfig({ LOKI_TENANT: 'team-a' }).backends.loki.headers).toEqual({
      'X-Scope-OrgID': 'team-a',
    });
  });

  it.each([
    ['MCP_PORT', '--port'],
    ['PROMETHEUS_URL', '--prometheus-url'],
    ['NTFY_DEFAULT_TOPIC', '--ntfy-default-topic'],
  ])('names the flag of %s %s', (env, flag) => {
    expect(flagName(env)).toBe(flag);
  });
});

describe('README', () => {
  it('shows the configuration table generated from the settings', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const m = /<!-- config-table:start -->\n([\s\S]*?)\n<!-- config-table:end -->/.exec(readme);
    expect(m, 'README.md lacks the config-table markers').not.toBeNull();
    expect(m![1]).toBe(configTable());
  });
});
