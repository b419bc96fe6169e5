import { z } from 'zod';
import { buildInfo } from '../build-info.ts';
import { HTTP_BACKENDS } from '../clients/index.ts';
import { PROTOCOL_VERSIONS, SERVER_NAME } from '../mcp/server.ts';
import { defineTool } from '../mcp/tool.ts';

const backend = z.object({ configured: z.boolean(), url: z.string().optional() });

export const getVersion = defineTool({
  name: 'get_version',
  title: 'Versions',
  description:
    'cluster-mcp version, git SHA, build time, MCP revisions, configured backends, Kubernetes version.',
  input: z.object({}),
  output: z.object({
    server: z.object({ name: z.string(), version: z.string(), gitSha: z.string(), buildTime: z.string() }),
    node: z.string(),
    protocolVersions: z.array(z.string()),
    kubernetes: z.object({
      reachable: z.boolean(),
      version: z.string().optional(),
      platform: z.string().optional(),
      server: z.string(),
      context: z.string().optional(),
      inCluster: z.boolean(),
      error: z.string().optional(),
    }),
    backends: z.record(z.string(), backend),
  }),
  handler: async (_args, ctx) => {
    const kube = ctx.clients.kube;
    let kubernetes: { reachable: boolean; version?: string; platform?: string; error?: string };
    try {
      // A version read in the last 10 s is reused (an unreachable API server is still noticed within 10 s).
      const v = await kube.version(ctx.signal, 10_000);
      kubernetes = { reachable: true, version: v.gitVersion, platform: v.platform };
    } catch (err) {
      kubernetes = { reachable: false, error: (err as Error).message };
    }
    const backends: Record<string, { configured: boolean; url?: string }> = {};
    for (const name of HTTP_BACKENDS) {
      const b = ctx.clients[name];
      backends[name] = b.configured ? { configured: true, url: b.baseUrl } : { configured: false };
    }
    return {
      server: { name: SERVER_NAME, ...buildInfo },
      node: process.version,
      protocolVersions: [...PROTOCOL_VERSIONS],
      kubernetes: {
        ...kubernetes,
        server: kube.server,
        context: kube.inCluster ? undefined : kube.contextName,
        inCluster: kube.inCluster,
      },
      backends,
    };
  },
});

export const versionTools = [getVersion];
