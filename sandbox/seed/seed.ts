/**
 * Seeds the sandbox cluster with sandbox/seed/fixtures.ts, as the admin. No kubelet, scheduler or controller runs,
 * so every status is written by us through the status subresource (server-side apply), and owner references carry
 * the real UIDs of the owners we created.
 *
 *   node sandbox/seed/seed.ts              base seed, unless already seeded (marker in .sandbox/data/kube)
 *   node sandbox/seed/seed.ts --reseed     base seed again with a fresh seed time (statuses, events)
 *   node sandbox/seed/seed.ts --pods N     also the large seed: N pods in scale-* namespaces, plus events
 *
 * The exported functions are reused by sandbox/control.ts to restore what a test removed.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeClient, pool, resourcePath } from '../kube/client.ts';
import { type ImageApiMode, readSwitches } from '../kube/crds.ts';
import { ADMIN_KUBECONFIG, SEED_MARKER } from '../kube/paths.ts';
import {
  allWorkloads,
  type CertificateFixture,
  type Clock,
  type ContainerFixture,
  certificates,
  clock,
  DAY,
  events,
  FLUX_KINDS,
  type FluxFixture,
  fluxObjects,
  hex,
  IMAGE_KINDS,
  jobs,
  METRICS_AGO_SEC,
  METRICS_WINDOW,
  microClock,
  type NodeFixture,
  namespaces,
  nodeByName,
  nodeMetrics,
  nodes,
  POD_STATES,
  type PodFixture,
  podMetrics,
  pods,
  replicaSets,
  SCALE_PODS_PER_DEPLOYMENT,
  SEED_LABEL,
  SEED_VERSION,
  scaleDeployments,
  scaleNamespaces,
  scalePod,
  type WorkloadFixture,
} from './fixtures.ts';

/** What `.sandbox/data/kube/seeded.json` records. */
export interface SeedMarker {
  version: number;
  /** RFC 3339; fixtures' "agoSec" are relative to it. */
  seedTime: string;
  /** Pods of the large seed (scale-*), 0 when none. */
  scalePods: number;
}

export function readMarker(): SeedMarker | undefined {
  if (!existsSync(SEED_MARKER)) return undefined;
  return JSON.parse(readFileSync(SEED_MARKER, 'utf8')) as SeedMarker;
}

function writeMarker(m: SeedMarker): void {
  writeFileSync(`${SEED_MARKER}.tmp`, `${JSON.stringify(m)}\n`);
  renameSync(`${SEED_MARKER}.tmp`, SEED_MARKER);
}

type Obj = Record<string, unknown>;
interface Meta {
  metadata: { uid: string; generation?: number; name: string };
}

const CONCURRENCY = 16;
const seedLabels = (kind = 'base'): Record<string, string> => ({ [SEED_LABEL]: kind });

/** UIDs of created owners, by "Kind/namespace/name". */
type Uids = Map<string, string>;
const uidKey = (kind: string, namespace: string | undefined, name: string): string =>
  `${kind}/${namespace ?? ''}/${name}`;

// -------------------------------------------------------------------------------------------------------------
// Builders

function containerSpec(ct: ContainerFixture): Obj {
  return {
    name: ct.name,
    image: ct.image,
    ...(ct.port ? { ports: [{ name: 'http', containerPort: ct.port, protocol: 'TCP' }] } : {}),
    resources: { requests: ct.requests, ...(ct.limits ? { limits: ct.limits } : {}) },
  };
}

function podTemplateSpec(w: {
  containers: ContainerFixture[];
  nodeSelector?: Record<string, string>;
  tolerations?: PodFixture['tolerations'];
  priorityClassName?: string;
  restartPolicy?: string;
}): Obj {
  return {
    containers: w.containers.map(containerSpec),
    restartPolicy: w.restartPolicy ?? 'Always',
    ...(w.nodeSelector ? { nodeSelector: w.nodeSelector } : {}),
    ...(w.tolerations ? { tolerations: w.tolerations } : {}),
    ...(w.priorityClassName ? { priorityClassName: w.priorityClassName } : {}),
  };
}

function nodeObject(n: NodeFixture, index: number, t: Clock): Obj {
  const roles = Object.fromEntries(n.roles.map((r) => [`node-role.kubernetes.io/${r}`, '']));
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: n.name,
      labels: {
        'kubernetes.io/hostname': n.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': n.arch,
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': n.arch,
        ...roles,
        ...n.labels,
        ...seedLabels(),
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: {
      podCIDR: `10.244.${index}.0/24`,
      podCIDRs: [`10.244.${index}.0/24`],
      ...(n.cordoned ? { unschedulable: true } : {}),
      taints: n.taints.map((tt) => ({
        key: tt.key,
        effect: tt.effect,
        ...(tt.value ? { value: tt.value } : {}),
        ...(tt.effect === 'NoExecute' && n.notReady ? { timeAdded: t(n.notReady.sinceAgoSec) } : {}),
      })),
    },
  };
}

