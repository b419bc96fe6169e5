import type { V1Namespace } from '@kubernetes/client-node';
import { z } from 'zod';
import { countObjects, listEach, mapLimit, type Raw, resourcePath } from '../../clients/kube-core.ts';
import { listOutputSchema, listResult } from '../../mcp/envelope.ts';
import { defineTool } from '../../mcp/tool.ts';
import { ageOf } from '../../util/duration.ts';
import { compact, PARAM } from './page.ts';

type Namespace = Raw<V1Namespace>;

/** Pod counts requested at once; each is one small request. */
const COUNT_CONCURRENCY = 8;

const namespaceItem = z.object({
  name: z.string(),
  phase: z.string(),
  pods: z.number().optional(),
  age: z.string().optional(),
});

export type NamespaceItem = z.infer<typeof namespaceItem>;

/** Projects a namespace to name, phase and age. */
export function projectNamespace(ns: Namespace, now: number): NamespaceItem {
  return compact({
    name: ns.metadata?.name ?? '',
    phase: ns.status?.phase ?? 'Unknown',
    age: ageOf(ns.metadata?.creationTimestamp, now),
  });
}

export const getNamespaces = defineTool({
  name: 'get_namespaces',
  title: 'Namespaces',
  description: 'Namespaces with phase (Active/Terminating) and age; optionally the number of pods in each.',
  input: z.object({
    labelSelector: z.string().optional().describe(PARAM.labelSelector),
    pods: z.boolean().default(false).describe('Count pods in each'),
    limit: z.number().int().min(1).max(1000).default(200),
  }),
  output: listOutputSchema(namespaceItem, z.object({ byPhase: z.record(z.string(), z.number()) })),
  handler: async (args, ctx) => {
    const now = Date.now();
    const kube = ctx.clients.kube;
    const all: NamespaceItem[] = [];
    await listEach<Namespace>(
      kube,
      resourcePath({ version: 'v1', resource: 'namespaces' }),
      { verb: 'list', resource: 'namespaces' },
      { signal: ctx.signal, labelSelector: args.labelSelector },
      (ns) => {
        all.push(projectNamespace(ns, now));
      },
    );
    all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const items = all.slice(0, args.limit);
    const errors: { part: string; error: string }[] = [];
    if (args.pods) {
      await mapLimit(items, COUNT_CONCURRENCY, async (ns) => {
        // The pod cache, when synced, knows every namespace's pods without a request.
        const cached = ctx.clients.podCache?.snapshot(ns.name);
        if (cached) {
          ns.pods = cached.length;
          return;
        }
        try {
          ns.pods = await countObjects(
            kube,
            resourcePath({ version: 'v1', resource: 'pods', namespace: ns.name }),
            { verb: 'list', resource: 'pods', namespace: ns.name },
            ctx.signal,
          );
        } catch (err) {
          errors.push({ part: `pods in ${ns.name}`, error: (err as Error).message });
        }
      });
      // Keep the property order stable (name, phase, pods, age) for readers of the JSON text.
      for (let i = 0; i < items.length; i++) {
        const { name, phase, pods, age } = items[i]!;
        items[i] = compact({ name, phase, pods, age });
      }
    }
    const byPhase: Record<string, number> = {};
    for (const ns of all) byPhase[ns.phase] = (byPhase[ns.phase] ?? 0) + 1;
    return listResult({
      items,
      total: all.length,
      summary: { byPhase },
      errors: errors.sort((a, b) => (a.part < b.part ? -1 : 1)).slice(0, 10),
      emptyHint: 'No namespaces match labelSelector; loosen it.',
    });
  },
});
