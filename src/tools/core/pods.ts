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
import { listOutputSchema, listResult } from '../../mcp/envelope.ts';
import { defineTool } from '../../mcp/tool.ts';
import { ageOf } from '../../util/duration.ts';
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
 * Whether an operator must look at this pod: phase Failed, Pending or Unknown; running but not ready; a
 * container waiting with an error reason (CrashLoopBackOff, ImagePullBackOff…); or a container that terminated
 * within RECENT_RESTART_MS (restarted recently). Succeeded pods are never problems.
 */
export function isProblemPod(pod: Pod, now: number): boolean {
  const phase = pod.status?.phase ?? 'Unknown';
  if (phase === 'Succeeded') return false;
  if (phase !== 'Running') return true;
  const { init, main } = allStatuses(pod);
  const containers = pod.spec?.containers?.length ?? main.length;
  if (main.filter((c) => c.ready).length < containers) return true;
  if (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status !== 'True')) return true;
  for (const c of [...init, ...main]) {
    const reason = c.state?.waiting?.reason;
    if (reason && !STARTING.has(reason)) return true;
    const finished = Date.parse(c.lastState?.terminated?.finishedAt ?? '');
    if (!Number.isNaN(finished) && now - finished <= RECENT_RESTART_MS) return true;
  }
  return false;
}

/** Projects a pod to an operator's columns. */
export function projectPod(pod: Pod, now: number): PodItem {
  const { init, main } = allStatuses(pod);
  const phase = pod.status?.phase ?? 'Unknown';
  const containers = pod.spec?.containers?.length ?? main.length;
  const ready = main.filter((c) => c.ready).length;
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

  return compact({
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    phase,
    ready: `${ready}/${containers}`,
    restarts,
    problem: isProblemPod(pod, now),
    waiting,
    lastTermination: last,
    reason,
    message,
    terminating: Boolean(pod.metadata?.deletionTimestamp),
    node: pod.spec?.nodeName || undefined,
    owner: owner ? `${owner.kind}/${owner.name}` : undefined,
    age: ageOf(pod.metadata?.creationTimestamp, now),
  });
}

const podKey = (p: PodItem): Key => [p.namespace, p.name];

const summary = z.object({ byPhase: z.record(z.string(), z.number()), problems: z.number() });

export const getPods = defineTool({
  name: 'get_pods',
  title: 'Pods',
  description:
    'Pods: phase, ready x/y, restarts, last termination (OOMKilled…), waiting reason (CrashLoopBackOff…), node, owner, age; counts by phase. status: problem finds broken pods.',
  input: z.object({
    namespace: z.string().optional().describe(PARAM.namespace),
    labelSelector: z.string().optional().describe(PARAM.labelSelector),
    fieldSelector: z.string().optional().describe('e.g. status.podIP=10.0.0.5; default none.'),
    node: z.string().optional().describe('Node name; default any.'),
    status: z
      .enum(['all', 'problem', ...PHASES])
      .default('all')
      .describe(
        'problem: Failed/Pending/Unknown, unready, waiting on an error or restarted <1h ago; or a phase. Default all.',
      ),
    limit: z.number().int().min(1).max(500).default(50).describe(PARAM.limit(50, 500)),
    continue: z.string().optional().describe(PARAM.continue),
  }),
  output: listOutputSchema(podItem, summary),
  handler: async (args, ctx) => {
    const now = Date.now();
    if (args.namespace) checkName(args.namespace, 'namespace', 'label');
    if (args.node) checkName(args.node, 'node');
    const after = args.continue ? decodeCursor(args.continue, 'get_pods') : undefined;
    const phase = args.status !== 'all' && args.status !== 'problem' ? args.status : undefined;
    // Node and phase filters run in the API server; only "problem" is judged here.
    const fieldSelector = joinSelectors(
      args.fieldSelector,
      args.node && `spec.nodeName=${fieldValue(args.node)}`,
      phase && `status.phase=${phase}`,
    );
    const matched: PodItem[] = [];
    const scan = await listEach<Pod>(
      ctx.clients.kube,
      resourcePath({ version: 'v1', resource: 'pods', namespace: args.namespace }),
      { verb: 'list', resource: 'pods', namespace: args.namespace },
      { signal: ctx.signal, labelSelector: args.labelSelector, fieldSelector, maxItems: MAX_PODS_SCANNED },
      (pod) => {
        const item = projectPod(pod, now);
        if (args.status !== 'problem' || item.problem) matched.push(item);
      },
    );
    if (matched.length === 0 && args.namespace)
      await assertNamespaceExists(ctx.clients.kube, args.namespace, ctx.signal);

    const counts = new Map<string, number>();
    let problems = 0;
    for (const p of matched) {
      counts.set(p.phase, (counts.get(p.phase) ?? 0) + 1);
      if (p.problem) problems++;
    }
    // Phases in a fixed order whatever order the pods came in (an unexpected phase, -1 >>> 0, goes last).
    const rank = (phase: string): number => (PHASES as readonly string[]).indexOf(phase) >>> 0;
    const byPhase = Object.fromEntries([...counts].sort((a, b) => rank(a[0]) - rank(b[0])));
    matched.sort((a, b) => compareKeys(podKey(a), podKey(b)));
    const page = takePage(matched, podKey, args.limit, after);

    let hint: string | undefined;
    if (!scan.complete)
      hint = `More than ${MAX_PODS_SCANNED} pods are in scope; only the first ${MAX_PODS_SCANNED} were read. Narrow with namespace, labelSelector or node.`;
    else if (page.continue) {
      const more =
        args.status === 'all' && problems > 0 ? `, or status: problem for the ${problems} problem pods` : '';
      hint = `${showing(page, matched.length)}; pass continue for the next page${more}, or narrow with namespace, labelSelector or node.`;
    }
    return listResult({
      items: page.items,
      total: scan.complete ? matched.length : null,
      truncated: page.continue !== undefined || !scan.complete,
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
