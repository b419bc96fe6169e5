/** Pure wiring: builds the Fastify app from a config. No listening, no process concerns. */
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { createAuthenticator } from './auth/index.ts';
import { metricsAuthorizer } from './auth/tokens.ts';
import { type Clients, closeClients, createClients } from './clients/index.ts';
import { PodCache } from './clients/pod-cache.ts';
import { type Config, ConfigError } from './config.ts';
import { createLogger, type Logger } from './log.ts';
import { ToolRegistry } from './mcp/registry.ts';
import { createMcpEndpoint } from './mcp/server.ts';
import type { AnyTool } from './mcp/tool.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { authPlugin, oauthMetadataPlugin } from './plugins/auth.ts';
import { healthPlugin } from './plugins/health.ts';
import { mcpPlugin } from './plugins/mcp.ts';
import { metricsPlugin } from './plugins/metrics.ts';
import { securityPlugin } from './plugins/security.ts';
import { podRecord } from './tools/core/pods.ts';
import { allTools } from './tools/index.ts';
import { collectGarbage } from './util/gc.ts';

export interface AppOverrides {
  logger?: Logger;
  clients?: Clients;
  metrics?: Metrics;
  tools?: readonly AnyTool[];
}

export interface App {
  fastify: FastifyInstance;
  registry: ToolRegistry;
  clients: Clients;
  metrics: Metrics;
  log: Logger;
}

/**
 * Builds the app. Probes and scraping (`/healthz`, `/readyz`, `/metrics`, optionally token-protected) and the
 * OAuth metadata stay outside the guarded scope; `/mcp` sits inside it behind Host/Origin checks,
 * authentication, the rate limit and the in-flight cap.
 * @throws ConfigError when a credential file or the OAuth settings are unusable.
 */
export async function buildApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const log = overrides.logger ?? createLogger(config.logLevel, { redactSecrets: config.redactSecrets });
  const authenticator = createAuthenticator(config, log);
  let authorizeMetrics: ((header: string | undefined) => boolean) | undefined;
  if (config.metricsTokenFile) {
    try {
      authorizeMetrics = metricsAuthorizer(config.metricsTokenFile);
    } catch (err) {
      throw new ConfigError([`MCP_METRICS_TOKEN_FILE ${(err as Error).message}`]);
    }
  }
  const metrics = overrides.metrics ?? createMetrics();
  const clients = overrides.clients ?? createClients(config, metrics);
  if (!overrides.clients && config.kube.podCache)
    clients.podCache = new PodCache(clients.kube, {
      project: podRecord,
      log: log.child({ component: 'pod-cache' }),
      maxPods: config.kube.podCacheMax,
      // The sync parsed every pod once; hand the heap that took back to the OS rather than idle in it.
      onSynced: () => setImmediate(collectGarbage),
    });
  const registry = new ToolRegistry(overrides.tools ?? allTools, { config, clients, metrics, log });
  const handler = createMcpEndpoint(registry);

  const fastify = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    ...(config.tls
      ? { https: { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } }
      : {}),
    disableRequestLogging: true,
    bodyLimit: config.limits.maxBodyBytes,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  }) as unknown as FastifyInstance;
  await fastify.register(metricsPlugin, { metrics, authorize: authorizeMetrics });
  await fastify.register(healthPlugin, { clients });
  if (authenticator) await fastify.register(oauthMetadataPlugin, { authenticator });
  await fastify.register(async (guarded) => {
    await guarded.register(securityPlugin, { config });
    if (authenticator) await guarded.register(authPlugin, { authenticator });
    await guarded.register(mcpPlugin, { handler, registry, maxBodyBytes: config.limits.maxBodyBytes });
  });
  // The pod cache syncs in the background once the app starts; readiness does not wait for it (tools read from
  // the API server until it has synced).
  fastify.addHook('onReady', async () => {
    clients.podCache?.start();
  });
  fastify.addHook('onClose', async () => {
    await handler.close();
    if (!overrides.clients) await closeClients(clients);
  });
  return { fastify, registry, clients, metrics, log };
}
