import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { ToolRegistry } from '../../src/mcp/registry.ts';
import { createMetrics } from '../../src/metrics.ts';
import { allTools } from '../../src/tools/index.ts';

const PRODUCT_TOOLS = [
  'get_version',
  'get_node_status',
  'get_pods',
  'get_namespaces',
  'get_events',
  'get_workloads',
  'get_certificates',
  'get_alerts',
  'query_logs',
  'query_metrics',
  'get_flux_status',
  'get_flux_sources',
  'get_flux_images',
  'get_notifications',
];

function registry(): ToolRegistry {
  return new ToolRegistry(allTools, {
    config: loadConfig({}),
    clients: {} as never,
    metrics: createMetrics(),
    log: createLogger('silent'),
  });
}

describe('tools/list surface', () => {
  it('offers exactly the 14 product tools', () => {
    expect(
      registry()
        .list.map((t) => t.name)
        .sort(),
    ).toEqual([...PRODUCT_TOOLS].sort());
  });

  it('is pinned: names, annotations, schemas and description lengths', async () => {
    const surface = registry().list.map((t) => ({
      name: t.name,
      title: t.title,
      descriptionLength: t.description.length,
      annotations: t.annotations,
      inputSchema: t.inputSchema,
      outputSchema: t.outputSchema,
    }));
    await expect(`${JSON.stringify(surface, null, 2)}\n`).toMatchFileSnapshot(
      './__snapshots__/tools-list.json',
    );
  });

  it('describes every parameter or bounds it in the schema', () => {
    for (const t of registry().list) {
      const props = (t.inputSchema.properties ?? {}) as Record<string, Record<string, unknown>>;
      for (const [name, p] of Object.entries(props)) {
        const described =
          typeof p.description === 'string' || 'default' in p || 'maximum' in p || 'enum' in p;
        expect(described, `${t.name}.${name}`).toBe(true);
      }
      expect(t.inputSchema.additionalProperties, t.name).toBe(false);
    }
  });
});
