/** Pure wiring: builds the Fastify app from a config. No listening, no process concerns. */
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { type Clients, closeClients, createClients } from './clients/index.ts';
import type { Config } from './config.ts';
import { createLogger, type Logger } from './log.ts';
import { ToolRegistry } from './mcp/registry.ts';
import { createMcpEndpoint } from './mcp/server.ts';
import type { AnyTool } from './mcp/tool.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { healthPlugin } from './plugins/health.ts';
import { mcpPlugin } from './plugins/mcp.ts';
import { metricsPlugin } from './plugins/metrics.ts';
import { allTools } from './tools/index.ts';

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

export async function buildApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const log = overrides.logger ?? createLogger(config.logLevel);
  const metrics = overrides.metrics ?? createMetrics();
  const clients = overrides.clients ?? createClients(config, metrics);
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
  await fastify.register(metricsPlugin, { metrics });
  await fastify.register(healthPlugin, { clients });
  await fastify.register(mcpPlugin, { handler, maxBodyBytes: config.limits.maxBodyBytes });
  fastify.addHook('onClose', async () => {
    await handler.close();
    if (!overrides.clients) await closeClients(clients);
  });
  return { fastify, registry, clients, metrics, log };
}