function nodeStatus(n: NodeFixture, t: Clock): Obj {
  const created = n.createdAgoSec;
  const c = (type: string, status: string, reason: string, message: string, since = created): Obj => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: t(20 + (n.name.length % 7)),
    lastTransitionTime: t(since),
  });
  const id = hex(`node/${n.name}`, 32);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: n.name },
    status: {
      capacity: { ...n.capacity, 'hugepages-1Gi': '0', 'hugepages-2Mi': '0' },
      allocatable: { ...n.allocatable, 'hugepages-1Gi': '0', 'hugepages-2Mi': '0' },
      conditions: [
        n.memoryPressure
          ? c(
              'MemoryPressure',
              'True',
              'KubeletHasInsufficientMemory',
              'kubelet has insufficient memory available',
              35 * 60,
            )
          : c(
              'MemoryPressure',
              'False',
              'KubeletHasSufficientMemory',
              'kubelet has sufficient memory available',
            ),
        c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        n.notReady
          ? c('Ready', 'False', n.notReady.reason, n.notReady.message, n.notReady.sinceAgoSec)
          : c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status', created - 60),
      ],
      addresses: [
        { type: 'InternalIP', address: n.internalIP },
        { type: 'Hostname', address: n.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: id,
        systemUUID: `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`,
        bootID: hex(`boot/${n.name}`, 32),
        kubeProxyVersion: '',
        ...n.nodeInfo,
      },
    },
  };
}

function ownerRef(apiVersion: string, kind: string, name: string, uid: string): Obj {
  return { apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true };
}

function cond(type: string, status: string, reason: string, message: string, at: string): Obj {
  return { type, status, reason, message, lastUpdateTime: at, lastTransitionTime: at };
}

function workloadObject(w: WorkloadFixture): Obj {
  const apiVersion = 'apps/v1';
  const template = {
    metadata: { labels: w.selector },
    spec: podTemplateSpec(w),
  };
  const metadata = { name: w.name, namespace: w.namespace, labels: { ...w.selector, ...seedLabels() } };
  if (w.kind === 'Deployment') {
    const revs = replicaSets.filter((r) => r.namespace === w.namespace && r.deployment === w.name).length;
    return {
      apiVersion,
      kind: 'Deployment',
      metadata: { ...metadata, annotations: { 'deployment.kubernetes.io/revision': String(revs) } },
      spec: {
        replicas: w.desired,
        selector: { matchLabels: w.selector },
        progressDeadlineSeconds: 600,
        revisionHistoryLimit: 10,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        ...(w.paused ? { paused: true } : {}),
        template,
      },
    };
  }
  if (w.kind === 'StatefulSet') {
    return {
      apiVersion,
      kind: 'StatefulSet',
      metadata,
      spec: {
        replicas: w.desired,
        serviceName: w.serviceName,
        selector: { matchLabels: w.selector },
        template,
      },
    };
  }
  return {
    apiVersion,
    kind: 'DaemonSet',
    metadata,
    spec: { selector: { matchLabels: w.selector }, template },
  };
}

function workloadStatus(w: WorkloadFixture, generation: number, t: Clock): Obj {
  const observedGeneration = w.generationAhead ? generation - 1 : generation;
  let status: Obj;
  if (w.kind === 'Deployment') {
    const at = t(w.progressDeadlineExceeded ? 3 * 3600 + 5 * 60 : 2 * 3600);
    status = {
      observedGeneration,
      replicas: w.current,
      updatedReplicas: w.updated,
      readyReplicas: w.ready,
      availableReplicas: w.available,
      unavailableReplicas: Math.max(0, w.current - w.available),
      conditions: w.conditions.map((c) => cond(c.type, c.status, c.reason, c.message, at)),
    };
  } else if (w.kind === 'StatefulSet') {
    status = {
      observedGeneration,
      replicas: w.current,
      readyReplicas: w.ready,
      currentReplicas: w.current,
      updatedReplicas: w.updated,
      availableReplicas: w.available,
      currentRevision: w.revisionHash,
      updateRevision: w.revisionHash,
      collisionCount: 0,
    };
  } else {
    status = {
      observedGeneration,
      currentNumberScheduled: w.current,
      numberMisscheduled: 0,
      desiredNumberScheduled: w.desired,
      numberReady: w.ready,
      updatedNumberScheduled: w.updated,
      numberAvailable: w.available,
      numberUnavailable: Math.max(0, w.desired - w.available),
    };
  }
  return { apiVersion: 'apps/v1', kind: w.kind, metadata: { name: w.name, namespace: w.namespace }, status };
}

