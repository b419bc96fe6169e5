import type { V1DaemonSet, V1Deployment, V1PodTemplateSpec, V1StatefulSet } from '@kubernetes/client-node';
import { z } from 'zod';
import {
  assertNamespaceExists,
  checkName,
  listEach,
  type Raw,
  resourcePath,
} from '../../clients/kube-core.ts';
import { listOutputSchema, listResult } from '../../mcp/envelope.ts';
import { defineTool } from '../../mcp/tool.ts';
import { ageOf } from '../../util/duration.ts';
import { clip, compact, compareKeys, decodeCursor, type Key, PARAM, showing, takePage } from './page.ts';

type Deployment = Raw<V1Deployment>;
type StatefulSet = Raw<V1StatefulSet>;
type DaemonSet = Raw<V1DaemonSet>;

/** The kinds, in the order items of the same namespace/name are listed. */
const KINDS = [
  { param: 'deployment', kind: 'Deployment', resource: 'deployments' },
  { param: 'statefulset', kind: 'StatefulSet', resource: 'statefulsets' },
  { param: 'daemonset', kind: 'DaemonSet', resource: 'daemonsets' },
] as const;

type KindName = (typeof KINDS)[number]['kind'];

export const MAX_WORKLOADS_SCANNED = 50_000;

const workloadItem = z.object({
  kind: z.string(),
  namespace: z.string(),
  name: z.string(),
  desired: z.number(),
  current: z.number().optional(),
  ready: z.number(),
  updated: z.number(),
  available: z.number(),
  scheduled: z.number().optional(),
  misscheduled: z.number().optional(),
  unavailable: z.number().optional(),
  degraded: z.boolean().optional(),
  paused: z.boolean().optional(),
  rolloutPending: z.boolean().optional(),
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
  images: z.array(z.string()).optional(),
  age: z.string().optional(),
});

export type WorkloadItem = z.infer<typeof workloadItem>;

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/**
 * Conditions that report trouble: a `*Failure`/`*Failed` condition that is True, or any other condition (Available,
 * Progressing…) that is False, e.g. Progressing=False with reason ProgressDeadlineExceeded.
 */
export function failingConditions(conds: readonly Condition[] | undefined): Condition[] {
  return (conds ?? [])
    .filter((c) => (/Fail(ure|ed)$/.test(c.type) ? c.status === 'True' : c.status === 'False'))
    .sort((a, b) => (a.type < b.type ? -1 : 1))
    .map((c) =>
      compact({ type: c.type, status: c.status, reason: c.reason || undefined, message: clip(c.message) }),
    );
}

function images(template: Raw<V1PodTemplateSpec> | undefined): string[] {
  return [...new Set((template?.spec?.containers ?? []).map((c) => c.image).filter((i): i is string => !!i))];
}

function rolloutPending(meta: { generation?: number } | undefined, observed: number | undefined): boolean {
  return (meta?.generation ?? 0) > (observed ?? 0);
}

/**
 * Whether a workload needs a look: not every desired replica exists, is ready, updated and available; the
 * controller has not caught up with the spec; or a condition fails.
 */
function isDegraded(w: {
  desired: number;
  current: number;
  ready: number;
  updated: number;
  available: number;
  pending: boolean;
  failing: number;
}): boolean {
  const { desired } = w;
  return (
    w.current !== desired ||
    w.ready < desired ||
    w.updated < desired ||
    w.available < desired ||
    w.pending ||
    w.failing > 0
  );
}

/** The columns Deployments and StatefulSets share: replica counts, degraded, rollout, conditions, images, age. */
function replicated(
  kind: 'Deployment' | 'StatefulSet',
  w: Deployment | StatefulSet,
  pending: boolean,
  now: number,
  extra: { paused?: boolean } = {},
): WorkloadItem {
  const s = w.status;
  const counts = {
    desired: w.spec?.replicas ?? 1,
    current: s?.replicas ?? 0,
    ready: s?.readyReplicas ?? 0,
    updated: s?.updatedReplicas ?? 0,
    available: s?.availableReplicas ?? 0,
  };
  const conditions = failingConditions(s?.conditions);
  return compact({
    kind,
    namespace: w.metadata?.namespace ?? '',
    name: w.metadata?.name ?? '',
    ...counts,
    degraded: isDegraded({ ...counts, pending, failing: conditions.length }),
    ...extra,
    rolloutPending: pending,
    conditions,
    images: images(w.spec?.template),
    age: ageOf(w.metadata?.creationTimestamp, now),
  });
}

/** Projects a Deployment. */
export function projectDeployment(d: Deployment, now: number): WorkloadItem {
  const pending = rolloutPending(d.metadata, d.status?.observedGeneration);
  return replicated('Deployment', d, pending, now, { paused: d.spec?.paused === true });
}

/** Projects a StatefulSet; a rollout is also pending while the update revision differs from the current one. */
export function projectStatefulSet(st: StatefulSet, now: number): WorkloadItem {
  const s = st.status;
  const pending =
    rolloutPending(st.metadata, s?.observedGeneration) ||
    Boolean(s?.updateRevision && s.currentRevision && s.updateRevision !== s.currentRevision);
  return replicated('StatefulSet', st, pending, now);
}

