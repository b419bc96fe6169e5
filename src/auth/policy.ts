/**
 * Who may reach `/mcp` at all: the start-up exposure rule (no open server on a non-loopback address unless
 * asked for), and the effective Host and Origin allowlists derived from the listen address and settings.
 */
import { isIP } from 'node:net';
import { localhostAllowedHostnames, localhostAllowedOrigins } from '@modelcontextprotocol/server';
import type { Config } from '../config.ts';

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h);
  return false;
}

/** What the server must do about its exposure before listening. */
export interface ExposureVerdict {
  /** Set when the server must not start; the text says why and how to fix it. */
  refuse?: string;
  /** Set when the server may start but the operator must be told loudly. */
  warn?: string;
}

/**
 * Auth mode `none` is allowed on loopback; elsewhere only with MCP_ALLOW_UNAUTHENTICATED, and then with a
 * warning: whoever reaches the port can read the cluster.
 */
export function checkExposure(config: Pick<Config, 'host' | 'port' | 'auth'>): ExposureVerdict {
  if (config.auth.mode !== 'none' || isLoopbackHost(config.host)) return {};
  if (!config.auth.allowUnauthenticated) {
    return {
      refuse:
        `refusing to serve without authentication on ${config.host}, which is not a loopback address: ` +
        'set MCP_AUTH_MODE=bearer (with MCP_BEARER_TOKENS_FILE) or MCP_AUTH_MODE=oauth, bind to 127.0.0.1, ' +
        'or set MCP_ALLOW_UNAUTHENTICATED=true if a proxy in front of the server authenticates every request',
    };
  }
  return {
    warn:
      `UNAUTHENTICATED: /mcp on ${config.host}:${config.port} accepts every caller ` +
      '(MCP_ALLOW_UNAUTHENTICATED=true); anyone who reaches this port can read the cluster. ' +
      'Only run it like this behind a proxy that authenticates, and set MCP_ALLOWED_HOSTS.',
  };
}

/** Lower-cased hostname of a `host[:port]` allowlist entry, IPv6 in brackets (the SDK validator's convention). */
function hostnameOf(entry: string): string {
  try {
    return new URL(`http://${entry}`).hostname;
  } catch {
    return entry.toLowerCase();
  }
}

/**
 * Hostnames accepted in the `Host` header of `/mcp`, or `undefined` for any host. Configured names, plus the
 * loopback names when bound to loopback (local clients say `localhost` or `127.0.0.1`). Bound elsewhere with
 * none configured, any Host is accepted: the server then requires authentication (or was explicitly told not
 * to), and the Origin check still stops browsers — the DNS-rebinding case the Host check exists for.
 */
export function allowedHostnames(config: Pick<Config, 'host' | 'allowedHosts'>): string[] | undefined {
  if (config.allowedHosts.includes('*')) return undefined;
  const names = config.allowedHosts.map(hostnameOf);
  if (isLoopbackHost(config.host)) names.push(...localhostAllowedHostnames());
  return names.length > 0 ? [...new Set(names)] : undefined;
}

/** How a request's `Origin` is judged. */
export interface OriginPolicy {
  /** Any origin passes (`MCP_ALLOWED_ORIGINS=*`). */
  any: boolean;
  /** Exact origins (`https://app.example.com[:port]`), compared after URL normalisation. */
  origins: Set<string>;
  /** Hostnames whose origins pass on any scheme and port, and `<scheme>://*` entries (SDK convention). */
  hostnames: string[];
}

/**
 * Configured entries are full origins (exact match) or bare hostnames (any scheme and port); on loopback the
 * loopback origins are added. A request without `Origin` (every non-browser client) passes.
 */
export function originPolicy(config: Pick<Config, 'host' | 'allowedOrigins'>): OriginPolicy {
  const policy: OriginPolicy = { any: false, origins: new Set(), hostnames: [] };
  for (const entry of config.allowedOrigins) {
    if (entry === '*') policy.any = true;
    else if (/^[a-z][a-z0-9+.-]*:\/\/\*$/.test(entry)) policy.hostnames.push(entry);
    else if (entry.includes('://')) {
      try {
        policy.origins.add(new URL(entry).origin);
      } catch {
        policy.hostnames.push(entry.toLowerCase());
      }
    } else policy.hostnames.push(hostnameOf(entry));
  }
  if (isLoopbackHost(config.host)) policy.hostnames.push(...localhostAllowedOrigins());
  return policy;
}