function containerStatus(p: PodFixture, ct: ContainerFixture, main: boolean, t: Clock): Obj {
  const info = POD_STATES[p.state];
  const repo = ct.image.replace(/:[^:/]+$/, '');
  const base: Obj = {
    name: ct.name,
    image: ct.image,
    imageID: `${repo}@sha256:${hex(`image/${ct.image}`, 64)}`,
    containerID: `containerd://${hex(`ctr/${p.namespace}/${p.name}/${ct.name}/${p.restarts}`, 64)}`,
    restartCount: main ? p.restarts : 0,
    ready: false,
    started: false,
  };
  const lastState: Obj = {};
  if (main && p.lastTermination) {
    lastState.terminated = {
      exitCode: p.lastTermination.exitCode,
      reason: p.lastTermination.reason,
      startedAt: t(p.lastTermination.agoSec + 95),
      finishedAt: t(p.lastTermination.agoSec),
      containerID: `containerd://${hex(`ctr/${p.namespace}/${p.name}/${ct.name}/${p.restarts - 1}`, 64)}`,
    };
  }
  const runningSince =
    main && p.lastTermination && !info.waitingReason ? p.lastTermination.agoSec - 12 : p.startedAgoSec - 4;
  if (!main) {
    return info.phase === 'Running'
      ? {
          ...base,
          ready: true,
          started: true,
          state: { running: { startedAt: t(p.startedAgoSec - 3) } },
          lastState: {},
        }
      : {
          ...base,
          state: {
            terminated: {
              exitCode: 0,
              reason: 'Completed',
              startedAt: t(p.startedAgoSec - 3),
              finishedAt: t(p.startedAgoSec - 60),
            },
          },
          lastState: {},
        };
  }
  switch (p.state) {
    case 'Running':
    case 'NotReady':
      return {
        ...base,
        ready: p.state === 'Running',
        started: true,
        state: { running: { startedAt: t(runningSince) } },
        lastState,
      };
    case 'CrashLoopBackOff':
      return { ...base, state: { waiting: { reason: 'CrashLoopBackOff', message: p.message } }, lastState };
    case 'ImagePullBackOff': {
      const { containerID: _c, ...rest } = base;
      return {
        ...rest,
        imageID: '',
        state: { waiting: { reason: 'ImagePullBackOff', message: p.message } },
        lastState,
      };
    }
    case 'CreateContainerConfigError': {
      const { containerID: _c, ...rest } = base;
      return {
        ...rest,
        state: { waiting: { reason: 'CreateContainerConfigError', message: p.message } },
        lastState,
      };
    }
    default:
      return {
        ...base,
        state: {
          terminated: {
            exitCode: info.exitCode ?? 0,
            reason: info.terminatedReason ?? 'Completed',
            startedAt: t(p.startedAgoSec - 3),
            finishedAt: t(Math.max(0, p.startedAgoSec - 300)),
            containerID: base.containerID,
          },
        },
        lastState,
      };
  }
}

function podObject(p: PodFixture, ownerUid: string | undefined, labelKind = 'base'): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.name,
      namespace: p.namespace,
      labels: { ...p.labels, ...seedLabels(labelKind) },
      ...(p.owner && ownerUid
        ? { ownerReferences: [ownerRef(p.owner.apiVersion, p.owner.kind, p.owner.name, ownerUid)] }
        : {}),
    },
    spec: {
      ...podTemplateSpec({ ...p, restartPolicy: p.restartPolicy }),
      ...(p.node ? { nodeName: p.node } : {}),
      enableServiceLinks: false,
    },
  };
}

function podStatus(p: PodFixture, t: Clock): Obj {
  const info = POD_STATES[p.state];
  const s = p.startedAgoSec;
  const main = p.containers[0]?.name ?? 'main';
  const conditions: Obj[] = [];
  const c = (type: string, status: string, agoSec: number, reason?: string, message?: string): Obj => ({
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: t(agoSec),
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  });
  const status: Obj = { phase: info.phase };
  if (!info.scheduled) {
    conditions.push(c('PodScheduled', 'False', s, 'Unschedulable', p.message));
  } else {
    const terminal = info.phase === 'Succeeded' || info.phase === 'Failed';
    const notReadyReason = terminal
      ? info.phase === 'Succeeded'
        ? 'PodCompleted'
        : 'PodFailed'
      : 'ContainersNotReady';
    const notReadyMsg = terminal ? undefined : `containers with unready status: [${main}]`;
    const readyAt = info.ready ? s - 8 : p.state === 'NotReady' ? Math.min(s, 90 * 60) : s - 1;
    conditions.push(c('PodReadyToStartContainers', terminal ? 'False' : 'True', s - 2));
    conditions.push(c('Initialized', 'True', s, terminal ? 'PodCompleted' : undefined));
    conditions.push(
      info.ready ? c('Ready', 'True', readyAt) : c('Ready', 'False', readyAt, notReadyReason, notReadyMsg),
    );
    conditions.push(
      info.ready
        ? c('ContainersReady', 'True', readyAt)
        : c('ContainersReady', 'False', readyAt, notReadyReason, notReadyMsg),
    );
    conditions.push(c('PodScheduled', 'True', s));
    if (p.state === 'Evicted') {
      conditions.unshift(c('DisruptionTarget', 'True', s - 600, 'TerminationByKubelet', p.message));
    }
    const node = nodeByName(p.node as string);
    Object.assign(status, {
      hostIP: node.internalIP,
      hostIPs: [{ ip: node.internalIP }],
      podIP: p.podIP,
      podIPs: [{ ip: p.podIP }],
      startTime: t(s),
      containerStatuses: p.containers.map((ct, i) => containerStatus(p, ct, i === 0, t)),
    });
    if (info.podReason) {
      status.reason = info.podReason;
      status.message = p.message;
    }
  }
  status.conditions = conditions;
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: p.name, namespace: p.namespace }, status };
}

