import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { z } from 'zod';
import {
  assertNamespaceExists,
  checkName,
  fieldValue,
  joinSelectors,
  listEach,
  type Raw,
  resourcePath,
} from '../../clients/kube-core.ts';
import type { PodCache } from '../../clients/pod-cache.ts';
import { listOutputSchema, listResult } from '../../mcp/envelope.ts';
import { defineTool } from '../../mcp/tool.ts';
import { ageOf } from '../../util/duration.ts';
import { fieldMatcher, labelMatcher } from '../../util/selectors.ts';
import { clip, compact, compareKeys, decodeCursor, type Key, PARAM, showing, takePage } from './page.ts';

type Pod = Raw<V1Pod>;
type ContainerStatus = Raw<V1ContainerStatus>;

/** A restart (last termination) this recent makes a running pod a problem. */
export const RECENT_RESTART_MS = 3_600_000;

/** Waiting reasons of a container that is merely starting; every other waiting reason is an error. */
const STARTING = new Set(['ContainerCreating', 'PodInitializing']);

/** Above this many matching pods the scan stops and the answer says the summary is partial. */
export const MAX_PODS_SCANNED = 100_000;

const PHASES = ['Running', 'Pending', 'Succeeded', 'Failed', 'Unknown'] as const;

const podItem = z.object({
  namespace: z.string(),
  name: z.string(),
  phase: z.string(),
  ready: z.string(),
  restarts: z.number(),
  problem: z.boolean().optional(),
  waiting: z.object({ container: z.string(), reason: z.string(), message: z.string().optional() }).optional(),
  lastTermination: z
    .object({
      container: z.string(),
      reason: z.string().optional(),
      exitCode: z.number(),
      at: z.string().optional(),
      message: z.string().optional(),
    })
    .optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
  terminating: z.boolean().optional(),
  node: z.string().optional(),
  owner: z.string().optional(),
  age: z.string().optional(),
});

export type PodItem = z.infer<typeof podItem>;

function allStatuses(pod: Pod): { init: ContainerStatus[]; main: ContainerStatus[] } {
  return { init: pod.status?.initContainerStatuses ?? [], main: pod.status?.containerStatuses ?? [] };
}

/**
 * What the pod tools need of a pod, computed once and independent of the time of the call: the pod cache keeps
 * one per pod (strings and numbers only, no API objects), and a list read projects to it too, so both paths
 * answer alike. Time-dependent parts (age, "restarted recently") are derived per call by toPodItem().
 */
export interface PodRecord {
  namespace: string;
  name: string;
  labels?: Readonly<Record<string, string>>;
  /** status.phase ('Unknown' when absent, which the API server never leaves it). */
  phase: string;
  /** spec.nodeName, '' while unscheduled (as field selectors see it). */
  nodeName: string;
  ready: string;
  restarts: number;
  waiting?: PodItem['waiting'];
  lastTermination?: PodItem['lastTermination'];
  reason?: string;
  message?: string;
  terminating?: true;
  owner?: string;
  created?: string;
  /** A problem whatever the time (see isProblemPod). */
  problem: boolean;
  /** For a running pod that is otherwise fine: when a container last terminated (epoch ms). */
  restartedAt?: number;
}

