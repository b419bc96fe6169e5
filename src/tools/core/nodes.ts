import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { z } from 'zod';
import { KubeApiError, type KubeClient } from '../../clients/kube.ts';
import {
  checkName,
  explainKubeError,
  fieldValue,
  joinSelectors,
  listEach,
  type Raw,
  resourcePath,
} from '../../clients/kube-core.ts';
import type { PodCache } from '../../clients/pod-cache.ts';
import { listOutputSchema, listResult } from '../../mcp/envelope.ts';
import { CallerError } from '../../mcp/errors.ts';
import { defineTool } from '../../mcp/tool.ts';
import { ageOf } from '../../util/duration.ts';
import { cpuCores, memoryMiB, parseQuantity, percent } from '../../util/quantity.ts';
import { clip, compact, compareKeys, PARAM } from './page.ts';
import type { PodRecord } from './pods.ts';

type Node = Raw<V1Node>;

const resources = z.object({ cpu: z.number().optional(), memoryMiB: z.number().optional() });

const nodeItem = z.object({
  name: z.string(),
  roles: z.array(z.string()).optional(),
  ready: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
  conditions: z
    .array(
      z.object({
        type: z.string(),
        status: z.string(),
        reason: z.string().optional(),
        message: z.string().optional(),
      }),
    )
    .optional(),
  unschedulable: z.boolean().optional(),
  taints: z.array(z.string()).optional(),
  kubelet: z.string().optional(),
  osImage: z.string().optional(),
  kernel: z.string().optional(),
  arch: z.string().optional(),
  runtime: z.string().optional(),
  capacity: resources,
  allocatable: resources,
  usage: z
    .object({
      cpu: z.number().optional(),
      memoryMiB: z.number().optional(),
      cpuPct: z.number().optional(),
      memoryPct: z.number().optional(),
    })
    .nullable(),
  pods: z.object({ scheduled: z.number().optional(), capacity: z.number().optional() }),
  age: z.string().optional(),
});

export type NodeItem = z.infer<typeof nodeItem>;

/** Live usage of one node as metrics.k8s.io reports it (quantity strings). */
export interface NodeUsage {
  cpu?: string;
  memory?: string;
}

function roles(labels: Record<string, string> | undefined): string[] {
  const out = new Set<string>();
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) out.add(k.slice('node-role.kubernetes.io/'.length) || v);
    else if (k === 'kubernetes.io/role' && v) out.add(v);
  }
  return [...out].filter(Boolean).sort();
}

/**
 * Projects a node: readiness (reason and message when not True), abnormal conditions (pressure or any other
 * condition that is True), cordon, taints, versions, capacity/allocatable, and usage when metrics are known
 * (`usage` undefined = metrics API unavailable → null; a node without a sample also gets null).
 */