function certificateObject(cert: CertificateFixture): Obj {
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: cert.name, namespace: cert.namespace, labels: seedLabels() },
    spec: {
      secretName: cert.secretName,
      dnsNames: cert.dnsNames,
      issuerRef: { name: cert.issuer.name, kind: cert.issuer.kind, group: 'cert-manager.io' },
      duration: cert.duration,
      ...(cert.renewBefore ? { renewBefore: cert.renewBefore } : {}),
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
    },
  };
}

function certificateStatus(cert: CertificateFixture, t: Clock, generation: number): Obj {
  const conditions: Obj[] = [
    {
      type: 'Ready',
      status: cert.ready,
      reason: cert.reason,
      message: cert.message,
      lastTransitionTime: t(
        cert.notBeforeAgoDays !== undefined
          ? cert.notBeforeAgoDays * DAY - 5
          : (cert.lastFailureAgoSec ?? 0) + 6 * 3600,
      ),
      observedGeneration: generation,
    },
  ];
  if (cert.issuing) {
    conditions.push({
      type: 'Issuing',
      status: cert.issuing.status,
      reason: cert.issuing.reason,
      message: cert.issuing.message,
      lastTransitionTime: t(cert.lastFailureAgoSec ?? 3600),
      observedGeneration: generation,
    });
  }
  const status: Obj = { conditions };
  if (cert.notAfterDays !== null) {
    status.notAfter = t(-cert.notAfterDays * DAY);
    status.notBefore = t((cert.notBeforeAgoDays ?? 0) * DAY);
    if (cert.renewalDays !== undefined) status.renewalTime = t(-cert.renewalDays * DAY);
  }
  if (cert.revision !== undefined) status.revision = cert.revision;
  if (cert.failedIssuanceAttempts !== undefined) status.failedIssuanceAttempts = cert.failedIssuanceAttempts;
  if (cert.lastFailureAgoSec !== undefined) status.lastFailureTime = t(cert.lastFailureAgoSec);
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: cert.name, namespace: cert.namespace },
    status,
  };
}

// -------------------------------------------------------------------------------------------------------------
// Apply helpers

const path = (
  apiVersion: string,
  plural: string,
  namespace: string | undefined,
  name: string,
  sub?: string,
): string => {
  const [group, version] = apiVersion.includes('/')
    ? (apiVersion.split('/') as [string, string])
    : [undefined, apiVersion];
  return resourcePath({
    ...(group ? { group } : {}),
    version,
    plural,
    ...(namespace ? { namespace } : {}),
    name,
    ...(sub ? { subresource: sub } : {}),
  });
};

/**
 * Applies `obj`; when `ahead`, a brand-new object is first applied with a different spec (`previous`) so that
 * metadata.generation is 2 and the status can claim to have observed only generation 1.
 */
async function applyGen(
  kube: KubeClient,
  p: string,
  obj: Obj,
  ahead: boolean,
  previous: () => Obj,
): Promise<Meta> {
  if (ahead && !(await kube.tryGet(p))) await kube.apply(p, previous());
  return kube.apply<Meta>(p, obj);
}

function withSpec(obj: Obj, patch: Obj): Obj {
  return { ...obj, spec: { ...(obj.spec as Obj), ...patch } };
}

async function applyNamespaces(
  kube: KubeClient,
  names: { name: string; labels: Record<string, string> }[],
  kind: string,
): Promise<void> {
  await pool(names, CONCURRENCY, async (ns) => {
    await kube.apply(`/api/v1/namespaces/${ns.name}`, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns.name, labels: { ...ns.labels, ...seedLabels(kind) } },
    });
  });
}

async function seedNodes(kube: KubeClient, t: Clock): Promise<void> {
  await pool(nodes, CONCURRENCY, async (n) => {
    const obj = nodeObject(n, nodes.indexOf(n), t);
    const p = `/api/v1/nodes/${n.name}`;
    const got = await kube.apply<{ spec?: { taints?: unknown[] } }>(p, obj);
    // TaintNodesByCondition adds a not-ready taint on create; applying again sets exactly ours.
    if ((got.spec?.taints ?? []).length !== n.taints.length) await kube.apply(p, obj);
    await kube.apply(`${p}/status`, nodeStatus(n, t));
  });
}