/** Projects a DaemonSet; misscheduled or unavailable pods also make it degraded. */
export function projectDaemonSet(ds: DaemonSet, now: number): WorkloadItem {
  const s = ds.status;
  const desired = s?.desiredNumberScheduled ?? 0;
  const ready = s?.numberReady ?? 0;
  const updated = s?.updatedNumberScheduled ?? 0;
  const available = s?.numberAvailable ?? 0;
  const scheduled = s?.currentNumberScheduled ?? 0;
  const misscheduled = s?.numberMisscheduled ?? 0;
  const unavailable = s?.numberUnavailable ?? 0;
  const pending = rolloutPending(ds.metadata, s?.observedGeneration);
  const conditions = failingConditions(s?.conditions);
  return compact({
    kind: 'DaemonSet',
    namespace: ds.metadata?.namespace ?? '',
    name: ds.metadata?.name ?? '',
    desired,
    ready,
    updated,
    available,
    scheduled,
    misscheduled,
    unavailable,
    degraded:
      isDegraded({
        desired,
        current: scheduled,
        ready,
        updated,
        available,
        pending,
        failing: conditions.length,
      }) ||
      misscheduled > 0 ||
      unavailable > 0,
    rolloutPending: pending,
    conditions,
    images: images(ds.spec?.template),
    age: ageOf(ds.metadata?.creationTimestamp, now),
  });
}

const PROJECT: Record<KindName, (o: never, now: number) => WorkloadItem> = {
  Deployment: projectDeployment,
  StatefulSet: projectStatefulSet,
  DaemonSet: projectDaemonSet,
};

const kindOrder = (kind: string): number => KINDS.findIndex((k) => k.kind === kind);
const workloadKey = (w: WorkloadItem): Key => [w.namespace, w.name, kindOrder(w.kind)];

const summary = z.object({
  byKind: z.record(z.string(), z.object({ total: z.number(), degraded: z.number() })),
});

export const getWorkloads = defineTool({
  name: 'get_workloads',
  title: 'Workloads',
  description:
    'Deployments, StatefulSets, DaemonSets: desired/ready/updated/available, images, stuck rollouts.',
  input: z.object({
    namespace: z.string().optional().describe(PARAM.namespace),
    kind: z.enum(['all', 'deployment', 'statefulset', 'daemonset']).default('all'),
    labelSelector: z.string().optional().describe(PARAM.labelSelector),
    status: z
      .enum(['all', 'degraded'])
      .default('all')
      .describe(
        'degraded: replicas not all ready/updated/available, rollout pending or a condition failing. Default all.',
      ),
    limit: z.number().int().min(1).max(500).default(50),
    continue: z.string().optional().describe(PARAM.continue),
  }),
  output: listOutputSchema(workloadItem, summary),
  handler: async (args, ctx) => {
    const now = Date.now();
    if (args.namespace) checkName(args.namespace, 'namespace', 'label');
    const after = args.continue ? decodeCursor(args.continue, 'get_workloads') : undefined;
    const kinds = KINDS.filter((k) => args.kind === 'all' || k.param === args.kind);
    const errors: { part: string; error: string }[] = [];
    const byKind: Record<string, { total: number; degraded: number }> = {};
    const matched: WorkloadItem[] = [];
    let complete = true;
    // One list per kind, concurrently; a kind that fails (RBAC on one resource) is reported, not fatal,
    // unless every kind fails.
    const results = await Promise.allSettled(
      kinds.map(async (k) => {
        const counts = { total: 0, degraded: 0 };
        const scan = await listEach<never>(
          ctx.clients.kube,
          resourcePath({ group: 'apps', version: 'v1', resource: k.resource, namespace: args.namespace }),
          { verb: 'list', resource: k.resource, group: 'apps', namespace: args.namespace },
          { signal: ctx.signal, labelSelector: args.labelSelector, maxItems: MAX_WORKLOADS_SCANNED },
          (obj) => {
            const item = PROJECT[k.kind](obj, now);
            counts.total++;
            if (item.degraded) counts.degraded++;
            if (args.status === 'all' || item.degraded) matched.push(item);
          },
        );
        if (!scan.complete) complete = false;
        byKind[k.kind] = counts;
      }),
    );
    const failed = results.flatMap((r, i) =>
      r.status === 'rejected' ? [{ kind: kinds[i]!, reason: r.reason }] : [],
    );
    if (failed.length === kinds.length) throw failed[0]!.reason;
    for (const f of failed) errors.push({ part: f.kind.resource, error: (f.reason as Error).message });
    if (matched.length === 0 && args.namespace)
      await assertNamespaceExists(ctx.clients.kube, args.namespace, ctx.signal);

    matched.sort((a, b) => compareKeys(workloadKey(a), workloadKey(b)));
    const page = takePage(matched, workloadKey, args.limit, after);
    const ordered: Record<string, { total: number; degraded: number }> = {};
    for (const k of kinds) if (byKind[k.kind]) ordered[k.kind] = byKind[k.kind]!;
    const degraded = Object.values(ordered).reduce((n, c) => n + c.degraded, 0);
    let hint: string | undefined;
    if (!complete)
      hint = `More than ${MAX_WORKLOADS_SCANNED} workloads of a kind; narrow with namespace or labelSelector.`;
    else if (page.continue) {
      const more =
        args.status === 'all' && degraded > 0 ? `, or status: degraded for the ${degraded} degraded` : '';
      hint = `${showing(page, matched.length)}; pass continue for the next page${more}, or narrow with namespace, kind or labelSelector.`;
    }
    return listResult({
      items: page.items,
      total: complete ? matched.length : null,
      truncated: page.continue !== undefined || !complete,
      continue: page.continue,
      summary: { byKind: ordered },
      hint,
      emptyHint:
        after !== undefined
          ? 'No workloads after this cursor; the previous page was the last.'
          : args.status === 'degraded'
            ? 'No degraded workloads match: every one has its desired replicas ready and no failing condition.'
            : 'No workloads match; loosen the filters.',
      errors,
    });
  },
});