export function projectNode(
  node: Node,
  now: number,
  usage: NodeUsage | undefined,
  podsScheduled: number | undefined,
): NodeItem {
  const conds = node.status?.conditions ?? [];
  const readyCond = conds.find((c) => c.type === 'Ready');
  const ready = readyCond?.status ?? 'Unknown';
  // Condition types other than Ready are problems when True (pressure, NetworkUnavailable, node-problem-detector's).
  const abnormal = conds
    .filter((c) => c.type !== 'Ready' && c.status === 'True')
    .sort((a, b) => (a.type < b.type ? -1 : 1))
    .map((c) =>
      compact({ type: c.type, status: c.status, reason: c.reason || undefined, message: clip(c.message) }),
    );
  const info = node.status?.nodeInfo;
  const cap = node.status?.capacity ?? {};
  const alloc = node.status?.allocatable ?? {};
  const allocCpu = parseQuantity(alloc.cpu);
  const allocMem = parseQuantity(alloc.memory);
  let usageOut: NodeItem['usage'] = null;
  if (usage) {
    const cpu = parseQuantity(usage.cpu);
    const mem = parseQuantity(usage.memory);
    usageOut = compact({
      cpu: cpuCores(usage.cpu) ?? undefined,
      memoryMiB: memoryMiB(usage.memory) ?? undefined,
      cpuPct: percent(cpu, allocCpu) ?? undefined,
      memoryPct: percent(mem, allocMem) ?? undefined,
    });
  }
  const podCap = parseQuantity(alloc.pods ?? cap.pods);
  const item = compact({
    name: node.metadata?.name ?? '',
    roles: roles(node.metadata?.labels),
    ready,
    reason: (ready !== 'True' && readyCond?.reason) || undefined,
    message: ready !== 'True' ? clip(readyCond?.message) : undefined,
    conditions: abnormal,
    unschedulable: node.spec?.unschedulable === true,
    taints: (node.spec?.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`),
    kubelet: info?.kubeletVersion,
    osImage: info?.osImage,
    kernel: info?.kernelVersion,
    arch: info?.architecture,
    runtime: info?.containerRuntimeVersion,
    capacity: compact({ cpu: cpuCores(cap.cpu) ?? undefined, memoryMiB: memoryMiB(cap.memory) ?? undefined }),
    allocatable: compact({
      cpu: cpuCores(alloc.cpu) ?? undefined,
      memoryMiB: memoryMiB(alloc.memory) ?? undefined,
    }),
    usage: usageOut,
    pods: compact({ scheduled: podsScheduled, capacity: podCap ?? undefined }),
    age: ageOf(node.metadata?.creationTimestamp, now),
  });
  // compact drops nulls, but a null usage is information (no sample, or no metrics API): keep it.
  return usageOut === null ? { ...item, usage: null } : item;
}

/** Not ready, cordoned or under pressure: listed first so a cut list still shows them. */
function needsAttention(n: NodeItem): boolean {
  return n.ready !== 'True' || n.unschedulable === true || (n.conditions?.length ?? 0) > 0;
}

interface Metrics {
  usage?: Map<string, NodeUsage>;
  /** Why usage is null, when it is. */
  hint?: string;
  error?: string;
}

const NO_METRICS = 'usage is null: metrics.k8s.io is not served (metrics-server is not installed).';

/** Node usage from metrics.k8s.io; its absence or failure is reported, never thrown. */
async function nodeMetrics(
  kube: KubeClient,
  labelSelector: string | undefined,
  signal: AbortSignal,
): Promise<Metrics> {
  try {
    const versions = await kube.groupVersions('metrics.k8s.io', signal);
    if (!versions || versions.length === 0) return { hint: NO_METRICS };
    const list = await kube.get<{ items?: { metadata?: { name?: string }; usage?: NodeUsage }[] }>(
      `/apis/metrics.k8s.io/${versions[0]}/nodes`,
      { query: { labelSelector }, signal },
    );
    const usage = new Map<string, NodeUsage>();
    for (const m of list.items ?? []) if (m.metadata?.name && m.usage) usage.set(m.metadata.name, m.usage);
    return { usage };
  } catch (err) {
    // Discovery is cached for 30 s, so a group removed since then answers 404: that is "not served" too.
    if (err instanceof KubeApiError && err.status === 404) return { hint: NO_METRICS };
    const e = explainKubeError(err, { verb: 'list', resource: 'nodes', group: 'metrics.k8s.io' }) as Error;
    return { hint: 'usage is null: metrics.k8s.io failed (see errors).', error: e.message };
  }
}

/**
 * Non-terminated pods per node: from the pod cache when it is synced, else read as a server-side Table (no pod
 * objects, only the Node column), which keeps the cost small on clusters with many pods. Failures are reported,
 * never thrown.
 */
async function podsPerNode(
  kube: KubeClient,
  cache: PodCache<PodRecord> | undefined,
  name: string | undefined,
  signal: AbortSignal,
): Promise<{ counts?: Map<string, number>; error?: string }> {
  const counts = new Map<string, number>();
  const add = (node: unknown) => {
    if (typeof node === 'string' && node && node !== '<none>') counts.set(node, (counts.get(node) ?? 0) + 1);
  };
  const cached = cache?.snapshot();
  if (cached) {
    for (const p of cached)
      if (p.phase !== 'Succeeded' && p.phase !== 'Failed' && (!name || p.nodeName === name)) add(p.nodeName);
    return { counts };
  }
  try {
    await listEach<{ cells?: unknown[] } & Raw<V1Pod>>(
      kube,
      '/api/v1/pods',
      { verb: 'list', resource: 'pods' },
      {
        signal,
        table: true,
        fieldSelector: joinSelectors(
          'status.phase!=Succeeded,status.phase!=Failed',
          name && `spec.nodeName=${fieldValue(name)}`,
        ),
      },
      (row, columns) => {
        // A server that ignores the Table request answers with pods: count those by spec.nodeName.
        if (!row.cells) add(row.spec?.nodeName);
        else add(row.cells[columns?.indexOf('Node') ?? -1]);
      },
    );
    return { counts };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

async function assertNodeExists(kube: KubeClient, name: string, signal: AbortSignal): Promise<void> {
  try {
    await kube.get(resourcePath({ version: 'v1', resource: 'nodes', name }), { signal });
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404)
      throw new CallerError(
        `node "${name}" does not exist; call get_node_status without name to list the nodes.`,
      );
    throw explainKubeError(err, { verb: 'get', resource: 'nodes', name });
  }
}

const summary = z.object({ ready: z.number(), notReady: z.number(), cordoned: z.number() });

export const getNodeStatus = defineTool({
  name: 'get_node_status',
  title: 'Node status',
  description:
    'Node health: ready (and why not), pressure, cordoned, taints, roles, versions, CPU/memory capacity, allocatable and live usage, pods.',
  input: z.object({
    name: z.string().optional().describe('One node'),
    labelSelector: z.string().optional().describe(PARAM.labelSelector),
    limit: z.number().int().min(1).max(500).default(50),
  }),
  output: listOutputSchema(nodeItem, summary),
  handler: async (args, ctx) => {
    const now = Date.now();
    const kube = ctx.clients.kube;
    if (args.name) checkName(args.name, 'name');
    const nodes: Node[] = [];
    const [, metrics, pods] = await Promise.all([
      listEach<Node>(
        kube,
        resourcePath({ version: 'v1', resource: 'nodes' }),
        { verb: 'list', resource: 'nodes' },
        {
          signal: ctx.signal,
          labelSelector: args.labelSelector,
          fieldSelector: args.name && `metadata.name=${fieldValue(args.name)}`,
        },
        (n) => {
          nodes.push(n);
        },
      ),
      nodeMetrics(kube, args.labelSelector, ctx.signal),
      podsPerNode(kube, ctx.clients.podCache, args.name, ctx.signal),
    ]);
    // Tell "no such node" apart from "the node does not carry these labels".
    if (nodes.length === 0 && args.name) await assertNodeExists(kube, args.name, ctx.signal);
    const items = nodes.map((n) =>
      projectNode(
        n,
        now,
        metrics.usage?.get(n.metadata?.name ?? ''),
        pods.counts ? (pods.counts.get(n.metadata?.name ?? '') ?? 0) : undefined,
      ),
    );
    items.sort((a, b) =>
      compareKeys([needsAttention(a) ? 0 : 1, a.name], [needsAttention(b) ? 0 : 1, b.name]),
    );
    const ready = items.filter((n) => n.ready === 'True').length;
    const errors: { part: string; error: string }[] = [];
    if (metrics.error) errors.push({ part: 'metrics.k8s.io', error: metrics.error });
    if (pods.error) errors.push({ part: 'pods', error: pods.error });
    const page = items.slice(0, args.limit);
    const hints: string[] = [];
    if (page.length < items.length)
      hints.push(
        `Showing ${page.length} of ${items.length} (troubled nodes first); narrow with name or labelSelector, or raise limit.`,
      );
    if (metrics.hint) hints.push(metrics.hint);
    else if (metrics.usage && page.some((n) => n.usage === null))
      hints.push('usage is null for nodes metrics.k8s.io has no sample for (not ready, or just joined).');
    return listResult({
      items: page,
      total: items.length,
      summary: {
        ready,
        notReady: items.length - ready,
        cordoned: items.filter((n) => n.unschedulable).length,
      },
      hint: hints.length > 0 ? hints.join(' ') : undefined,
      emptyHint: args.name
        ? `node "${args.name}" does not match labelSelector "${args.labelSelector}".`
        : 'No nodes match labelSelector; loosen it.',
      errors,
    });
  },
});