async function seedWorkloads(kube: KubeClient, t: Clock, uids: Uids): Promise<void> {
  const plural = { Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets' } as const;
  await pool(allWorkloads, CONCURRENCY, async (w) => {
    const obj = workloadObject(w);
    const p = path('apps/v1', plural[w.kind], w.namespace, w.name);
    const got = await applyGen(kube, p, obj, w.generationAhead, () => withSpec(obj, { minReadySeconds: 5 }));
    uids.set(uidKey(w.kind, w.namespace, w.name), got.metadata.uid);
    await kube.apply(`${p}/status`, workloadStatus(w, got.metadata.generation ?? 1, t));
  });
  await pool(replicaSets, CONCURRENCY, async (rs) => {
    const d = allWorkloads.find(
      (w) => w.kind === 'Deployment' && w.namespace === rs.namespace && w.name === rs.deployment,
    );
    if (!d) throw new Error(`replica set ${rs.name} has no deployment`);
    const labels = { ...d.selector, 'pod-template-hash': rs.podTemplateHash };
    const containers = d.containers.map((ct, i) => (i === 0 ? { ...ct, image: rs.image } : ct));
    const p = path('apps/v1', 'replicasets', rs.namespace, rs.name);
    const got = await kube.apply<Meta>(p, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: rs.name,
        namespace: rs.namespace,
        labels: { ...labels, ...seedLabels() },
        annotations: {
          'deployment.kubernetes.io/revision': String(rs.revision),
          'deployment.kubernetes.io/desired-replicas': String(d.desired),
          'deployment.kubernetes.io/max-replicas': String(d.desired + Math.ceil(d.desired * 0.25)),
        },
        ownerReferences: [
          ownerRef(
            'apps/v1',
            'Deployment',
            d.name,
            uids.get(uidKey('Deployment', d.namespace, d.name)) as string,
          ),
        ],
      },
      spec: {
        replicas: rs.replicas,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: podTemplateSpec({ ...d, containers }) },
      },
    });
    uids.set(uidKey('ReplicaSet', rs.namespace, rs.name), got.metadata.uid);
    const active = pods.filter(
      (pd) => pd.owner?.kind === 'ReplicaSet' && pd.owner.name === rs.name && POD_STATES[pd.state].active,
    ).length;
    await kube.apply(`${p}/status`, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: rs.name, namespace: rs.namespace },
      status: {
        observedGeneration: got.metadata.generation ?? 1,
        replicas: active,
        fullyLabeledReplicas: active,
        readyReplicas: rs.readyReplicas,
        availableReplicas: rs.availableReplicas,
      },
    });
  });
  await pool(jobs, CONCURRENCY, async (j) => {
    const p = path('batch/v1', 'jobs', j.namespace, j.name);
    const got = await kube.apply<Meta>(p, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: j.name, namespace: j.namespace, labels: seedLabels() },
      spec: {
        backoffLimit: 0,
        template: {
          metadata: { labels: { 'batch.kubernetes.io/job-name': j.name } },
          spec: {
            containers: [{ name: j.name.replace(/-\d+$/, ''), image: j.image }],
            restartPolicy: 'Never',
          },
        },
      },
    });
    uids.set(uidKey('Job', j.namespace, j.name), got.metadata.uid);
  });
}

async function seedPods(kube: KubeClient, t: Clock, uids: Uids): Promise<void> {
  await pool(pods, CONCURRENCY, async (p) => {
    const ownerUid = p.owner ? uids.get(uidKey(p.owner.kind, p.namespace, p.owner.name)) : undefined;
    const pp = path('v1', 'pods', p.namespace, p.name);
    const got = await kube.apply<Meta>(pp, podObject(p, ownerUid));
    uids.set(uidKey('Pod', p.namespace, p.name), got.metadata.uid);
    await kube.apply(`${pp}/status`, podStatus(p, t));
  });
}

/** Deletes the seed's events (by label) so a reseed writes them afresh; events are immutable in parts. */
async function clearEvents(kube: KubeClient, nsList: string[], kind: string): Promise<void> {
  await pool(nsList, CONCURRENCY, async (ns) => {
    await kube.call('DELETE', `/api/v1/namespaces/${ns}/events`, {
      query: { labelSelector: `${SEED_LABEL}=${kind}` },
    });
  });
}

async function seedEvents(kube: KubeClient, seedTimeMs: number, uids: Uids): Promise<void> {
  const t = clock(seedTimeMs);
  const mt = microClock(seedTimeMs);
  await clearEvents(kube, [...new Set(events.map((e) => e.namespace))], 'base');
  await pool(events, CONCURRENCY, async (e) => {
    const uid = uids.get(uidKey(e.involved.kind, e.involved.namespace, e.involved.name));
    const involved = { ...e.involved, ...(uid ? { uid } : {}) };
    const metadata = { name: e.name, namespace: e.namespace, labels: seedLabels() };
    if (e.api === 'events.k8s.io') {
      await kube.call('POST', `/apis/events.k8s.io/v1/namespaces/${e.namespace}/events`, {
        body: {
          apiVersion: 'events.k8s.io/v1',
          kind: 'Event',
          metadata,
          eventTime: mt(e.firstAgoSec),
          ...(e.count > 1 ? { series: { count: e.count, lastObservedTime: mt(e.lastAgoSec) } } : {}),
          reportingController: e.source.component,
          reportingInstance: `${e.source.component}-cp-1`,
          action: e.action ?? e.reason,
          reason: e.reason,
          regarding: involved,
          note: e.message,
          type: e.type,
        },
      });
      return;
    }
    await kube.call('POST', `/api/v1/namespaces/${e.namespace}/events`, {
      body: {
        apiVersion: 'v1',
        kind: 'Event',
        metadata,
        involvedObject: involved,
        reason: e.reason,
        message: e.message,
        type: e.type,
        count: e.count,
        firstTimestamp: t(e.firstAgoSec),
        lastTimestamp: t(e.lastAgoSec),
        source: e.source,
        reportingComponent: e.source.component,
        reportingInstance: e.source.host ?? '',
      },
    });
  });
}