/** Projects a pod to its PodRecord (see isProblemPod for what counts as a problem). */
export function podRecord(pod: Pod): PodRecord {
  const { init, main } = allStatuses(pod);
  const phase = pod.status?.phase ?? 'Unknown';
  const containers = pod.spec?.containers?.length ?? main.length;
  const readyCount = main.filter((c) => c.ready).length;
  const restarts = [...init, ...main].reduce((n, c) => n + (c.restartCount ?? 0), 0);

  // Prefer a container waiting on an error over one that is merely starting; init containers first.
  const waitingAll = [...init, ...main].filter((c) => c.state?.waiting?.reason);
  const waitingC = waitingAll.find((c) => !STARTING.has(c.state!.waiting!.reason!)) ?? waitingAll[0];
  const waiting = waitingC
    ? compact({
        container: waitingC.name,
        reason: waitingC.state!.waiting!.reason!,
        message: clip(waitingC.state!.waiting!.message),
      })
    : undefined;

  // The most recent termination: a restart (lastState) of any container, or the current state of a main
  // container (init containers always end terminated/Completed, which is not news).
  let last: PodItem['lastTermination'];
  const consider = (
    name: string,
    t: { reason?: string; exitCode: number; finishedAt?: string; message?: string } | undefined,
  ) => {
    if (!t) return;
    if (last && (last.at ?? '') >= (t.finishedAt ?? '')) return;
    last = compact({
      container: name,
      reason: t.reason || undefined,
      exitCode: t.exitCode,
      at: t.finishedAt,
      message: clip(t.message),
    });
  };
  for (const c of init) consider(c.name, c.lastState?.terminated);
  for (const c of main) {
    consider(c.name, c.lastState?.terminated);
    consider(c.name, c.state?.terminated);
  }

  // Pod-level reason: Evicted, NodeLost… or, for a pod that cannot be scheduled, the scheduler's verdict.
  let reason = pod.status?.reason || undefined;
  let message = pod.status?.message;
  const unscheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (!reason && unscheduled) {
    reason = unscheduled.reason || undefined;
    message = unscheduled.message;
  }
  message = clip(message);
  // An eviction repeats its message in the container's termination: say it once.
  if (last?.message && last.message === message) delete last.message;
  const owners = pod.metadata?.ownerReferences ?? [];
  const owner = owners.find((o) => o.controller) ?? owners[0];

  // Problem: phase other than Running (Succeeded never is), unready, or waiting on an error; else, a running pod
  // is a problem within RECENT_RESTART_MS of its last container termination (judged per call).
  let problem = phase !== 'Succeeded' && phase !== 'Running';
  let restartedAt: number | undefined;
  if (phase === 'Running') {
    problem =
      readyCount < containers ||
      Boolean(pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status !== 'True')) ||
      [...init, ...main].some((c) => {
        const r = c.state?.waiting?.reason;
        return Boolean(r) && !STARTING.has(r!);
      });
    if (!problem)
      for (const c of [...init, ...main]) {
        const finished = Date.parse(c.lastState?.terminated?.finishedAt ?? '');
        if (!Number.isNaN(finished) && (restartedAt === undefined || finished > restartedAt))
          restartedAt = finished;
      }
  }
  const labels = pod.metadata?.labels;
  // Every field is always present (undefined when empty): one object shape for all records keeps them small.
  return {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    labels: labels && Object.keys(labels).length > 0 ? labels : undefined,
    phase,
    nodeName: pod.spec?.nodeName ?? '',
    ready: `${readyCount}/${containers}`,
    restarts,
    waiting,
    lastTermination: last,
    reason,
    message,
    terminating: pod.metadata?.deletionTimestamp ? true : undefined,
    owner: owner ? `${owner.kind}/${owner.name}` : undefined,
    created: pod.metadata?.creationTimestamp || undefined,
    problem,
    restartedAt,
  };
}

/** Whether the pod behind `rec` is a problem at `now` (see isProblemPod). */
export function isProblemAt(rec: PodRecord, now: number): boolean {
  return rec.problem || (rec.restartedAt !== undefined && now - rec.restartedAt <= RECENT_RESTART_MS);
}

/** The item get_pods returns for a record at `now`. */
export function toPodItem(rec: PodRecord, now: number): PodItem {
  return compact({
    namespace: rec.namespace,
    name: rec.name,
    phase: rec.phase,
    ready: rec.ready,
    restarts: rec.restarts,
    problem: isProblemAt(rec, now),
    waiting: rec.waiting,
    lastTermination: rec.lastTermination,
    reason: rec.reason,
    message: rec.message,
    terminating: rec.terminating,
    node: rec.nodeName || undefined,
    owner: rec.owner,
    age: ageOf(rec.created, now),
  });
}

/**
 * Whether an operator must look at this pod: phase Failed, Pending or Unknown; running but not ready; a
 * container waiting with an error reason (CrashLoopBackOff, ImagePullBackOff…); or a container that terminated
 * within RECENT_RESTART_MS (restarted recently). Succeeded pods are never problems.
 */
export function isProblemPod(pod: Pod, now: number): boolean {
  return isProblemAt(podRecord(pod), now);
}

/** Projects a pod to an operator's columns. */
export function projectPod(pod: Pod, now: number): PodItem {
  return toPodItem(podRecord(pod), now);
}

const recordKey = (r: PodRecord): Key => [r.namespace, r.name];

/** The pod fields a field selector may name that a PodRecord can answer; others go to the API server. */
const RECORD_FIELDS: Readonly<Record<string, (r: PodRecord) => string>> = {
  'metadata.name': (r) => r.name,
  'metadata.namespace': (r) => r.namespace,
  'spec.nodeName': (r) => r.nodeName,
  'status.phase': (r) => r.phase,
};

/**
 * The matching records from the pod cache, sorted by namespace/name, or undefined when the cache cannot answer
 * (absent, not synced, or a selector it cannot evaluate exactly): the caller then lists from the API server.
 */