export async function seedCertificates(kube: KubeClient, seedTimeMs: number): Promise<void> {
  const t = clock(seedTimeMs);
  await pool(certificates, CONCURRENCY, async (cert) => {
    const p = path('cert-manager.io/v1', 'certificates', cert.namespace, cert.name);
    const got = await kube.apply<Meta>(p, certificateObject(cert));
    await kube.apply(`${p}/status`, certificateStatus(cert, t, got.metadata.generation ?? 1));
  });
}

async function seedFluxObjects(
  kube: KubeClient,
  list: FluxFixture[],
  seedTimeMs: number,
  imageMode: ImageApiMode,
): Promise<void> {
  const t = clock(seedTimeMs);
  const imageVersion = imageMode === 'v1beta2' ? 'v1beta2' : 'v1';
  await pool(list, CONCURRENCY, async (f) => {
    const info = FLUX_KINDS[f.kind];
    const isImage = IMAGE_KINDS.includes(f.kind);
    const apiVersion = `${info.group}/${isImage ? imageVersion : info.version}`;
    const obj: Obj = {
      apiVersion,
      kind: f.kind,
      metadata: { name: f.name, namespace: f.namespace, labels: seedLabels() },
      spec: f.spec,
    };
    const p = path(apiVersion, info.plural, f.namespace, f.name);
    const got = await applyGen(kube, p, obj, f.stale, () => withSpec(obj, { interval: '59m0s' }));
    const status = f.status({ t, generation: got.metadata.generation ?? 1, imageFlavor: imageVersion });
    await kube.apply(`${p}/status`, {
      apiVersion,
      kind: f.kind,
      metadata: { name: f.name, namespace: f.namespace },
      status,
    });
  });
}

/** Flux objects of the image.toolkit group, in the API generation `mode` serves (nothing for 'none'). */
export async function seedImages(kube: KubeClient, seedTimeMs: number, mode: ImageApiMode): Promise<void> {
  if (mode === 'none') return;
  await seedFluxObjects(
    kube,
    fluxObjects.filter((f) => IMAGE_KINDS.includes(f.kind)),
    seedTimeMs,
    mode,
  );
}

export async function seedMetrics(kube: KubeClient, seedTimeMs: number): Promise<void> {
  const t = clock(seedTimeMs);
  const timestamp = t(METRICS_AGO_SEC);
  await pool(nodeMetrics, CONCURRENCY, async (m) => {
    await kube.apply(`/apis/metrics.k8s.io/v1beta1/nodes/${m.name}`, {
      apiVersion: 'metrics.k8s.io/v1beta1',
      kind: 'NodeMetrics',
      metadata: { name: m.name, labels: { 'kubernetes.io/hostname': m.name } },
      timestamp,
      window: METRICS_WINDOW,
      usage: m.usage,
    });
  });
  await pool(podMetrics, CONCURRENCY, async (m) => {
    await kube.apply(`/apis/metrics.k8s.io/v1beta1/namespaces/${m.namespace}/pods/${m.name}`, {
      apiVersion: 'metrics.k8s.io/v1beta1',
      kind: 'PodMetrics',
      metadata: { name: m.name, namespace: m.namespace, labels: m.labels },
      timestamp,
      window: METRICS_WINDOW,
      containers: Object.entries(m.containers).map(([name, usage]) => ({ name, usage })),
    });
  });
}

/** The base seed: everything in fixtures.ts except the large seed, honouring the switches tests flipped. */
export async function seedBase(
  kube: KubeClient,
  seedTimeMs: number,
  log: (s: string) => void = console.log,
): Promise<void> {
  const t = clock(seedTimeMs);
  const switches = readSwitches();
  const uids: Uids = new Map();
  const step = async (name: string, fn: () => Promise<void>): Promise<void> => {
    const t0 = Date.now();
    await fn();
    log(`  ${name}: ${Date.now() - t0} ms`);
  };
  await step(`namespaces (${namespaces.length})`, () => applyNamespaces(kube, namespaces, 'base'));
  await step(`nodes (${nodes.length})`, () => seedNodes(kube, t));
  await step(
    `workloads (${allWorkloads.length}), replica sets (${replicaSets.length}), jobs (${jobs.length})`,
    () => seedWorkloads(kube, t, uids),
  );
  await step(`pods (${pods.length})`, () => seedPods(kube, t, uids));
  await step(`flux (${fluxObjects.length}, image API ${switches.imageApi})`, async () => {
    await seedFluxObjects(
      kube,
      fluxObjects.filter((f) => !IMAGE_KINDS.includes(f.kind)),
      seedTimeMs,
      switches.imageApi,
    );
    await seedImages(kube, seedTimeMs, switches.imageApi);
  });
  if (switches.certManager)
    await step(`certificates (${certificates.length})`, () => seedCertificates(kube, seedTimeMs));
  if (switches.metrics) await step('metrics', () => seedMetrics(kube, seedTimeMs));
  await step(`events (${events.length})`, () => seedEvents(kube, seedTimeMs, uids));
}

// -------------------------------------------------------------------------------------------------------------
// Large seed

/** Creates scale pods [from, to) with their namespaces, Deployments, ReplicaSets and events. */
export async function seedScale(
  kube: KubeClient,
  from: number,
  to: number,
  seedTimeMs: number,
  log: (s: string) => void = console.log,
): Promise<void> {
  if (to <= from) return;
  const t = clock(seedTimeMs);
  await applyNamespaces(
    kube,
    scaleNamespaces(to).map((name) => ({ name, labels: { 'sandbox.cluster-mcp.dev/scale': 'true' } })),
    'scale',
  );
  const uids: Uids = new Map();
  const deps = scaleDeployments(to);
  // Active/ready pods per deployment over all `to` pods, in one pass.
  const counts = new Map<string, { active: number; ready: number }>();
  for (let i = 0; i < to; i++) {
    const sp = scalePod(i);
    const k = `${sp.namespace}/${sp.deployment}`;
    const cnt = counts.get(k) ?? { active: 0, ready: 0 };
    cnt.active++;
    if (POD_STATES[sp.state].ready) cnt.ready++;
    counts.set(k, cnt);
  }
  const podCount = (d: { namespace: string; name: string }): { active: number; ready: number } =>
    counts.get(`${d.namespace}/${d.name}`) ?? { active: 0, ready: 0 };
  const main: ContainerFixture = {
    name: 'app',
    image: 'ghcr.io/stefanprodan/podinfo:6.9.2',
    requests: { cpu: '10m', memory: '32Mi' },
    port: 9898,
  };
  // Deployments and ReplicaSets (cheap: one per SCALE_PODS_PER_DEPLOYMENT pods)
  await pool(deps, 32, async (d) => {
    const selector = { 'app.kubernetes.io/name': d.name };
    const ct = main;
    const dp = path('apps/v1', 'deployments', d.namespace, d.name);
    const got = await kube.apply<Meta>(dp, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: d.name, namespace: d.namespace, labels: { ...selector, ...seedLabels('scale') } },
      spec: {
        replicas: d.replicas,
        selector: { matchLabels: selector },
        template: { metadata: { labels: selector }, spec: podTemplateSpec({ containers: [ct] }) },
      },
    });
    const { active, ready } = podCount(d);
    await kube.apply(`${dp}/status`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: d.name, namespace: d.namespace },
      status: {
        observedGeneration: got.metadata.generation ?? 1,
        replicas: active,
        updatedReplicas: active,
        readyReplicas: ready,
        availableReplicas: ready,
        unavailableReplicas: active - ready,
        conditions: [
          ready >= d.replicas - Math.floor(d.replicas / 4)
            ? cond(
                'Available',
                'True',
                'MinimumReplicasAvailable',
                'Deployment has minimum availability.',
                t(DAY),
              )
            : cond(
                'Available',
                'False',
                'MinimumReplicasUnavailable',
                'Deployment does not have minimum availability.',
                t(DAY),
              ),
          cond(
            'Progressing',
            'True',
            'NewReplicaSetAvailable',
            `ReplicaSet "${d.name}-${d.podTemplateHash}" has successfully progressed.`,
            t(DAY),
          ),
        ],
      },
    });
    const labels = { ...selector, 'pod-template-hash': d.podTemplateHash };
    const rsName = `${d.name}-${d.podTemplateHash}`;
    const rp = path('apps/v1', 'replicasets', d.namespace, rsName);
    const rs = await kube.apply<Meta>(rp, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: rsName,
        namespace: d.namespace,
        labels: { ...labels, ...seedLabels('scale') },
        annotations: { 'deployment.kubernetes.io/revision': '1' },
        ownerReferences: [ownerRef('apps/v1', 'Deployment', d.name, got.metadata.uid)],
      },
      spec: {
        replicas: d.replicas,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: podTemplateSpec({ containers: [ct] }) },
      },
    });
    uids.set(uidKey('ReplicaSet', d.namespace, rsName), rs.metadata.uid);
    await kube.apply(`${rp}/status`, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: rsName, namespace: d.namespace },
      status: {
        observedGeneration: rs.metadata.generation ?? 1,
        replicas: active,
        fullyLabeledReplicas: active,
        readyReplicas: ready,
        availableReplicas: ready,
      },
    });
  });
  log(`  scale: ${deps.length} deployments and replica sets in ${scaleNamespaces(to).length} namespaces`);

  const indexes = Array.from({ length: to - from }, (_, k) => from + k);
  let done = 0;
  let evCount = 0;
  const t0 = Date.now();
  const timer = setInterval(() => {
    const s = (Date.now() - t0) / 1000;
    log(`  scale: pods ${done}/${indexes.length} (${Math.round(done / s)}/s), events ${evCount}`);
  }, 2000);
  try {
    await pool(indexes, 48, async (i) => {
      const sp = scalePod(i);
      const info = POD_STATES[sp.state];
      const ct = main;
      const fixture: PodFixture = {
        namespace: sp.namespace,
        name: sp.name,
        state: sp.state,
        ...(sp.node ? { node: sp.node, podIP: `10.245.${(i >> 8) & 255}.${i & 255}` } : {}),
        owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: sp.replicaSet },
        labels: { 'app.kubernetes.io/name': sp.deployment, 'pod-template-hash': sp.podTemplateHash },
        containers: [ct],
        restartPolicy: 'Always',
        restarts: sp.state === 'CrashLoopBackOff' ? 5 + (i % 40) : 0,
        ...(sp.state === 'CrashLoopBackOff'
          ? { lastTermination: { reason: 'OOMKilled', exitCode: 137, agoSec: 60 + (i % 600) } }
          : {}),
        ...(sp.state === 'ImagePullBackOff' ? { message: `Back-off pulling image "${ct.image}"` } : {}),
        ...(sp.state === 'CrashLoopBackOff'
          ? {
              message: `back-off 5m0s restarting failed container=app pod=${sp.name}_${sp.namespace}(${hex(`uid/${sp.name}`, 8)})`,
            }
          : {}),
        ...(sp.state === 'Unschedulable' ? { message: '0/5 nodes are available: 5 Insufficient cpu.' } : {}),
        startedAgoSec: DAY + (i % 3600),
        readyCount: info.ready ? 1 : 0,
        problem: info.problem,
      };
      const pp = path('v1', 'pods', sp.namespace, sp.name);
      await kube.createIfMissing(
        `/api/v1/namespaces/${sp.namespace}/pods`,
        podObject(fixture, uids.get(uidKey('ReplicaSet', sp.namespace, sp.replicaSet)), 'scale'),
      );
      await kube.mergePatch(`${pp}/status`, { status: podStatus(fixture, t).status as Obj });
      const evs: Obj[] = [];
      const involvedObject = { apiVersion: 'v1', kind: 'Pod', namespace: sp.namespace, name: sp.name };
      const ev = (reason: string, type: string, message: string, count: number, agoSec: number): Obj => ({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: {
          name: `${sp.name}.${hex(`scale-ev/${i}/${reason}`, 16)}`,
          namespace: sp.namespace,
          labels: seedLabels('scale'),
        },
        involvedObject,
        reason,
        message,
        type,
        count,
        firstTimestamp: t(agoSec + 3600),
        lastTimestamp: t(agoSec),
        source: { component: 'kubelet', ...(sp.node ? { host: sp.node } : {}) },
      });
      if (info.problem) {
        const reason = {
          CrashLoopBackOff: 'BackOff',
          ImagePullBackOff: 'Failed',
          NotReady: 'Unhealthy',
          Unschedulable: 'FailedScheduling',
        }[sp.state as 'CrashLoopBackOff'];
        evs.push(
          ev(
            reason ?? 'Failed',
            'Warning',
            fixture.message ?? 'Readiness probe failed: HTTP probe failed with statuscode: 503',
            3 + (i % 50),
            i % 3000,
          ),
        );
      }
      if (i % 10 === 0 && info.scheduled) {
        evs.push(
          ev(
            'Pulled',
            'Normal',
            `Container image "${ct.image}" already present on machine`,
            1,
            2 * 3600 + (i % 20000),
          ),
        );
      }
      for (const e of evs) {
        await kube.createIfMissing(`/api/v1/namespaces/${sp.namespace}/events`, e);
        evCount++;
      }
      done++;
    });
  } finally {
    clearInterval(timer);
  }
  const s = (Date.now() - t0) / 1000;
  log(
    `  scale: ${indexes.length} pods and ${evCount} events in ${s.toFixed(1)} s (${Math.round(indexes.length / s)} pods/s)`,
  );
}