export function cachedPods(
  cache: PodCache<PodRecord> | undefined,
  filter: { namespace?: string; labelSelector?: string; fieldSelector?: string },
): PodRecord[] | undefined {
  const byLabels = labelMatcher(filter.labelSelector);
  const byFields = fieldMatcher(filter.fieldSelector, RECORD_FIELDS);
  if (!byLabels || !byFields) return undefined;
  const records = cache?.snapshot(filter.namespace);
  return records?.filter((r) => byLabels(r.labels) && byFields(r));
}

const summary = z.object({ byPhase: z.record(z.string(), z.number()), problems: z.number() });

export const getPods = defineTool({
  name: 'get_pods',
  title: 'Pods',
  description:
    'What is broken? Pods: phase, ready, restarts, last termination (OOMKilled…), waiting reason (CrashLoopBackOff…), node, owner.',
  input: z.object({
    namespace: z.string().optional().describe(PARAM.namespace),
    labelSelector: z.string().optional().describe(PARAM.labelSelector),
    fieldSelector: z.string().optional().describe('e.g. status.podIP=10.0.0.5'),
    node: z.string().optional().describe('Node name'),
    status: z
      .enum(['all', 'problem', ...PHASES])
      .default('all')
      .describe('problem: Failed/Pending/Unknown, unready, waiting on an error or restarted <1h ago'),
    limit: z.number().int().min(1).max(500).default(50),
    continue: z.string().optional().describe(PARAM.continue),
  }),
  output: listOutputSchema(podItem, summary),
  handler: async (args, ctx) => {
    const now = Date.now();
    if (args.namespace) checkName(args.namespace, 'namespace', 'label');
    if (args.node) checkName(args.node, 'node');
    const after = args.continue ? decodeCursor(args.continue, 'get_pods') : undefined;
    const phase = args.status !== 'all' && args.status !== 'problem' ? args.status : undefined;
    // Node and phase filters run as field selectors (in the API server or the cache); "problem" is judged here.
    const fieldSelector = joinSelectors(
      args.fieldSelector,
      args.node && `spec.nodeName=${fieldValue(args.node)}`,
      phase && `status.phase=${phase}`,
    );
    const keep = (r: PodRecord): boolean => args.status !== 'problem' || isProblemAt(r, now);
    let matched = cachedPods(ctx.clients.podCache, {
      namespace: args.namespace,
      labelSelector: args.labelSelector,
      fieldSelector,
    })?.filter(keep);
    let complete = true;
    if (!matched) {
      const listed: PodRecord[] = [];
      const scan = await listEach<Pod>(
        ctx.clients.kube,
        resourcePath({ version: 'v1', resource: 'pods', namespace: args.namespace }),
        { verb: 'list', resource: 'pods', namespace: args.namespace },
        { signal: ctx.signal, labelSelector: args.labelSelector, fieldSelector, maxItems: MAX_PODS_SCANNED },
        (pod) => {
          const r = podRecord(pod);
          if (keep(r)) listed.push(r);
        },
      );
      complete = scan.complete;
      matched = listed.sort((a, b) => compareKeys(recordKey(a), recordKey(b)));
    }
    if (matched.length === 0 && args.namespace)
      await assertNamespaceExists(ctx.clients.kube, args.namespace, ctx.signal);

    const counts = new Map<string, number>();
    let problems = 0;
    for (const r of matched) {
      counts.set(r.phase, (counts.get(r.phase) ?? 0) + 1);
      if (isProblemAt(r, now)) problems++;
    }
    // Phases in a fixed order whatever order the pods came in (an unexpected phase, -1 >>> 0, goes last).
    const rank = (phase: string): number => (PHASES as readonly string[]).indexOf(phase) >>> 0;
    const byPhase = Object.fromEntries([...counts].sort((a, b) => rank(a[0]) - rank(b[0])));
    const page = takePage(matched, recordKey, args.limit, after, (r) => toPodItem(r, now));

    let hint: string | undefined;
    if (!complete)
      hint = `More than ${MAX_PODS_SCANNED} pods are in scope; only the first ${MAX_PODS_SCANNED} were read. Narrow with namespace, labelSelector or node.`;
    else if (page.continue) {
      const more =
        args.status === 'all' && problems > 0 ? `, or status: problem for the ${problems} problem pods` : '';
      hint = `${showing(page, matched.length)}; pass continue for the next page${more}, or narrow with namespace, labelSelector or node.`;
    }
    return listResult({
      items: page.items,
      total: complete ? matched.length : null,
      truncated: page.continue !== undefined || !complete,
      continue: page.continue,
      summary: { byPhase, problems },
      hint,
      emptyHint:
        after !== undefined
          ? 'No pods after this cursor; the previous page was the last.'
          : args.status === 'problem'
            ? 'No problem pods match: nothing is failing, pending, unready, waiting on an error or recently restarted.'
            : 'No pods match; loosen the filters.',
    });
  },
});