// -------------------------------------------------------------------------------------------------------------

async function main(argv: string[]): Promise<void> {
  let pods = 0;
  let reseed = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--pods') pods = Number(argv[++i]);
    else if (a?.startsWith('--pods=')) pods = Number(a.slice(7));
    else if (a === '--reseed') reseed = true;
    else throw new Error(`unknown argument ${a}; usage: seed.ts [--reseed] [--pods N]`);
  }
  if (!Number.isInteger(pods) || pods < 0) throw new Error('--pods wants a non-negative integer');
  const kube = new KubeClient(ADMIN_KUBECONFIG, 64);
  try {
    let marker = readMarker();
    if (!marker || reseed || marker.version !== SEED_VERSION) {
      const seedTimeMs = Math.floor(Date.now() / 1000) * 1000;
      const t0 = Date.now();
      console.log(`base seed at ${new Date(seedTimeMs).toISOString()}`);
      await seedBase(kube, seedTimeMs);
      marker = {
        version: SEED_VERSION,
        seedTime: new Date(seedTimeMs).toISOString(),
        scalePods: marker?.scalePods ?? 0,
      };
      writeMarker(marker);
      console.log(`base seed done in ${Date.now() - t0} ms`);
    }
    if (pods > marker.scalePods) {
      console.log(
        `large seed: pods ${marker.scalePods}..${pods} (${SCALE_PODS_PER_DEPLOYMENT} per deployment)`,
      );
      await seedScale(kube, marker.scalePods, pods, Date.parse(marker.seedTime));
      writeMarker({ ...marker, scalePods: pods });
    } else if (pods > 0) {
      console.log(`large seed: ${marker.scalePods} pods already present`);
    }
  } finally {
    kube.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  });
}
