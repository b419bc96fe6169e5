/**
 * The seeded truth of the sandbox cluster, as data. sandbox/seed/seed.ts creates exactly this; tests compare tool
 * output against it (never against literals copied from a run). Everything is deterministic: names, states,
 * counts. Timestamps are relative to the seed time (`SEED_TIME` in .sandbox/env): a fixture says "agoSec" and
 * `clock(seedTime)` turns that into an RFC 3339 time, so expectations like days-left are computed the same way.
 *
 * Plain TypeScript with erasable syntax only: Node runs this file directly.
 */

export const SEED_VERSION = 1;
export const MINUTE = 60;
export const HOUR = 3600;
export const DAY = 86_400;

/** Label on every object the seed creates (events are found and replaced by it on a reseed). */
export const SEED_LABEL = 'sandbox.cluster-mcp.dev/seed';
/** The namespace and ServiceAccount of the read-only identity (SA_KUBECONFIG). */
export const SANDBOX_NAMESPACE = 'cluster-mcp';
export const SANDBOX_SERVICE_ACCOUNT = 'cluster-mcp';

/** Turns "seconds before the seed" into an RFC 3339 time (negative = after the seed, i.e. in the future). */
export type Clock = (agoSec: number) => string;

export function clock(seedTimeMs: number): Clock {
  return (agoSec) => new Date(seedTimeMs - agoSec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Like `clock`, with microseconds (events.k8s.io `eventTime` is a MicroTime). */
export function microClock(seedTimeMs: number): Clock {
  return (agoSec) => new Date(seedTimeMs - agoSec * 1000).toISOString().replace(/Z$/, '000Z');
}

// ---------------------------------------------------------------------------------------------------------------
// Deterministic names

function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const KUBE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A Kubernetes-style random suffix (the alphabet of rand.String), derived from `key`. */
export function suffix(key: string, len: number): string {
  let out = '';
  let h = fnv(key);
  while (out.length < len) {
    out += KUBE_ALPHABET[h % KUBE_ALPHABET.length];
    h = fnv(`${key}:${out}:${h}`);
  }
  return out;
}

/** Hex digits derived from `key` (commit SHAs, digests, container IDs). */
export function hex(key: string, len: number): string {
  let out = '';
  let i = 0;
  while (out.length < len) out += fnv(`${key}#${i++}`).toString(16).padStart(8, '0');
  return out.slice(0, len);
}

/** A stable number in [0, mod) derived from `key`. */
export function pick(key: string, mod: number): number {
  return fnv(key) % mod;
}

/** A UID-shaped string derived from `key` (for messages that embed a pod UID; not the object's real UID). */
export function fakeUid(key: string): string {
  const h = hex(`uid/${key}`, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Namespaces

export interface NamespaceFixture {
  name: string;
  labels: Record<string, string>;
}

export const namespaces: NamespaceFixture[] = [
  {
    name: 'flux-system',
    labels: { 'app.kubernetes.io/instance': 'flux-system', 'app.kubernetes.io/part-of': 'flux' },
  },
  { name: 'cert-manager', labels: { 'app.kubernetes.io/name': 'cert-manager' } },
  { name: 'monitoring', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } },
  { name: 'apps', labels: { 'toolkit.fluxcd.io/tenant': 'apps' } },
  { name: 'media', labels: { 'toolkit.fluxcd.io/tenant': 'media' } },
  { name: 'home', labels: { 'toolkit.fluxcd.io/tenant': 'home' } },
];

/** Created by the apiserver itself. */
export const builtinNamespaces = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

/** Every namespace of the base seed (the large seed adds `scale-*`), sorted. */
export const allNamespaces: string[] = [
  ...namespaces.map((n) => n.name),
  ...builtinNamespaces,
  SANDBOX_NAMESPACE,
].sort();

// ---------------------------------------------------------------------------------------------------------------
// Nodes

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface NodeFixture {
  name: string;
  roles: string[];
  arch: 'amd64' | 'arm64';
  internalIP: string;
  ready: boolean;
  /** Ready condition when not ready. */
  notReady?: { reason: string; message: string; sinceAgoSec: number };
  /** spec.unschedulable (kubectl cordon). */
  cordoned: boolean;
  taints: Taint[];
  labels: Record<string, string>;
  capacity: { cpu: string; memory: string; pods: string; 'ephemeral-storage': string };
  allocatable: { cpu: string; memory: string; pods: string; 'ephemeral-storage': string };
  nodeInfo: {
    kubeletVersion: string;
    osImage: string;
    kernelVersion: string;
    containerRuntimeVersion: string;
    architecture: string;
    operatingSystem: string;
  };
  memoryPressure?: boolean;
  /** Live usage from metrics.k8s.io; absent when metrics-server cannot scrape the node (NotReady). */
  usage?: { cpu: string; memory: string };
  createdAgoSec: number;
}

const DEBIAN = 'Debian GNU/Linux 12 (bookworm)';

export const nodes: NodeFixture[] = [
  {
    name: 'cp-1',
    roles: ['control-plane'],
    arch: 'amd64',
    internalIP: '10.0.10.10',
    ready: true,
    cordoned: false,
    taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
    labels: { 'topology.kubernetes.io/zone': 'rack-a' },
    capacity: { cpu: '4', memory: '16318056Ki', pods: '110', 'ephemeral-storage': '244506940Ki' },
    allocatable: { cpu: '3800m', memory: '15703656Ki', pods: '110', 'ephemeral-storage': '225340047859' },
    nodeInfo: {
      kubeletVersion: 'v1.34.2',
      osImage: DEBIAN,
      kernelVersion: '6.1.0-40-amd64',
      containerRuntimeVersion: 'containerd://2.1.4',
      architecture: 'amd64',
      operatingSystem: 'linux',
    },
    usage: { cpu: '612m', memory: '5318Mi' },
    createdAgoSec: 200 * DAY,
  },
  {
    name: 'worker-1',
    roles: ['worker'],
    arch: 'amd64',
    internalIP: '10.0.10.11',
    ready: true,
    cordoned: false,
    taints: [],
    labels: { 'topology.kubernetes.io/zone': 'rack-a', 'intel.feature.node.kubernetes.io/gpu': 'true' },
    capacity: { cpu: '8', memory: '32817912Ki', pods: '110', 'ephemeral-storage': '488245288Ki' },
    allocatable: { cpu: '7800m', memory: '32203512Ki', pods: '110', 'ephemeral-storage': '449961203015' },
    nodeInfo: {
      kubeletVersion: 'v1.34.2',
      osImage: DEBIAN,
      kernelVersion: '6.1.0-40-amd64',
      containerRuntimeVersion: 'containerd://2.1.4',
      architecture: 'amd64',
      operatingSystem: 'linux',
    },
    usage: { cpu: '3120m', memory: '19876Mi' },
    createdAgoSec: 200 * DAY,
  },
  {
    name: 'worker-2',
    roles: ['worker'],
    arch: 'amd64',
    internalIP: '10.0.10.12',
    ready: true,
    cordoned: true,
    taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }],
    labels: { 'topology.kubernetes.io/zone': 'rack-b' },
    capacity: { cpu: '8', memory: '32817912Ki', pods: '110', 'ephemeral-storage': '488245288Ki' },
    allocatable: { cpu: '7800m', memory: '32203512Ki', pods: '110', 'ephemeral-storage': '449961203015' },
    nodeInfo: {
      kubeletVersion: 'v1.34.2',
      osImage: DEBIAN,
      kernelVersion: '6.1.0-40-amd64',
      containerRuntimeVersion: 'containerd://2.1.4',
      architecture: 'amd64',
      operatingSystem: 'linux',
    },
    usage: { cpu: '845m', memory: '7402Mi' },
    createdAgoSec: 150 * DAY,
  },
  {
    name: 'worker-3',
    roles: ['worker'],
    arch: 'amd64',
    internalIP: '10.0.10.13',
    ready: true,
    cordoned: false,
    taints: [],
    labels: { 'topology.kubernetes.io/zone': 'rack-b' },
    capacity: { cpu: '6', memory: '24543448Ki', pods: '110', 'ephemeral-storage': '488245288Ki' },
    allocatable: { cpu: '5800m', memory: '23929048Ki', pods: '110', 'ephemeral-storage': '449961203015' },
    nodeInfo: {
      kubeletVersion: 'v1.34.2',
      osImage: DEBIAN,
      kernelVersion: '6.1.0-40-amd64',
      containerRuntimeVersion: 'containerd://2.1.4',
      architecture: 'amd64',
      operatingSystem: 'linux',
    },
    memoryPressure: true,
    usage: { cpu: '4410m', memory: '22904Mi' },
    createdAgoSec: 90 * DAY,
  },
  {
    name: 'pi-1',
    roles: ['worker'],
    arch: 'arm64',
    internalIP: '10.0.10.21',
    ready: false,
    notReady: {
      reason: 'KubeletNotReady',
      message:
        'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
      sinceAgoSec: 2 * HOUR + 40 * MINUTE,
    },
    cordoned: false,
    taints: [
      { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' },
    ],
    labels: { 'topology.kubernetes.io/zone': 'shelf' },
    capacity: { cpu: '4', memory: '8128756Ki', pods: '110', 'ephemeral-storage': '122030736Ki' },
    allocatable: { cpu: '4', memory: '8026356Ki', pods: '110', 'ephemeral-storage': '112462541448' },
    nodeInfo: {
      kubeletVersion: 'v1.33.5',
      osImage: DEBIAN,
      kernelVersion: '6.12.25+rpt-rpi-v8',
      containerRuntimeVersion: 'containerd://1.7.28',
      architecture: 'arm64',
      operatingSystem: 'linux',
    },
    createdAgoSec: 30 * DAY,
  },
];

export const nodeByName = (name: string): NodeFixture => {
  const n = nodes.find((x) => x.name === name);
  if (!n) throw new Error(`no node fixture ${name}`);
  return n;
};
export const notReadyNodes = nodes.filter((n) => !n.ready).map((n) => n.name);
export const cordonedNodes = nodes.filter((n) => n.cordoned).map((n) => n.name);

// ---------------------------------------------------------------------------------------------------------------
// Pods and workloads

/**
 * The states a seeded pod can be in. `problem` in POD_STATES is what `get_pods status: problem` should return:
 * every pod that is not Succeeded and not (Running with all containers ready).
 */
export type PodState =
  | 'Running'
  | 'NotReady'
  | 'CrashLoopBackOff'
  | 'ImagePullBackOff'
  | 'CreateContainerConfigError'
  | 'Unschedulable'
  | 'Succeeded'
  | 'Failed'
  | 'Evicted';

export interface PodStateInfo {
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  /** All containers ready. */
  ready: boolean;
  /** Main container's waiting reason. */
  waitingReason?: string;
  /** Main container's terminated reason (current state). */
  terminatedReason?: string;
  exitCode?: number;
  /** status.reason of the pod. */
  podReason?: string;
  scheduled: boolean;
  problem: boolean;
  /** Counted by its ReplicaSet/StatefulSet/DaemonSet (not terminal). */
  active: boolean;
}

export const POD_STATES: Record<PodState, PodStateInfo> = {
  Running: { phase: 'Running', ready: true, scheduled: true, problem: false, active: true },
  NotReady: { phase: 'Running', ready: false, scheduled: true, problem: true, active: true },
  CrashLoopBackOff: {
    phase: 'Running',
    ready: false,
    waitingReason: 'CrashLoopBackOff',
    scheduled: true,
    problem: true,
    active: true,
  },
  ImagePullBackOff: {
    phase: 'Pending',
    ready: false,
    waitingReason: 'ImagePullBackOff',
    scheduled: true,
    problem: true,
    active: true,
  },
  CreateContainerConfigError: {
    phase: 'Pending',
    ready: false,
    waitingReason: 'CreateContainerConfigError',
    scheduled: true,
    problem: true,
    active: true,
  },
  Unschedulable: { phase: 'Pending', ready: false, scheduled: false, problem: true, active: true },
  Succeeded: {
    phase: 'Succeeded',
    ready: false,
    terminatedReason: 'Completed',
    exitCode: 0,
    scheduled: true,
    problem: false,
    active: false,
  },
  Failed: {
    phase: 'Failed',
    ready: false,
    terminatedReason: 'Error',
    exitCode: 1,
    scheduled: true,
    problem: true,
    active: false,
  },
  Evicted: {
    phase: 'Failed',
    ready: false,
    terminatedReason: 'Error',
    exitCode: 137,
    podReason: 'Evicted',
    scheduled: true,
    problem: true,
    active: false,
  },
};

export interface ContainerFixture {
  name: string;
  image: string;
  requests: { cpu: string; memory: string };
  limits?: { cpu?: string; memory?: string };
  port?: number;
}

export interface Termination {
  reason: string;
  exitCode: number;
  agoSec: number;
}

export interface OwnerFixture {
  apiVersion: string;
  kind: 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'Job';
  name: string;
}

export interface PodFixture {
  namespace: string;
  name: string;
  state: PodState;
  /** spec.nodeName; absent for unschedulable pods. */
  node?: string;
  podIP?: string;
  owner?: OwnerFixture;
  /** The workload (Deployment/StatefulSet/DaemonSet/Job) this pod belongs to. */
  workload?: { kind: string; name: string };
  labels: Record<string, string>;
  containers: ContainerFixture[];
  restartPolicy: 'Always' | 'Never' | 'OnFailure';
  restarts: number;
  lastTermination?: Termination;
  /** Waiting/terminated message of the main container, or the PodScheduled message when unschedulable. */
  message?: string;
  startedAgoSec: number;
  nodeSelector?: Record<string, string>;
  tolerations?: { key?: string; operator: 'Exists' | 'Equal'; effect?: string; value?: string }[];
  priorityClassName?: string;
  /** Live usage per container (metrics.k8s.io) when the pod runs. */
  usage?: Record<string, { cpu: string; memory: string }>;
  /** Ready containers / all containers, as kubectl shows READY. */
  readyCount: number;
  problem: boolean;
}

interface PodInput {
  state: PodState;
  node?: string;
  restarts?: number;
  lastTermination?: Termination;
  message?: string;
  startedAgoSec?: number;
}

const podInput = (
  state: PodState,
  node?: string,
  extra: Omit<PodInput, 'state' | 'node'> = {},
): PodInput => ({
  state,
  ...(node ? { node } : {}),
  ...extra,
});

const nodeIndex = new Map(nodes.map((n, i) => [n.name, i]));
let ipCounter = 0;
function podIP(node: string): string {
  ipCounter++;
  return `10.244.${nodeIndex.get(node) ?? 9}.${10 + (ipCounter % 240)}`;
}

function usageFor(key: string): { cpu: string; memory: string } {
  return { cpu: `${2 + pick(`${key}/cpu`, 180)}m`, memory: `${16 + pick(`${key}/mem`, 480)}Mi` };
}

function makePod(
  base: {
    namespace: string;
    name: string;
    labels: Record<string, string>;
    containers: ContainerFixture[];
    owner?: OwnerFixture;
    workload?: { kind: string; name: string };
    restartPolicy?: PodFixture['restartPolicy'];
    nodeSelector?: Record<string, string>;
    tolerations?: PodFixture['tolerations'];
    priorityClassName?: string;
    defaultStartedAgoSec: number;
  },
  input: PodInput,
): PodFixture {
  const info = POD_STATES[input.state];
  const node = info.scheduled ? input.node : undefined;
  if (info.scheduled && !node)
    throw new Error(`pod ${base.namespace}/${base.name} (${input.state}) needs a node`);
  const running = info.phase === 'Running';
  const mainReady = info.ready;
  const readyCount = running ? base.containers.length - (mainReady ? 0 : 1) : 0;
  const pod: PodFixture = {
    namespace: base.namespace,
    name: base.name,
    state: input.state,
    labels: base.labels,
    containers: base.containers,
    restartPolicy: base.restartPolicy ?? 'Always',
    restarts: input.restarts ?? 0,
    startedAgoSec: input.startedAgoSec ?? base.defaultStartedAgoSec,
    readyCount,
    problem: info.problem,
  };
  if (node) {
    pod.node = node;
    pod.podIP = podIP(node);
  }
  if (base.owner) pod.owner = base.owner;
  if (base.workload) pod.workload = base.workload;
  if (input.lastTermination) pod.lastTermination = input.lastTermination;
  const message = input.message ?? defaultMessage(base.namespace, base.name, base.containers[0], input.state);
  if (message) pod.message = message;
  if (base.nodeSelector) pod.nodeSelector = base.nodeSelector;
  if (base.tolerations) pod.tolerations = base.tolerations;
  if (base.priorityClassName) pod.priorityClassName = base.priorityClassName;
  // metrics-server reports pods with running containers on reachable nodes.
  if (running && node && nodeByName(node).ready && input.state !== 'CrashLoopBackOff') {
    pod.usage = Object.fromEntries(
      base.containers.map((ct) => [ct.name, usageFor(`${base.namespace}/${base.name}/${ct.name}`)]),
    );
  }
  return pod;
}

function defaultMessage(
  namespace: string,
  name: string,
  main: ContainerFixture | undefined,
  state: PodState,
): string | undefined {
  switch (state) {
    case 'CrashLoopBackOff':
      return `back-off 5m0s restarting failed container=${main?.name} pod=${name}_${namespace}(${fakeUid(`${namespace}/${name}`)})`;
    case 'ImagePullBackOff':
      return `Back-off pulling image "${main?.image}"`;
    case 'CreateContainerConfigError':
      return 'secret "app-env" not found';
    case 'Unschedulable':
      return '0/5 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) were unschedulable, 2 Insufficient memory. preemption: 0/5 nodes are available: 2 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.';
    case 'Evicted':
      return `The node was low on resource: memory. Threshold quantity: 100Mi, available: 87632Ki. Container ${main?.name} was using 1948120Ki, request is ${main?.requests.memory}, has larger consumption of memory. `;
    default:
      return undefined;
  }
}

const REDIS_UNSCHEDULABLE =
  '0/5 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) were unschedulable, 2 Insufficient memory. preemption: 0/5 nodes are available: 2 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.';
const ZIGBEE_UNSCHEDULABLE =
  "0/5 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) were unschedulable, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.";

const small = { cpu: '50m', memory: '64Mi' };
const c = (name: string, image: string, requests = small, port?: number): ContainerFixture => ({
  name,
  image,
  requests,
  ...(port ? { port } : {}),
});

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

export interface ReplicaSetFixture {
  namespace: string;
  name: string;
  deployment: string;
  revision: number;
  podTemplateHash: string;
  image: string;
  /** spec.replicas (0 for a scaled-down old revision). */
  replicas: number;
  readyReplicas: number;
  availableReplicas: number;
  current: boolean;
}

export interface WorkloadFixture {
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  namespace: string;
  name: string;
  /** spec.replicas, or desiredNumberScheduled for a DaemonSet. */
  desired: number;
  /** status.replicas / currentNumberScheduled: pods that exist for it (not terminal). */
  current: number;
  ready: number;
  updated: number;
  available: number;
  images: string[];
  containers: ContainerFixture[];
  paused: boolean;
  /** metadata.generation is ahead of status.observedGeneration. */
  generationAhead: boolean;
  /** Progressing=False reason ProgressDeadlineExceeded. */
  progressDeadlineExceeded: boolean;
  conditions: Condition[];
  /** Every replica ready, updated and available, the controller caught up and the rollout not stuck. */
  healthy: boolean;
  selector: Record<string, string>;
  serviceName?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: PodFixture['tolerations'];
  priorityClassName?: string;
  /** StatefulSet/DaemonSet revision hash. */
  revisionHash?: string;
  createdAgoSec: number;
}

export interface JobFixture {
  namespace: string;
  name: string;
  image: string;
  pod: string;
  succeeded: boolean;
}

const workloads: WorkloadFixture[] = [];
const replicaSetList: ReplicaSetFixture[] = [];
const podList: PodFixture[] = [];
const jobList: JobFixture[] = [];

function isHealthy(w: Omit<WorkloadFixture, 'healthy'>): boolean {
  return (
    w.ready === w.desired &&
    w.updated === w.desired &&
    w.available === w.desired &&
    w.current === w.desired &&
    !w.generationAhead &&
    !w.progressDeadlineExceeded
  );
}

interface DeploymentDef {
  namespace: string;
  name: string;
  replicas: number;
  /** Containers of the current revision; older revisions differ in the main image only. */
  containers: ContainerFixture[];
  /** Oldest first; the last one is the current template. Old revisions without pods are scaled to 0. */
  revisions: { image: string; pods: PodInput[] }[];
  paused?: boolean;
  generationAhead?: boolean;
  progressDeadlineExceeded?: boolean;
  nodeSelector?: Record<string, string>;
  priorityClassName?: string;
  createdAgoSec?: number;
}

function deployment(d: DeploymentDef): void {
  const selector = { 'app.kubernetes.io/name': d.name };
  const rsNames: string[] = [];
  let current = 0;
  let ready = 0;
  let updated = 0;
  const created = d.createdAgoSec ?? 40 * DAY;
  d.revisions.forEach((rev, i) => {
    const revision = i + 1;
    const isCurrent = i === d.revisions.length - 1;
    const hash = suffix(`${d.namespace}/${d.name}/rs/${revision}`, 10);
    const rsName = `${d.name}-${hash}`;
    rsNames.push(rsName);
    const containers = d.containers.map((ct, j) => (j === 0 ? { ...ct, image: rev.image } : ct));
    const pods = rev.pods.map((p, j) =>
      makePod(
        {
          namespace: d.namespace,
          name: `${rsName}-${suffix(`${rsName}/${j}`, 5)}`,
          labels: { ...selector, 'pod-template-hash': hash },
          containers,
          owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName },
          workload: { kind: 'Deployment', name: d.name },
          ...(d.nodeSelector ? { nodeSelector: d.nodeSelector } : {}),
          ...(d.priorityClassName ? { priorityClassName: d.priorityClassName } : {}),
          defaultStartedAgoSec: isCurrent ? (d.revisions.length - i) * 3 * HOUR + 5 * DAY : 12 * DAY,
        },
        p,
      ),
    );
    podList.push(...pods);
    const active = pods.filter((p) => POD_STATES[p.state].active);
    const rsReady = active.filter((p) => POD_STATES[p.state].ready).length;
    current += active.length;
    ready += rsReady;
    if (isCurrent) updated = active.length;
    replicaSetList.push({
      namespace: d.namespace,
      name: rsName,
      deployment: d.name,
      revision,
      podTemplateHash: hash,
      image: rev.image,
      replicas: isCurrent ? d.replicas : active.length,
      readyReplicas: rsReady,
      availableReplicas: rsReady,
      current: isCurrent,
    });
  });
  const currentRs = rsNames[rsNames.length - 1] ?? d.name;
  const available = ready;
  const maxUnavailable = Math.floor(d.replicas * 0.25);
  const conditions: Condition[] = [
    available >= d.replicas - maxUnavailable
      ? {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        }
      : {
          type: 'Available',
          status: 'False',
          reason: 'MinimumReplicasUnavailable',
          message: 'Deployment does not have minimum availability.',
        },
  ];
  if (d.paused) {
    conditions.push({
      type: 'Progressing',
      status: 'Unknown',
      reason: 'DeploymentPaused',
      message: 'Deployment is paused',
    });
  } else if (d.progressDeadlineExceeded) {
    conditions.push({
      type: 'Progressing',
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: `ReplicaSet "${currentRs}" has timed out progressing.`,
    });
  } else if (updated === d.replicas && ready === d.replicas && current === d.replicas) {
    conditions.push({
      type: 'Progressing',
      status: 'True',
      reason: 'NewReplicaSetAvailable',
      message: `ReplicaSet "${currentRs}" has successfully progressed.`,
    });
  } else {
    conditions.push({
      type: 'Progressing',
      status: 'True',
      reason: 'ReplicaSetUpdated',
      message: `ReplicaSet "${currentRs}" is progressing.`,
    });
  }
  const w: Omit<WorkloadFixture, 'healthy'> = {
    kind: 'Deployment',
    namespace: d.namespace,
    name: d.name,
    desired: d.replicas,
    current,
    ready,
    updated,
    available,
    images: d.containers.map((ct, j) =>
      j === 0 ? (d.revisions[d.revisions.length - 1]?.image ?? ct.image) : ct.image,
    ),
    containers: d.containers.map((ct, j) =>
      j === 0 ? { ...ct, image: d.revisions[d.revisions.length - 1]?.image ?? ct.image } : ct,
    ),
    paused: d.paused ?? false,
    generationAhead: d.generationAhead ?? false,
    progressDeadlineExceeded: d.progressDeadlineExceeded ?? false,
    conditions,
    selector,
    createdAgoSec: created,
    ...(d.nodeSelector ? { nodeSelector: d.nodeSelector } : {}),
    ...(d.priorityClassName ? { priorityClassName: d.priorityClassName } : {}),
  };
  workloads.push({ ...w, healthy: isHealthy(w) });
}

interface StatefulSetDef {
  namespace: string;
  name: string;
  containers: ContainerFixture[];
  /** One entry per ordinal. */
  pods: PodInput[];
  generationAhead?: boolean;
  createdAgoSec?: number;
}

function statefulSet(d: StatefulSetDef): void {
  const selector = { 'app.kubernetes.io/name': d.name };
  const revisionHash = `${d.name}-${suffix(`${d.namespace}/${d.name}/rev`, 10)}`;
  const pods = d.pods.map((p, i) =>
    makePod(
      {
        namespace: d.namespace,
        name: `${d.name}-${i}`,
        labels: {
          ...selector,
          'controller-revision-hash': revisionHash,
          'statefulset.kubernetes.io/pod-name': `${d.name}-${i}`,
          'apps.kubernetes.io/pod-index': String(i),
        },
        containers: d.containers,
        owner: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: d.name },
        workload: { kind: 'StatefulSet', name: d.name },
        defaultStartedAgoSec: 9 * DAY + i * HOUR,
      },
      p,
    ),
  );
  podList.push(...pods);
  const active = pods.filter((p) => POD_STATES[p.state].active);
  const ready = active.filter((p) => POD_STATES[p.state].ready).length;
  const w: Omit<WorkloadFixture, 'healthy'> = {
    kind: 'StatefulSet',
    namespace: d.namespace,
    name: d.name,
    desired: d.pods.length,
    current: active.length,
    ready,
    updated: active.length,
    available: ready,
    images: d.containers.map((ct) => ct.image),
    containers: d.containers,
    paused: false,
    generationAhead: d.generationAhead ?? false,
    progressDeadlineExceeded: false,
    conditions: [],
    selector,
    serviceName: d.name,
    revisionHash,
    createdAgoSec: d.createdAgoSec ?? 60 * DAY,
  };
  workloads.push({ ...w, healthy: isHealthy(w) });
}

interface DaemonSetDef {
  namespace: string;
  name: string;
  containers: ContainerFixture[];
  nodeSelector?: Record<string, string>;
  /** Nodes it runs on (those matching its selector and tolerations). */
  nodes: string[];
  /** Pod state per node; Running when not listed. */
  states?: Record<string, PodInput>;
  priorityClassName?: string;
  createdAgoSec?: number;
}

function daemonSet(d: DaemonSetDef): void {
  const selector = { 'app.kubernetes.io/name': d.name };
  const revisionHash = suffix(`${d.namespace}/${d.name}/rev`, 10);
  const tolerations: PodFixture['tolerations'] = [{ operator: 'Exists' }];
  const pods = d.nodes.map((node) =>
    makePod(
      {
        namespace: d.namespace,
        name: `${d.name}-${suffix(`${d.namespace}/${d.name}/${node}`, 5)}`,
        labels: { ...selector, 'controller-revision-hash': revisionHash, 'pod-template-generation': '1' },
        containers: d.containers,
        owner: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: d.name },
        workload: { kind: 'DaemonSet', name: d.name },
        tolerations,
        ...(d.nodeSelector ? { nodeSelector: d.nodeSelector } : {}),
        ...(d.priorityClassName ? { priorityClassName: d.priorityClassName } : {}),
        defaultStartedAgoSec: 20 * DAY,
      },
      d.states?.[node] ?? podInput('Running', node),
    ),
  );
  podList.push(...pods);
  const ready = pods.filter((p) => POD_STATES[p.state].ready).length;
  const w: Omit<WorkloadFixture, 'healthy'> = {
    kind: 'DaemonSet',
    namespace: d.namespace,
    name: d.name,
    desired: d.nodes.length,
    current: pods.length,
    ready,
    updated: pods.length,
    available: ready,
    images: d.containers.map((ct) => ct.image),
    containers: d.containers,
    paused: false,
    generationAhead: false,
    progressDeadlineExceeded: false,
    conditions: [],
    selector,
    tolerations,
    revisionHash,
    createdAgoSec: d.createdAgoSec ?? 120 * DAY,
    ...(d.nodeSelector ? { nodeSelector: d.nodeSelector } : {}),
    ...(d.priorityClassName ? { priorityClassName: d.priorityClassName } : {}),
  };
  workloads.push({ ...w, healthy: isHealthy(w) });
}

function job(namespace: string, name: string, image: string, input: PodInput): void {
  const pod = makePod(
    {
      namespace,
      name: `${name}-${suffix(`${namespace}/${name}`, 5)}`,
      labels: { 'batch.kubernetes.io/job-name': name, 'job-name': name },
      containers: [c(name.replace(/-\d+$/, ''), image)],
      owner: { apiVersion: 'batch/v1', kind: 'Job', name },
      workload: { kind: 'Job', name },
      restartPolicy: 'Never',
      defaultStartedAgoSec: 2 * HOUR,
    },
    input,
  );
  podList.push(pod);
  jobList.push({ namespace, name, image, pod: pod.name, succeeded: input.state === 'Succeeded' });
}

const oom = (agoSec: number): Termination => ({ reason: 'OOMKilled', exitCode: 137, agoSec });

// kube-system
deployment({
  namespace: 'kube-system',
  name: 'coredns',
  replicas: 2,
  containers: [c('coredns', 'registry.k8s.io/coredns/coredns:v1.12.1', { cpu: '100m', memory: '70Mi' }, 53)],
  revisions: [
    {
      image: 'registry.k8s.io/coredns/coredns:v1.12.1',
      pods: [podInput('Running', 'cp-1'), podInput('Running', 'worker-1')],
    },
  ],
  priorityClassName: 'system-cluster-critical',
  createdAgoSec: 200 * DAY,
});
deployment({
  namespace: 'kube-system',
  name: 'metrics-server',
  replicas: 1,
  containers: [
    c(
      'metrics-server',
      'registry.k8s.io/metrics-server/metrics-server:v0.8.0',
      { cpu: '100m', memory: '200Mi' },
      10250,
    ),
  ],
  revisions: [
    {
      image: 'registry.k8s.io/metrics-server/metrics-server:v0.8.0',
      pods: [podInput('Running', 'worker-3')],
    },
  ],
  priorityClassName: 'system-cluster-critical',
});
daemonSet({
  namespace: 'kube-system',
  name: 'kube-proxy',
  containers: [c('kube-proxy', 'registry.k8s.io/kube-proxy:v1.34.2')],
  nodes: nodes.map((n) => n.name),
  states: { 'pi-1': podInput('NotReady', 'pi-1') },
  priorityClassName: 'system-node-critical',
});

// flux-system: the controllers
for (const [name, image] of [
  ['source-controller', 'ghcr.io/fluxcd/source-controller:v1.7.0'],
  ['kustomize-controller', 'ghcr.io/fluxcd/kustomize-controller:v1.7.0'],
  ['helm-controller', 'ghcr.io/fluxcd/helm-controller:v1.4.0'],
  ['notification-controller', 'ghcr.io/fluxcd/notification-controller:v1.7.1'],
  ['image-reflector-controller', 'ghcr.io/fluxcd/image-reflector-controller:v1.0.1'],
  ['image-automation-controller', 'ghcr.io/fluxcd/image-automation-controller:v1.0.1'],
] as const) {
  deployment({
    namespace: 'flux-system',
    name,
    replicas: 1,
    containers: [c('manager', image, { cpu: '100m', memory: '64Mi' }, 8080)],
    revisions: [{ image, pods: [podInput('Running', pick(name, 2) === 0 ? 'worker-1' : 'worker-3')] }],
  });
}

// cert-manager
for (const [name, image] of [
  ['cert-manager', 'quay.io/jetstack/cert-manager-controller:v1.18.2'],
  ['cert-manager-cainjector', 'quay.io/jetstack/cert-manager-cainjector:v1.18.2'],
  ['cert-manager-webhook', 'quay.io/jetstack/cert-manager-webhook:v1.18.2'],
] as const) {
  deployment({
    namespace: 'cert-manager',
    name,
    replicas: 1,
    containers: [
      c(name.replace('cert-manager-', '').replace('cert-manager', 'cert-manager-controller'), image),
    ],
    revisions: [{ image, pods: [podInput('Running', 'worker-1')] }],
  });
}

// monitoring
statefulSet({
  namespace: 'monitoring',
  name: 'prometheus',
  containers: [c('prometheus', 'quay.io/prometheus/prometheus:v3.5.0', { cpu: '500m', memory: '2Gi' }, 9090)],
  pods: [podInput('Running', 'worker-1')],
});
statefulSet({
  namespace: 'monitoring',
  name: 'alertmanager',
  containers: [c('alertmanager', 'quay.io/prometheus/alertmanager:v0.28.1', small, 9093)],
  pods: [podInput('Running', 'worker-3')],
});
statefulSet({
  namespace: 'monitoring',
  name: 'loki',
  containers: [c('loki', 'docker.io/grafana/loki:3.5.3', { cpu: '250m', memory: '1Gi' }, 3100)],
  // Healthy now, but it was OOMKilled twice yesterday: not a problem pod, yet it shows restarts.
  pods: [podInput('Running', 'worker-3', { restarts: 2, lastTermination: oom(26 * HOUR) })],
});
deployment({
  namespace: 'monitoring',
  name: 'grafana',
  replicas: 1,
  containers: [
    c('grafana', 'docker.io/grafana/grafana:12.1.1', { cpu: '100m', memory: '256Mi' }, 3000),
    c('grafana-sc-dashboard', 'quay.io/kiwigrid/k8s-sidecar:1.30.7'),
  ],
  // Readiness probe failing: Running, 1/2 containers ready.
  revisions: [{ image: 'docker.io/grafana/grafana:12.1.1', pods: [podInput('NotReady', 'worker-1')] }],
});
deployment({
  namespace: 'monitoring',
  name: 'kube-state-metrics',
  replicas: 1,
  containers: [
    c('kube-state-metrics', 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.16.0', small, 8080),
  ],
  revisions: [
    {
      image: 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.16.0',
      pods: [podInput('Running', 'worker-2')],
    },
  ],
});
daemonSet({
  namespace: 'monitoring',
  name: 'alloy',
  containers: [c('alloy', 'docker.io/grafana/alloy:v1.10.2', { cpu: '100m', memory: '128Mi' }, 12345)],
  nodeSelector: { 'kubernetes.io/arch': 'amd64' },
  nodes: nodes.filter((n) => n.arch === 'amd64').map((n) => n.name),
});

// apps
deployment({
  namespace: 'apps',
  name: 'podinfo',
  replicas: 2,
  containers: [c('podinfo', 'ghcr.io/stefanprodan/podinfo:6.9.2', small, 9898)],
  revisions: [
    { image: 'ghcr.io/stefanprodan/podinfo:6.9.1', pods: [] },
    {
      image: 'ghcr.io/stefanprodan/podinfo:6.9.2',
      pods: [podInput('Running', 'worker-1'), podInput('Running', 'worker-3')],
    },
  ],
});
deployment({
  namespace: 'apps',
  name: 'api',
  replicas: 2,
  containers: [c('api', 'ghcr.io/example/api:1.8.0', { cpu: '200m', memory: '256Mi' }, 8080)],
  // The new revision is OOMKilled in a loop; the old pods keep serving; the rollout timed out.
  revisions: [
    {
      image: 'ghcr.io/example/api:1.7.4',
      pods: [podInput('Running', 'worker-1'), podInput('Running', 'worker-2')],
    },
    {
      image: 'ghcr.io/example/api:1.8.0',
      pods: [
        podInput('CrashLoopBackOff', 'worker-3', {
          restarts: 27,
          lastTermination: oom(7 * MINUTE),
          startedAgoSec: 3 * HOUR + 15 * MINUTE,
        }),
      ],
    },
  ],
  progressDeadlineExceeded: true,
});
deployment({
  namespace: 'apps',
  name: 'frontend',
  replicas: 1,
  containers: [c('frontend', 'ghcr.io/example/frontend:2.4.0-rc1', small, 8080)],
  revisions: [
    { image: 'ghcr.io/example/frontend:2.3.2', pods: [podInput('Running', 'worker-1')] },
    {
      image: 'ghcr.io/example/frontend:2.4.0-rc1',
      pods: [podInput('ImagePullBackOff', 'worker-3', { startedAgoSec: 25 * MINUTE })],
    },
  ],
});
deployment({
  namespace: 'apps',
  name: 'worker',
  replicas: 1,
  containers: [c('worker', 'ghcr.io/example/worker:1.8.0')],
  revisions: [
    {
      image: 'ghcr.io/example/worker:1.8.0',
      pods: [
        podInput('CreateContainerConfigError', 'worker-1', {
          startedAgoSec: 4 * HOUR,
          message: 'secret "worker-env" not found',
        }),
      ],
    },
  ],
});
deployment({
  namespace: 'apps',
  name: 'batch-scheduler',
  replicas: 1,
  containers: [c('scheduler', 'ghcr.io/example/batch-scheduler:0.9.3')],
  revisions: [{ image: 'ghcr.io/example/batch-scheduler:0.9.3', pods: [podInput('Running', 'worker-3')] }],
  paused: true,
});
deployment({
  namespace: 'apps',
  name: 'web',
  replicas: 2,
  containers: [c('web', 'docker.io/library/nginx:1.29.1', small, 80)],
  revisions: [
    {
      image: 'docker.io/library/nginx:1.29.1',
      pods: [podInput('Running', 'worker-1'), podInput('Running', 'worker-3')],
    },
  ],
  // spec changed, controller has not observed it yet
  generationAhead: true,
});
statefulSet({
  namespace: 'apps',
  name: 'postgres',
  containers: [c('postgres', 'docker.io/library/postgres:17.6', { cpu: '250m', memory: '512Mi' }, 5432)],
  pods: [podInput('Running', 'worker-1')],
});
statefulSet({
  namespace: 'apps',
  name: 'redis',
  containers: [c('redis', 'docker.io/library/redis:8.2.1', { cpu: '100m', memory: '6Gi' }, 6379)],
  pods: [
    podInput('Running', 'worker-1'),
    podInput('Running', 'worker-3'),
    podInput('Unschedulable', undefined, { message: REDIS_UNSCHEDULABLE, startedAgoSec: 5 * HOUR }),
  ],
});
job(
  'apps',
  'db-migrate-29388120',
  'ghcr.io/example/api:1.8.0',
  podInput('Succeeded', 'worker-3', { startedAgoSec: 3 * HOUR }),
);

// home
statefulSet({
  namespace: 'home',
  name: 'home-assistant',
  containers: [
    c(
      'home-assistant',
      'ghcr.io/home-assistant/home-assistant:2025.11.3',
      { cpu: '200m', memory: '512Mi' },
      8123,
    ),
  ],
  pods: [podInput('Running', 'worker-3')],
});
deployment({
  namespace: 'home',
  name: 'mosquitto',
  replicas: 1,
  containers: [c('mosquitto', 'docker.io/library/eclipse-mosquitto:2.0.22', small, 1883)],
  revisions: [
    { image: 'docker.io/library/eclipse-mosquitto:2.0.22', pods: [podInput('Running', 'worker-3')] },
  ],
});
deployment({
  namespace: 'home',
  name: 'zigbee2mqtt',
  replicas: 1,
  containers: [c('zigbee2mqtt', 'ghcr.io/koenkk/zigbee2mqtt:2.6.1', small, 8080)],
  // Pinned to the node with the Zigbee dongle, which no node currently has.
  revisions: [
    {
      image: 'ghcr.io/koenkk/zigbee2mqtt:2.6.1',
      pods: [podInput('Unschedulable', undefined, { message: ZIGBEE_UNSCHEDULABLE, startedAgoSec: 2 * DAY })],
    },
  ],
  nodeSelector: { 'feature.node.kubernetes.io/usb-zigbee': 'true' },
});
job(
  'home',
  'backup-29388000',
  'docker.io/restic/restic:0.18.0',
  podInput('Failed', 'worker-3', { startedAgoSec: 7 * HOUR }),
);

// media
deployment({
  namespace: 'media',
  name: 'jellyfin',
  replicas: 1,
  containers: [c('jellyfin', 'docker.io/jellyfin/jellyfin:10.10.7', { cpu: '500m', memory: '1Gi' }, 8096)],
  revisions: [{ image: 'docker.io/jellyfin/jellyfin:10.10.7', pods: [podInput('Running', 'worker-1')] }],
  nodeSelector: { 'intel.feature.node.kubernetes.io/gpu': 'true' },
});
deployment({
  namespace: 'media',
  name: 'sonarr',
  replicas: 1,
  containers: [c('sonarr', 'ghcr.io/home-operations/sonarr:4.0.15', { cpu: '100m', memory: '256Mi' }, 8989)],
  // Evicted under memory pressure 9 h ago; its replacement runs.
  revisions: [
    {
      image: 'ghcr.io/home-operations/sonarr:4.0.15',
      pods: [
        podInput('Running', 'worker-1', { startedAgoSec: 9 * HOUR }),
        podInput('Evicted', 'worker-3', { startedAgoSec: 3 * DAY }),
      ],
    },
  ],
});
deployment({
  namespace: 'media',
  name: 'radarr',
  replicas: 1,
  containers: [c('radarr', 'ghcr.io/home-operations/radarr:5.27.5', { cpu: '100m', memory: '256Mi' }, 7878)],
  revisions: [{ image: 'ghcr.io/home-operations/radarr:5.27.5', pods: [podInput('Running', 'worker-2')] }],
});

/** Every seeded pod of the base seed. */
export const pods: PodFixture[] = podList;
/** Pods `get_pods status: problem` should return: not Succeeded and not Running-with-every-container-ready. */
export const problemPods: PodFixture[] = pods.filter((p) => p.problem);
export const replicaSets: ReplicaSetFixture[] = replicaSetList;
export const deployments: WorkloadFixture[] = workloads.filter((w) => w.kind === 'Deployment');
export const statefulSets: WorkloadFixture[] = workloads.filter((w) => w.kind === 'StatefulSet');
export const daemonSets: WorkloadFixture[] = workloads.filter((w) => w.kind === 'DaemonSet');
export const allWorkloads: WorkloadFixture[] = workloads;
/** Workloads `get_workloads` should flag: not every replica ready/updated/available, controller behind, or stuck. */
export const degradedWorkloads: WorkloadFixture[] = workloads.filter((w) => !w.healthy);
export const jobs: JobFixture[] = jobList;

export function podsIn(namespace: string): PodFixture[] {
  return pods.filter((p) => p.namespace === namespace);
}

// ---------------------------------------------------------------------------------------------------------------
// Events

export interface EventFixture {
  namespace: string;
  name: string;
  /** core/v1 (kubelet, controllers) or events.k8s.io/v1 (the scheduler writes these). */
  api: 'core' | 'events.k8s.io';
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  involved: { apiVersion: string; kind: string; namespace?: string; name: string; fieldPath?: string };
  count: number;
  firstAgoSec: number;
  lastAgoSec: number;
  source: { component: string; host?: string };
  action?: string;
}

const eventList: EventFixture[] = [];

function event(e: Omit<EventFixture, 'name' | 'api' | 'namespace'> & { api?: EventFixture['api'] }): void {
  const namespace = e.involved.namespace ?? 'default';
  const name = `${e.involved.name}.${hex(`${namespace}/${e.involved.kind}/${e.involved.name}/${e.reason}/${eventList.length}`, 16)}`;
  eventList.push({ ...e, api: e.api ?? 'core', namespace, name });
}

const podNamed = (namespace: string, prefix: string, state?: PodState): PodFixture => {
  const p = pods.find(
    (x) => x.namespace === namespace && x.name.startsWith(prefix) && (!state || x.state === state),
  );
  if (!p) throw new Error(`no pod ${namespace}/${prefix}* ${state ?? ''}`);
  return p;
};
const podRef = (p: PodFixture, container?: string): EventFixture['involved'] => ({
  apiVersion: 'v1',
  kind: 'Pod',
  namespace: p.namespace,
  name: p.name,
  ...(container ? { fieldPath: `spec.containers{${container}}` } : {}),
});
const kubelet = (p: PodFixture): EventFixture['source'] => ({
  component: 'kubelet',
  ...(p.node ? { host: p.node } : {}),
});

const apiPod = podNamed('apps', 'api-', 'CrashLoopBackOff');
const frontendPod = podNamed('apps', 'frontend-', 'ImagePullBackOff');
const workerPod = podNamed('apps', 'worker-', 'CreateContainerConfigError');
const grafanaPod = podNamed('monitoring', 'grafana-');
const redisPending = podNamed('apps', 'redis-2');
const zigbeePod = podNamed('home', 'zigbee2mqtt-');
const proxyOnPi = pods.find((p) => p.name.startsWith('kube-proxy-') && p.node === 'pi-1') as PodFixture;
const evicted = podNamed('media', 'sonarr-', 'Evicted');
const apiNewRs = replicaSets.find((r) => r.deployment === 'api' && r.current) as ReplicaSetFixture;

event({
  involved: { apiVersion: 'v1', kind: 'Node', name: 'pi-1' },
  type: 'Normal',
  reason: 'NodeNotReady',
  message: 'Node pi-1 status is now: NodeNotReady',
  count: 1,
  firstAgoSec: 2 * HOUR + 40 * MINUTE,
  lastAgoSec: 2 * HOUR + 40 * MINUTE,
  source: { component: 'node-controller' },
});
event({
  involved: { apiVersion: 'v1', kind: 'Node', name: 'pi-1' },
  type: 'Warning',
  reason: 'ContainerGCFailed',
  message:
    'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial unix /run/containerd/containerd.sock: connect: connection refused"',
  count: 14,
  firstAgoSec: 3 * HOUR,
  lastAgoSec: 2 * HOUR + 41 * MINUTE,
  source: { component: 'kubelet', host: 'pi-1' },
});
event({
  involved: { apiVersion: 'v1', kind: 'Node', name: 'worker-2' },
  type: 'Normal',
  reason: 'NodeNotSchedulable',
  message: 'Node worker-2 status is now: NodeNotSchedulable',
  count: 1,
  firstAgoSec: 5 * HOUR,
  lastAgoSec: 5 * HOUR,
  source: { component: 'kubelet', host: 'worker-2' },
});
event({
  involved: { apiVersion: 'v1', kind: 'Node', name: 'worker-3' },
  type: 'Normal',
  reason: 'NodeHasInsufficientMemory',
  message: 'Node worker-3 status is now: NodeHasInsufficientMemory',
  count: 3,
  firstAgoSec: 9 * HOUR + 5 * MINUTE,
  lastAgoSec: 35 * MINUTE,
  source: { component: 'kubelet', host: 'worker-3' },
});
// The crash-looping api pod: one series per restart storm, so the same reason on the same object appears in
// several Event objects (folding), plus the normal pull/start churn.
event({
  involved: podRef(apiPod, 'api'),
  type: 'Warning',
  reason: 'BackOff',
  message: `Back-off restarting failed container api in pod ${apiPod.name}_apps(${fakeUid(`apps/${apiPod.name}`)})`,
  count: 112,
  firstAgoSec: 3 * HOUR,
  lastAgoSec: 2 * MINUTE,
  source: kubelet(apiPod),
});
event({
  involved: podRef(apiPod, 'api'),
  type: 'Warning',
  reason: 'BackOff',
  message: `Back-off restarting failed container api in pod ${apiPod.name}_apps(${fakeUid(`apps/${apiPod.name}`)})`,
  count: 9,
  firstAgoSec: 3 * HOUR + 14 * MINUTE,
  lastAgoSec: 3 * HOUR + 2 * MINUTE,
  source: kubelet(apiPod),
});
event({
  involved: podRef(apiPod, 'api'),
  type: 'Normal',
  reason: 'Pulled',
  message: 'Container image "ghcr.io/example/api:1.8.0" already present on machine',
  count: 28,
  firstAgoSec: 3 * HOUR + 15 * MINUTE,
  lastAgoSec: 7 * MINUTE,
  source: kubelet(apiPod),
});
event({
  involved: podRef(apiPod, 'api'),
  type: 'Normal',
  reason: 'Started',
  message: 'Started container api',
  count: 28,
  firstAgoSec: 3 * HOUR + 15 * MINUTE,
  lastAgoSec: 7 * MINUTE,
  source: kubelet(apiPod),
});
event({
  involved: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'apps', name: 'api' },
  type: 'Normal',
  reason: 'ScalingReplicaSet',
  message: `Scaled up replica set ${apiNewRs.name} from 0 to 1`,
  count: 1,
  firstAgoSec: 3 * HOUR + 15 * MINUTE,
  lastAgoSec: 3 * HOUR + 15 * MINUTE,
  source: { component: 'deployment-controller' },
});
event({
  involved: podRef(frontendPod, 'frontend'),
  type: 'Warning',
  reason: 'Failed',
  message:
    'Failed to pull image "ghcr.io/example/frontend:2.4.0-rc1": rpc error: code = NotFound desc = failed to pull and unpack image "ghcr.io/example/frontend:2.4.0-rc1": failed to resolve reference "ghcr.io/example/frontend:2.4.0-rc1": ghcr.io/example/frontend:2.4.0-rc1: not found',
  count: 7,
  firstAgoSec: 25 * MINUTE,
  lastAgoSec: 4 * MINUTE,
  source: kubelet(frontendPod),
});
event({
  involved: podRef(frontendPod, 'frontend'),
  type: 'Warning',
  reason: 'Failed',
  message: 'Error: ImagePullBackOff',
  count: 96,
  firstAgoSec: 25 * MINUTE,
  lastAgoSec: 40,
  source: kubelet(frontendPod),
});
event({
  involved: podRef(frontendPod, 'frontend'),
  type: 'Normal',
  reason: 'BackOff',
  message: 'Back-off pulling image "ghcr.io/example/frontend:2.4.0-rc1"',
  count: 96,
  firstAgoSec: 25 * MINUTE,
  lastAgoSec: 40,
  source: kubelet(frontendPod),
});
event({
  involved: podRef(workerPod, 'worker'),
  type: 'Warning',
  reason: 'Failed',
  message: 'Error: secret "worker-env" not found',
  count: 1150,
  firstAgoSec: 4 * HOUR,
  lastAgoSec: 1 * MINUTE,
  source: kubelet(workerPod),
});
event({
  involved: podRef(grafanaPod, 'grafana'),
  type: 'Warning',
  reason: 'Unhealthy',
  message: `Readiness probe failed: Get "http://${grafanaPod.podIP}:3000/api/health": dial tcp ${grafanaPod.podIP}:3000: connect: connection refused`,
  count: 340,
  firstAgoSec: 1 * HOUR + 30 * MINUTE,
  lastAgoSec: 30,
  source: kubelet(grafanaPod),
});
event({
  involved: podRef(grafanaPod, 'grafana'),
  type: 'Warning',
  reason: 'Unhealthy',
  message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
  count: 61,
  firstAgoSec: 6 * HOUR,
  lastAgoSec: 5 * HOUR,
  source: kubelet(grafanaPod),
});
event({
  api: 'events.k8s.io',
  involved: podRef(redisPending),
  type: 'Warning',
  reason: 'FailedScheduling',
  action: 'Scheduling',
  message: REDIS_UNSCHEDULABLE,
  count: 31,
  firstAgoSec: 5 * HOUR,
  lastAgoSec: 4 * MINUTE,
  source: { component: 'default-scheduler' },
});
event({
  api: 'events.k8s.io',
  involved: podRef(zigbeePod),
  type: 'Warning',
  reason: 'FailedScheduling',
  action: 'Scheduling',
  message: ZIGBEE_UNSCHEDULABLE,
  count: 48,
  firstAgoSec: 2 * DAY,
  lastAgoSec: 9 * MINUTE,
  source: { component: 'default-scheduler' },
});
event({
  involved: podRef(proxyOnPi),
  type: 'Warning',
  reason: 'NodeNotReady',
  message: 'Node is not ready',
  count: 1,
  firstAgoSec: 2 * HOUR + 39 * MINUTE,
  lastAgoSec: 2 * HOUR + 39 * MINUTE,
  source: { component: 'node-controller' },
});
event({
  involved: podRef(evicted),
  type: 'Warning',
  reason: 'Evicted',
  message: evicted.message ?? '',
  count: 1,
  firstAgoSec: 9 * HOUR,
  lastAgoSec: 9 * HOUR,
  source: kubelet(evicted),
});
event({
  involved: { apiVersion: 'batch/v1', kind: 'Job', namespace: 'home', name: 'backup-29388000' },
  type: 'Warning',
  reason: 'BackoffLimitExceeded',
  message: 'Job has reached the specified backoff limit',
  count: 1,
  firstAgoSec: 6 * HOUR + 50 * MINUTE,
  lastAgoSec: 6 * HOUR + 50 * MINUTE,
  source: { component: 'job-controller' },
});
event({
  involved: { apiVersion: 'batch/v1', kind: 'Job', namespace: 'apps', name: 'db-migrate-29388120' },
  type: 'Normal',
  reason: 'Completed',
  message: 'Job completed',
  count: 1,
  firstAgoSec: 2 * HOUR + 55 * MINUTE,
  lastAgoSec: 2 * HOUR + 55 * MINUTE,
  source: { component: 'job-controller' },
});
event({
  involved: {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    namespace: 'flux-system',
    name: 'apps',
  },
  type: 'Warning',
  reason: 'HealthCheckFailed',
  message:
    "health check failed after 5m0.041s: timeout waiting for: [Deployment/apps/api status: 'InProgress']",
  count: 6,
  firstAgoSec: 3 * HOUR,
  lastAgoSec: 12 * MINUTE,
  source: { component: 'kustomize-controller' },
});
event({
  involved: {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    namespace: 'monitoring',
    name: 'kube-prometheus-stack',
  },
  type: 'Warning',
  reason: 'UpgradeFailed',
  message:
    'Helm upgrade failed for release monitoring/kube-prometheus-stack with chart kube-prometheus-stack@77.6.2: context deadline exceeded',
  count: 3,
  firstAgoSec: 2 * HOUR,
  lastAgoSec: 20 * MINUTE,
  source: { component: 'helm-controller' },
});
event({
  involved: {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    namespace: 'flux-system',
    name: 'charts-fork',
  },
  type: 'Warning',
  reason: 'GitOperationFailed',
  message:
    "failed to checkout and determine revision: unable to clone 'https://github.com/example/charts-fork': authentication required: Repository not found.",
  count: 48,
  firstAgoSec: 1 * DAY,
  lastAgoSec: 3 * MINUTE,
  source: { component: 'source-controller' },
});
event({
  involved: {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    namespace: 'home',
    name: 'home-assistant-tls',
  },
  type: 'Warning',
  reason: 'Failed',
  message:
    'The certificate request has failed to complete and will be retried: Failed to wait for order resource "home-assistant-tls-1-3148263095" to become ready: order is in "errored" state: Failed to finalize Order: 429 urn:ietf:params:acme:error:rateLimited: too many certificates already issued for "home.example.net"',
  count: 3,
  firstAgoSec: 6 * HOUR,
  lastAgoSec: 40 * MINUTE,
  source: { component: 'cert-manager-certificates-issuing' },
});
event({
  involved: {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    namespace: 'monitoring',
    name: 'grafana-tls',
  },
  type: 'Normal',
  reason: 'Issuing',
  message: 'Renewing certificate as renewal was scheduled at 2 weeks ago',
  count: 1,
  firstAgoSec: 27 * DAY,
  lastAgoSec: 27 * DAY,
  source: { component: 'cert-manager-certificates-trigger' },
});
event({
  involved: { apiVersion: 'v1', kind: 'Node', name: 'worker-1' },
  type: 'Normal',
  reason: 'Starting',
  message: 'Starting kubelet.',
  count: 1,
  firstAgoSec: 26 * HOUR,
  lastAgoSec: 26 * HOUR,
  source: { component: 'kubelet', host: 'worker-1' },
});

/** Every seeded event of the base seed. `lastAgoSec` orders them (newest first = smallest). */
export const events: EventFixture[] = eventList;
export const warningEvents: EventFixture[] = events.filter((e) => e.type === 'Warning');

/** Events whose last occurrence is at least `sec` before `now` (seed-relative: pass `now - seedTime`). */
export function eventsOlderThan(sec: number, elapsedSinceSeedSec = 0): EventFixture[] {
  return events.filter((e) => e.lastAgoSec + elapsedSinceSeedSec >= sec);
}

// ---------------------------------------------------------------------------------------------------------------
// cert-manager

export interface CertificateFixture {
  namespace: string;
  name: string;
  secretName: string;
  dnsNames: string[];
  issuer: { name: string; kind: 'ClusterIssuer' | 'Issuer' };
  duration: string;
  renewBefore?: string;
  ready: 'True' | 'False';
  reason: string;
  message: string;
  /** notAfter in days after the seed; null when never issued. */
  notAfterDays: number | null;
  /** notBefore in days before the seed. */
  notBeforeAgoDays?: number;
  /** renewalTime in days after the seed (negative = overdue). */
  renewalDays?: number;
  issuing?: { status: 'True' | 'False'; reason: string; message: string };
  failedIssuanceAttempts?: number;
  lastFailureAgoSec?: number;
  revision?: number;
}

export const certificates: CertificateFixture[] = [
  {
    namespace: 'apps',
    name: 'podinfo-tls',
    secretName: 'podinfo-tls',
    dnsNames: ['podinfo.home.example.net'],
    issuer: { name: 'letsencrypt-prod', kind: 'ClusterIssuer' },
    duration: '2160h0m0s',
    ready: 'True',
    reason: 'Ready',
    message: 'Certificate is up to date and has not expired',
    notAfterDays: 62,
    notBeforeAgoDays: 28,
    renewalDays: 32,
    revision: 4,
  },
  {
    namespace: 'cert-manager',
    name: 'wildcard-home-example-net',
    secretName: 'wildcard-home-example-net-tls',
    dnsNames: ['*.home.example.net', 'home.example.net'],
    issuer: { name: 'letsencrypt-prod', kind: 'ClusterIssuer' },
    duration: '2160h0m0s',
    ready: 'True',
    reason: 'Ready',
    message: 'Certificate is up to date and has not expired',
    notAfterDays: 81,
    notBeforeAgoDays: 9,
    renewalDays: 51,
    revision: 7,
  },
  {
    namespace: 'flux-system',
    name: 'webhook-receiver-tls',
    secretName: 'webhook-receiver-tls',
    dnsNames: ['flux-webhook.home.example.net'],
    issuer: { name: 'letsencrypt-prod', kind: 'ClusterIssuer' },
    duration: '2160h0m0s',
    ready: 'True',
    reason: 'Ready',
    message: 'Certificate is up to date and has not expired',
    notAfterDays: 45,
    notBeforeAgoDays: 45,
    renewalDays: 15,
    revision: 2,
  },
  {
    // Renewal overdue and failing: still valid for 3 days.
    namespace: 'monitoring',
    name: 'grafana-tls',
    secretName: 'grafana-tls',
    dnsNames: ['grafana.home.example.net'],
    issuer: { name: 'letsencrypt-prod', kind: 'ClusterIssuer' },
    duration: '2160h0m0s',
    ready: 'True',
    reason: 'Ready',
    message: 'Certificate is up to date and has not expired',
    notAfterDays: 3,
    notBeforeAgoDays: 87,
    renewalDays: -27,
    issuing: {
      status: 'True',
      reason: 'Renewing',
      message: 'Renewing certificate as renewal was scheduled at 2 weeks ago',
    },
    failedIssuanceAttempts: 4,
    lastFailureAgoSec: 2 * HOUR,
    revision: 3,
  },
  {
    namespace: 'media',
    name: 'jellyfin-tls',
    secretName: 'jellyfin-tls',
    dnsNames: ['jellyfin.home.example.net'],
    issuer: { name: 'letsencrypt-prod', kind: 'ClusterIssuer' },
    duration: '2160h0m0s',
    renewBefore: '168h0m0s',
    ready: 'True',
    reason: 'Ready',
    message: 'Certificate is up to date and has not expired',
    notAfterDays: 10,
    notBeforeAgoDays: 80,
    renewalDays: 3,
    revision: 1,
  },
  {
    namespace: 'home',
    name: 'home-assistant-tls',
    secretName: 'home-assistant-tls',
    dnsNames: ['ha.home.example.net'],
    issuer: { name: 'letsencrypt-prod', kind: 'ClusterIssuer' },
    duration: '2160h0m0s',
    ready: 'False',
    reason: 'DoesNotExist',
    message: 'Issuing certificate as Secret does not exist',
    notAfterDays: null,
    issuing: {
      status: 'False',
      reason: 'Failed',
      message:
        'The certificate request has failed to complete and will be retried: Failed to wait for order resource "home-assistant-tls-1-3148263095" to become ready: order is in "errored" state: Failed to finalize Order: 429 urn:ietf:params:acme:error:rateLimited: too many certificates already issued for "home.example.net"',
    },
    failedIssuanceAttempts: 3,
    lastFailureAgoSec: 40 * MINUTE,
  },
];

/**
 * Certificates whose notAfter is within `days` of `now` (issued ones only). `elapsedSinceSeedSec` is how long ago
 * the seed ran (now - SEED_TIME), so the answer stays right for a sandbox that has been up for a while.
 */
export function certificatesExpiringWithin(days: number, elapsedSinceSeedSec = 0): CertificateFixture[] {
  return certificates.filter(
    (cert) => cert.notAfterDays !== null && cert.notAfterDays * DAY - elapsedSinceSeedSec <= days * DAY,
  );
}
export const failedCertificates: CertificateFixture[] = certificates.filter((cert) => cert.ready !== 'True');

// ---------------------------------------------------------------------------------------------------------------
// Flux

export type FluxKind =
  | 'Kustomization'
  | 'HelmRelease'
  | 'GitRepository'
  | 'HelmRepository'
  | 'OCIRepository'
  | 'ImageRepository'
  | 'ImagePolicy'
  | 'ImageUpdateAutomation';

export interface FluxKindInfo {
  group: string;
  /** Served versions, preferred first (image kinds depend on the image API mode). */
  version: string;
  plural: string;
}

export const FLUX_KINDS: Record<FluxKind, FluxKindInfo> = {
  Kustomization: { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', plural: 'kustomizations' },
  HelmRelease: { group: 'helm.toolkit.fluxcd.io', version: 'v2', plural: 'helmreleases' },
  GitRepository: { group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'gitrepositories' },
  HelmRepository: { group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'helmrepositories' },
  OCIRepository: { group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'ocirepositories' },
  ImageRepository: { group: 'image.toolkit.fluxcd.io', version: 'v1', plural: 'imagerepositories' },
  ImagePolicy: { group: 'image.toolkit.fluxcd.io', version: 'v1', plural: 'imagepolicies' },
  ImageUpdateAutomation: {
    group: 'image.toolkit.fluxcd.io',
    version: 'v1',
    plural: 'imageupdateautomations',
  },
};

export const IMAGE_KINDS: FluxKind[] = ['ImageRepository', 'ImagePolicy', 'ImageUpdateAutomation'];

/** Which image.toolkit API generation the status is written for (v1beta2 = Flux 2.6, v1 = Flux 2.7+). */
export type ImageStatusFlavor = 'v1' | 'v1beta2';

export interface FluxStatusContext {
  t: Clock;
  /** metadata.generation of the object as stored (observedGeneration is derived from it). */
  generation: number;
  imageFlavor: ImageStatusFlavor;
}

export interface FluxFixture {
  kind: FluxKind;
  namespace: string;
  name: string;
  spec: Record<string, unknown>;
  /** spec.suspend */
  suspended: boolean;
  /** Ready condition status. */
  ready: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  /** metadata.generation ahead of status.observedGeneration (the controller has not caught up). */
  stale: boolean;
  /** Kustomization/HelmRelease: the source it reads from, as "Kind/namespace/name". */
  source?: string;
  lastAppliedRevision?: string;
  lastAttemptedRevision?: string;
  /** Sources: the artifact revision; ImagePolicy: the selected tag; ImageRepository: tag count as string. */
  revision?: string;
  status: (ctx: FluxStatusContext) => Record<string, unknown>;
}

const sha = (key: string): string => hex(`sha1/${key}`, 40);
const sha256 = (key: string): string => `sha256:${hex(`sha256/${key}`, 64)}`;
const HEAD = `main@sha1:${sha('homelab/head')}`;
const PREV = `main@sha1:${sha('homelab/prev')}`;
const OLD = `main@sha1:${sha('homelab/old')}`;
const SRC = 'http://source-controller.flux-system.svc.cluster.local.';

function cond(
  t: Clock,
  type: string,
  status: string,
  reason: string,
  message: string,
  agoSec: number,
  observedGeneration: number,
): Record<string, unknown> {
  return { type, status, reason, message, lastTransitionTime: t(agoSec), observedGeneration };
}

const fluxList: FluxFixture[] = [];
function flux(f: Omit<FluxFixture, 'suspended' | 'stale'> & { suspended?: boolean; stale?: boolean }): void {
  fluxList.push({ suspended: false, stale: false, ...f });
}

// --- GitRepositories
flux({
  kind: 'GitRepository',
  namespace: 'flux-system',
  name: 'flux-system',
  spec: {
    interval: '1m0s',
    ref: { branch: 'main' },
    secretRef: { name: 'flux-system' },
    timeout: '60s',
    url: 'ssh://git@github.com/example/homelab',
  },
  ready: 'True',
  reason: 'Succeeded',
  message: `stored artifact for revision '${HEAD}'`,
  revision: HEAD,
  status: ({ t, generation: g }) => ({
    observedGeneration: g,
    conditions: [
      cond(
        t,
        'Ready',
        'True',
        'Succeeded',
        `stored artifact for revision '${HEAD}'`,
        3 * HOUR + 20 * MINUTE,
        g,
      ),
      cond(
        t,
        'ArtifactInStorage',
        'True',
        'Succeeded',
        `stored artifact for revision '${HEAD}'`,
        3 * HOUR + 20 * MINUTE,
        g,
      ),
    ],
    artifact: {
      path: `gitrepository/flux-system/flux-system/${sha('homelab/head')}.tar.gz`,
      url: `${SRC}/gitrepository/flux-system/flux-system/${sha('homelab/head')}.tar.gz`,
      revision: HEAD,
      digest: sha256('gitrepo/flux-system'),
      lastUpdateTime: t(3 * HOUR + 20 * MINUTE),
      size: 148_213,
    },
  }),
});
flux({
  kind: 'GitRepository',
  namespace: 'flux-system',
  name: 'charts-fork',
  spec: {
    interval: '5m0s',
    ref: { branch: 'main' },
    timeout: '60s',
    url: 'https://github.com/example/charts-fork',
  },
  ready: 'False',
  reason: 'GitOperationFailed',
  message:
    "failed to checkout and determine revision: unable to clone 'https://github.com/example/charts-fork': authentication required: Repository not found.",
  revision: `main@sha1:${sha('charts-fork/last')}`,
  status: ({ t, generation: g }) => ({
    observedGeneration: g,
    conditions: [
      cond(
        t,
        'Ready',
        'False',
        'GitOperationFailed',
        "failed to checkout and determine revision: unable to clone 'https://github.com/example/charts-fork': authentication required: Repository not found.",
        1 * DAY,
        g,
      ),
      cond(
        t,
        'FetchFailed',
        'True',
        'GitOperationFailed',
        "failed to checkout and determine revision: unable to clone 'https://github.com/example/charts-fork': authentication required: Repository not found.",
        1 * DAY,
        g,
      ),
      cond(
        t,
        'ArtifactInStorage',
        'True',
        'Succeeded',
        `stored artifact for revision 'main@sha1:${sha('charts-fork/last')}'`,
        8 * DAY,
        g,
      ),
    ],
    artifact: {
      path: `gitrepository/flux-system/charts-fork/${sha('charts-fork/last')}.tar.gz`,
      url: `${SRC}/gitrepository/flux-system/charts-fork/${sha('charts-fork/last')}.tar.gz`,
      revision: `main@sha1:${sha('charts-fork/last')}`,
      digest: sha256('gitrepo/charts-fork'),
      lastUpdateTime: t(8 * DAY),
      size: 51_200,
    },
  }),
});
flux({
  kind: 'GitRepository',
  namespace: 'flux-system',
  name: 'legacy-config',
  spec: {
    interval: '10m0s',
    ref: { branch: 'master' },
    suspend: true,
    url: 'https://github.com/example/legacy-config',
  },
  suspended: true,
  ready: 'True',
  reason: 'Succeeded',
  message: `stored artifact for revision 'master@sha1:${sha('legacy/last')}'`,
  revision: `master@sha1:${sha('legacy/last')}`,
  status: ({ t, generation: g }) => ({
    observedGeneration: g,
    conditions: [
      cond(
        t,
        'Ready',
        'True',
        'Succeeded',
        `stored artifact for revision 'master@sha1:${sha('legacy/last')}'`,
        40 * DAY,
        g,
      ),
      cond(
        t,
        'ArtifactInStorage',
        'True',
        'Succeeded',
        `stored artifact for revision 'master@sha1:${sha('legacy/last')}'`,
        40 * DAY,
        g,
      ),
    ],
    artifact: {
      path: `gitrepository/flux-system/legacy-config/${sha('legacy/last')}.tar.gz`,
      url: `${SRC}/gitrepository/flux-system/legacy-config/${sha('legacy/last')}.tar.gz`,
      revision: `master@sha1:${sha('legacy/last')}`,
      digest: sha256('gitrepo/legacy'),
      lastUpdateTime: t(40 * DAY),
      size: 8_704,
    },
  }),
});

// --- HelmRepositories
function helmRepoReady(name: string, size: number): FluxFixture['status'] {
  const rev = sha256(`helmrepo/${name}`);
  return ({ t, generation: g }) => ({
    observedGeneration: g,
    conditions: [
      cond(t, 'Ready', 'True', 'Succeeded', `stored artifact: revision '${rev}'`, 6 * HOUR, g),
      cond(t, 'ArtifactInStorage', 'True', 'Succeeded', `stored artifact: revision '${rev}'`, 6 * HOUR, g),
    ],
    url: `${SRC}/helmrepository/flux-system/${name}/index.yaml`,
    artifact: {
      path: `helmrepository/flux-system/${name}/index-${rev.slice(7, 19)}.yaml`,
      url: `${SRC}/helmrepository/flux-system/${name}/index-${rev.slice(7, 19)}.yaml`,
      revision: rev,
      digest: rev,
      lastUpdateTime: t(6 * HOUR),
      size,
    },
  });
}
flux({
  kind: 'HelmRepository',
  namespace: 'flux-system',
  name: 'podinfo',
  spec: { interval: '1h0m0s', url: 'https://stefanprodan.github.io/podinfo' },
  ready: 'True',
  reason: 'Succeeded',
  message: `stored artifact: revision '${sha256('helmrepo/podinfo')}'`,
  revision: sha256('helmrepo/podinfo'),
  status: helmRepoReady('podinfo', 40_213),
});
flux({
  kind: 'HelmRepository',
  namespace: 'flux-system',
  name: 'prometheus-community',
  spec: { interval: '2h0m0s', url: 'https://prometheus-community.github.io/helm-charts' },
  ready: 'True',
  reason: 'Succeeded',
  message: `stored artifact: revision '${sha256('helmrepo/prometheus-community')}'`,
  revision: sha256('helmrepo/prometheus-community'),
  status: helmRepoReady('prometheus-community', 2_811_904),
});
flux({
  // OCI HelmRepositories carry no artifact.
  kind: 'HelmRepository',
  namespace: 'flux-system',
  name: 'bjw-s',
  spec: { interval: '2h0m0s', type: 'oci', url: 'oci://ghcr.io/bjw-s-labs/helm' },
  ready: 'True',
  reason: 'Succeeded',
  message: 'Helm repository is Ready',
  status: ({ t, generation: g }) => ({
    observedGeneration: g,
    conditions: [cond(t, 'Ready', 'True', 'Succeeded', 'Helm repository is Ready', 20 * DAY, g)],
  }),
});
flux({
  kind: 'HelmRepository',
  namespace: 'flux-system',
  name: 'grafana',
  spec: { interval: '1h0m0s', url: 'https://grafana.github.io/helm-charts' },
  ready: 'False',
  reason: 'FetchFailed',
  message:
    'failed to fetch Helm repository index: failed to cache index to temporary file: failed to fetch https://grafana.github.io/helm-charts/index.yaml : 503 Service Unavailable',
  status: ({ t, generation: g }) => ({
    observedGeneration: g,
    conditions: [
      cond(
        t,
        'Ready',
        'False',
        'FetchFailed',
        'failed to fetch Helm repository index: failed to cache index to temporary file: failed to fetch https://grafana.github.io/helm-charts/index.yaml : 503 Service Unavailable',
        50 * MINUTE,
        g,
      ),
      cond(
        t,
        'FetchFailed',
        'True',
        'FetchFailed',
        'failed to fetch Helm repository index: failed to cache index to temporary file: failed to fetch https://grafana.github.io/helm-charts/index.yaml : 503 Service Unavailable',
        50 * MINUTE,
        g,
      ),
    ],
  }),
});
flux({
  kind: 'HelmRepository',
  namespace: 'flux-system',
  name: 'bitnami',
  spec: { interval: '24h0m0s', suspend: true, url: 'https://charts.bitnami.com/bitnami' },
  suspended: true,
  ready: 'True',
  reason: 'Succeeded',
  message: `stored artifact: revision '${sha256('helmrepo/bitnami')}'`,
  revision: sha256('helmrepo/bitnami'),
  status: helmRepoReady('bitnami', 9_120_448),
});

// --- OCIRepositories
function ociReady(name: string, tag: string, source: string): FluxFixture['status'] {
  const digest = sha256(`oci/${name}`);
  const rev = `${tag}@${digest}`;
  return ({ t, generation: g }) => ({
    observedGeneration: g,
    conditions: [
      cond(t, 'Ready', 'True', 'Succeeded', `stored artifact for digest '${rev}'`, 2 * DAY, g),
      cond(t, 'ArtifactInStorage', 'True', 'Succeeded', `stored artifact for digest '${rev}'`, 2 * DAY, g),
    ],
    url: `${SRC}/ocirepository/flux-system/${name}/${tag}.tar.gz`,
    artifact: {
      path: `ocirepository/flux-system/${name}/${digest.slice(7, 15)}.tar.gz`,
      url: `${SRC}/ocirepository/flux-system/${name}/${digest.slice(7, 15)}.tar.gz`,
      revision: rev,
      digest: sha256(`oci/${name}/tarball`),
      lastUpdateTime: t(2 * DAY),
      size: 61_440,
      metadata: { 'org.opencontainers.image.source': source, 'org.opencontainers.image.version': tag },
    },
  });
}
flux({
  kind: 'OCIRepository',
  namespace: 'flux-system',
  name: 'cert-manager-chart',
  spec: {
    interval: '12h0m0s',
    url: 'oci://quay.io/jetstack/charts/cert-manager',
    ref: { tag: 'v1.18.2' },
    layerSelector: { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: 'copy' },
  },
  ready: 'True',
  reason: 'Succeeded',
  message: `stored artifact for digest 'v1.18.2@${sha256('oci/cert-manager-chart')}'`,
  revision: `v1.18.2@${sha256('oci/cert-manager-chart')}`,
  status: ociReady('cert-manager-chart', 'v1.18.2', 'https://github.com/cert-manager/cert-manager'),
});
flux({
  kind: 'OCIRepository',
  namespace: 'flux-system',
  name: 'podinfo-manifests',
  spec: { interval: '10m0s', url: 'oci://ghcr.io/stefanprodan/manifests/podinfo', ref: { tag: '6.9.3' } },
  ready: 'False',
  reason: 'OCIArtifactPullFailed',
  message:
    'failed to determine artifact digest: GET https://ghcr.io/v2/stefanprodan/manifests/podinfo/manifests/6.9.3: MANIFEST_UNKNOWN: manifest unknown; unknown tag=6.9.3',
  status: ({ t, generation: g }) => ({
    observedGeneration: g,
    conditions: [
      cond(
        t,
        'Ready',
        'False',
        'OCIArtifactPullFailed',
        'failed to determine artifact digest: GET https://ghcr.io/v2/stefanprodan/manifests/podinfo/manifests/6.9.3: MANIFEST_UNKNOWN: manifest unknown; unknown tag=6.9.3',
        35 * MINUTE,
        g,
      ),
      cond(
        t,
        'FetchFailed',
        'True',
        'OCIArtifactPullFailed',
        'failed to determine artifact digest: GET https://ghcr.io/v2/stefanprodan/manifests/podinfo/manifests/6.9.3: MANIFEST_UNKNOWN: manifest unknown; unknown tag=6.9.3',
        35 * MINUTE,
        g,
      ),
    ],
  }),
});
flux({
  kind: 'OCIRepository',
  namespace: 'flux-system',
  name: 'flux-manifests',
  spec: {
    interval: '1h0m0s',
    suspend: true,
    url: 'oci://ghcr.io/fluxcd/flux-manifests',
    ref: { tag: 'v2.7.0' },
  },
  suspended: true,
  ready: 'True',
  reason: 'Succeeded',
  message: `stored artifact for digest 'v2.7.0@${sha256('oci/flux-manifests')}'`,
  revision: `v2.7.0@${sha256('oci/flux-manifests')}`,
  status: ociReady('flux-manifests', 'v2.7.0', 'https://github.com/fluxcd/flux2'),
});

// --- Kustomizations
const inventory = (...ids: string[]): { entries: { id: string; v: string }[] } => ({
  entries: ids.map((id) => ({ id, v: 'v1' })),
});
function ksHistory(
  t: Clock,
  rev: string,
  status: string,
  total: number,
  agoSec: number,
): Record<string, unknown>[] {
  return [
    {
      digest: sha256(`ks-history/${rev}/${status}`),
      firstReconciled: t(agoSec + 2 * DAY),
      lastReconciled: t(agoSec),
      lastReconciledDuration: '2.318s',
      lastReconciledStatus: status,
      totalReconciliations: total,
      metadata: { revision: rev },
    },
  ];
}
const gitSource = { kind: 'GitRepository', name: 'flux-system' };
flux({
  kind: 'Kustomization',
  namespace: 'flux-system',
  name: 'flux-system',
  spec: { interval: '10m0s', path: './clusters/home', prune: true, sourceRef: gitSource },
  source: 'GitRepository/flux-system/flux-system',
  ready: 'True',
  reason: 'ReconciliationSucceeded',
  message: `Applied revision: ${HEAD}`,
  lastAppliedRevision: HEAD,
  lastAttemptedRevision: HEAD,
  status: ({ t, generation: g }) => ({
    observedGeneration: g,
    conditions: [
      cond(
        t,
        'Ready',
        'True',
        'ReconciliationSucceeded',
        `Applied revision: ${HEAD}`,
        3 * HOUR + 19 * MINUTE,
        g,
      ),
    ],
    lastAppliedRevision: HEAD,
    lastAttemptedRevision: HEAD,
    lastHandledReconcileAt: t(3 * HOUR + 20 * MINUTE),
    inventory: inventory(
      '_apps__Namespace',
      '_media__Namespace',
      '_home__Namespace',
      'flux-system_apps_kustomize.toolkit.fluxcd.io_Kustomization',
      'flux-system_infrastructure_kustomize.toolkit.fluxcd.io_Kustomization',
    ),
    history: ksHistory(t, HEAD, 'ReconciliationSucceeded', 412, 3 * MINUTE),
  }),
});
flux({
  kind: 'Kustomization',
  namespace: 'flux-system',
  name: 'infrastructure',
  spec: { interval: '1h0m0s', path: './infrastructure', prune: true, sourceRef: gitSource, wait: true },
  source: 'GitRepository/flux-system/flux-system',
  ready: 'True',
  reason: 'ReconciliationSucceeded',
  message: `Applied revision: ${HEAD}`,
  lastAppliedRevision: HEAD,
  lastAttemptedRevision: HEAD,
  status: ({ t, generation: g }) => ({
    observedGeneration: g,
    conditions: [
      cond(
        t,
        'Ready',
        'True',
        'ReconciliationSucceeded',
        `Applied revision: ${HEAD}`,
        3 * HOUR + 18 * MINUTE,
        g,
      ),
    ],
    lastAppliedRevision: HEAD,
    lastAttemptedRevision: HEAD,
    inventory: inventory(
      'cert-manager_cert-manager_helm.toolkit.fluxcd.io_HelmRelease',
      'monitoring_kube-prometheus-stack_helm.toolkit.fluxcd.io_HelmRelease',
    ),
    history: ksHistory(t, HEAD, 'ReconciliationSucceeded', 96, 18 * MINUTE),
  }),
});
flux({
  // The new revision's health check fails on the crash-looping api Deployment; the previous one stays applied.
  kind: 'Kustomization',
  namespace: 'flux-system',
  name: 'apps',
  spec: {
    interval: '10m0s',
    path: './apps/production',
    prune: true,
    sourceRef: gitSource,
    wait: true,
    timeout: '5m0s',
    dependsOn: [{ name: 'infrastructure' }],
  },
  source: 'GitRepository/flux-system/flux-system',
  ready: 'False',
  reason: 'HealthCheckFailed',
  message:
    "health check failed after 5m0.041s: timeout waiting for: [Deployment/apps/api status: 'InProgress']",
  lastAppliedRevision: PREV,
  lastAttemptedRevision: HEAD,
  status: ({ t, generation: g }) => ({
    observedGeneration: g,
    conditions: [
      cond(
        t,
        'Ready',
        'False',
        'HealthCheckFailed',
        "health check failed after 5m0.041s: timeout waiting for: [Deployment/apps/api status: 'InProgress']",
        12 * MINUTE,
        g,
      ),
      cond(
        t,
        'Healthy',
        'False',
        'HealthCheckFailed',
        "health check failed after 5m0.041s: timeout waiting for: [Deployment/apps/api status: 'InProgress']",
        12 * MINUTE,
        g,
      ),
    ],
    lastAppliedRevision: PREV,
    lastAttemptedRevision: HEAD,
    inventory: inventory(
      'apps_api_apps_Deployment',
      'apps_frontend_apps_Deployment',
      'apps_podinfo__Service',
    ),
    history: ksHistory(t, HEAD, 'HealthCheckFailed', 19, 12 * MINUTE),
  }),
});
flux({
  kind: 'Kustomization',
  namespace: 'flux-system',
  name: 'monitoring',
  spec: { interval: '30m0s', path: './monitoring', prune: true, sourceRef: gitSource, suspend: true },
  suspended: true,
  source: 'GitRepository/flux-system/flux-system',
  ready: 'True',
  reason: 'ReconciliationSucceeded',
  message: `Applied revision: ${OLD}`,
  lastAppliedRevision: OLD,
  lastAttemptedRevision: OLD,
  status: ({ t, generation: g }) => ({
    observedGeneration: g,
    conditions: [cond(t, 'Ready', 'True', 'ReconciliationSucceeded', `Applied revision: ${OLD}`, 6 * DAY, g)],
    lastAppliedRevision: OLD,
    lastAttemptedRevision: OLD,
    inventory: inventory('monitoring_grafana_apps_Deployment'),
  }),
});
flux({
  // Spec changed (generation ahead) and the controller is mid-reconcile.
  kind: 'Kustomization',
  namespace: 'flux-system',
  name: 'media',
  spec: {
    interval: '15m0s',
    path: './apps/media',
    prune: true,
    sourceRef: gitSource,
    targetNamespace: 'media',
  },
  stale: true,
  source: 'GitRepository/flux-system/flux-system',
  ready: 'Unknown',
  reason: 'Progressing',
  message: 'Reconciliation in progress',
  lastAppliedRevision: PREV,
  lastAttemptedRevision: PREV,
  status: ({ t, generation: g }) => ({
    observedGeneration: g - 1,
    conditions: [
      cond(
        t,
        'Reconciling',
        'True',
        'Progressing',
        `Detecting drift for revision ${PREV} with a timeout of 5m0s`,
        1 * MINUTE,
        g,
      ),
      cond(t, 'Ready', 'Unknown', 'Progressing', 'Reconciliation in progress', 1 * MINUTE, g),
    ],
    lastAppliedRevision: PREV,
    lastAttemptedRevision: PREV,
    inventory: inventory(
      'media_jellyfin_apps_Deployment',
      'media_sonarr_apps_Deployment',
      'media_radarr_apps_Deployment',
    ),
  }),
});

// --- HelmReleases
function hrHistory(
  t: Clock,
  release: { name: string; namespace: string; chart: string },
  entries: {
    version: number;
    status: string;
    chartVersion: string;
    appVersion: string;
    deployedAgoSec: number;
  }[],
): Record<string, unknown>[] {
  return entries.map((e) => ({
    name: release.name,
    namespace: release.namespace,
    version: e.version,
    status: e.status,
    chartName: release.chart,
    chartVersion: e.chartVersion,
    appVersion: e.appVersion,
    configDigest: sha256(`hr-config/${release.namespace}/${release.name}/${e.version}`),
    digest: sha256(`hr/${release.namespace}/${release.name}/${e.version}`),
    firstDeployed: t(60 * DAY),
    lastDeployed: t(e.deployedAgoSec),
  }));
}
flux({
  kind: 'HelmRelease',
  namespace: 'apps',
  name: 'podinfo',
  spec: {
    interval: '30m0s',
    chart: {
      spec: {
        chart: 'podinfo',
        version: '6.x',
        sourceRef: { kind: 'HelmRepository', name: 'podinfo', namespace: 'flux-system' },
        interval: '12h0m0s',
      },
    },
    values: { replicaCount: 2 },
  },
  source: 'HelmRepository/flux-system/podinfo',
  ready: 'True',
  reason: 'UpgradeSucceeded',
  message: 'Helm upgrade succeeded for release apps/podinfo.v3 with chart podinfo@6.9.2',
  lastAttemptedRevision: '6.9.2',
  status: ({ t, generation: g }) => ({
    observedGeneration: g,
    lastAttemptedGeneration: g,
    conditions: [
      cond(
        t,
        'Ready',
        'True',
        'UpgradeSucceeded',
        'Helm upgrade succeeded for release apps/podinfo.v3 with chart podinfo@6.9.2',
        5 * DAY,
        g,
      ),
      cond(
        t,
        'Released',
        'True',
        'UpgradeSucceeded',
        'Helm upgrade succeeded for release apps/podinfo.v3 with chart podinfo@6.9.2',
        5 * DAY,
        g,
      ),
    ],
    helmChart: 'flux-system/apps-podinfo',
    storageNamespace: 'apps',
    lastAttemptedRevision: '6.9.2',
    lastAttemptedReleaseAction: 'upgrade',
    lastAttemptedConfigDigest: sha256('hr-config/apps/podinfo/3'),
    history: hrHistory(t, { name: 'podinfo', namespace: 'apps', chart: 'podinfo' }, [
      { version: 3, status: 'deployed', chartVersion: '6.9.2', appVersion: '6.9.2', deployedAgoSec: 5 * DAY },
      {
        version: 2,
        status: 'superseded',
        chartVersion: '6.9.1',
        appVersion: '6.9.1',
        deployedAgoSec: 19 * DAY,
      },
    ]),
  }),
});
flux({
  // Chart from an OCIRepository through spec.chartRef.
  kind: 'HelmRelease',
  namespace: 'cert-manager',
  name: 'cert-manager',
  spec: {
    interval: '1h0m0s',
    chartRef: { kind: 'OCIRepository', name: 'cert-manager-chart', namespace: 'flux-system' },
    install: { crds: 'CreateReplace' },
    values: { crds: { enabled: true } },
  },
  source: 'OCIRepository/flux-system/cert-manager-chart',
  ready: 'True',
  reason: 'InstallSucceeded',
  message: 'Helm install succeeded for release cert-manager/cert-manager.v1 with chart cert-manager@v1.18.2',
  lastAttemptedRevision: 'v1.18.2',
  status: ({ t, generation: g }) => ({
    observedGeneration: g,
    lastAttemptedGeneration: g,
    conditions: [
      cond(
        t,
        'Ready',
        'True',
        'InstallSucceeded',
        'Helm install succeeded for release cert-manager/cert-manager.v1 with chart cert-manager@v1.18.2',
        2 * DAY,
        g,
      ),
      cond(
        t,
        'Released',
        'True',
        'InstallSucceeded',
        'Helm install succeeded for release cert-manager/cert-manager.v1 with chart cert-manager@v1.18.2',
        2 * DAY,
        g,
      ),
    ],
    storageNamespace: 'cert-manager',
    lastAttemptedRevision: 'v1.18.2',
    lastAttemptedRevisionDigest: sha256('oci/cert-manager-chart'),
    lastAttemptedReleaseAction: 'install',
    lastAttemptedConfigDigest: sha256('hr-config/cert-manager/cert-manager/1'),
    history: hrHistory(t, { name: 'cert-manager', namespace: 'cert-manager', chart: 'cert-manager' }, [
      {
        version: 1,
        status: 'deployed',
        chartVersion: 'v1.18.2',
        appVersion: 'v1.18.2',
        deployedAgoSec: 2 * DAY,
      },
    ]),
  }),
});
flux({
  kind: 'HelmRelease',
  namespace: 'monitoring',
  name: 'kube-prometheus-stack',
  spec: {
    interval: '30m0s',
    timeout: '10m0s',
    chart: {
      spec: {
        chart: 'kube-prometheus-stack',
        version: '77.x',
        sourceRef: { kind: 'HelmRepository', name: 'prometheus-community', namespace: 'flux-system' },
      },
    },
    upgrade: { remediation: { retries: 3 } },
  },
  source: 'HelmRepository/flux-system/prometheus-community',
  ready: 'False',
  reason: 'UpgradeFailed',
  message:
    'Helm upgrade failed for release monitoring/kube-prometheus-stack with chart kube-prometheus-stack@77.6.2: context deadline exceeded',
  lastAttemptedRevision: '77.6.2',
  lastAppliedRevision: '75.18.1',
  status: ({ t, generation: g }) => ({
    observedGeneration: g,
    lastAttemptedGeneration: g,
    conditions: [
      cond(
        t,
        'Ready',
        'False',
        'UpgradeFailed',
        'Helm upgrade failed for release monitoring/kube-prometheus-stack with chart kube-prometheus-stack@77.6.2: context deadline exceeded',
        20 * MINUTE,
        g,
      ),
      cond(
        t,
        'Released',
        'False',
        'UpgradeFailed',
        'Helm upgrade failed for release monitoring/kube-prometheus-stack with chart kube-prometheus-stack@77.6.2: context deadline exceeded',
        20 * MINUTE,
        g,
      ),
      cond(t, 'Stalled', 'True', 'RetriesExceeded', 'Failed to upgrade after 3 attempt(s)', 20 * MINUTE, g),
    ],
    helmChart: 'flux-system/monitoring-kube-prometheus-stack',
    storageNamespace: 'monitoring',
    failures: 4,
    upgradeFailures: 4,
    lastAttemptedRevision: '77.6.2',
    lastAttemptedReleaseAction: 'upgrade',
    lastAttemptedConfigDigest: sha256('hr-config/monitoring/kube-prometheus-stack/9'),
    history: hrHistory(
      t,
      { name: 'kube-prometheus-stack', namespace: 'monitoring', chart: 'kube-prometheus-stack' },
      [
        {
          version: 9,
          status: 'failed',
          chartVersion: '77.6.2',
          appVersion: 'v0.85.0',
          deployedAgoSec: 20 * MINUTE,
        },
        {
          version: 8,
          status: 'deployed',
          chartVersion: '75.18.1',
          appVersion: 'v0.84.0',
          deployedAgoSec: 12 * DAY,
        },
      ],
    ),
  }),
});
flux({
  kind: 'HelmRelease',
  namespace: 'home',
  name: 'home-assistant',
  spec: {
    interval: '30m0s',
    suspend: true,
    chart: {
      spec: {
        chart: 'app-template',
        version: '4.3.0',
        sourceRef: { kind: 'HelmRepository', name: 'bjw-s', namespace: 'flux-system' },
      },
    },
  },
  suspended: true,
  source: 'HelmRepository/flux-system/bjw-s',
  ready: 'True',
  reason: 'UpgradeSucceeded',
  message: 'Helm upgrade succeeded for release home/home-assistant.v12 with chart app-template@4.3.0',
  lastAttemptedRevision: '4.3.0',
  status: ({ t, generation: g }) => ({
    observedGeneration: g,
    lastAttemptedGeneration: g,
    conditions: [
      cond(
        t,
        'Ready',
        'True',
        'UpgradeSucceeded',
        'Helm upgrade succeeded for release home/home-assistant.v12 with chart app-template@4.3.0',
        9 * DAY,
        g,
      ),
      cond(
        t,
        'Released',
        'True',
        'UpgradeSucceeded',
        'Helm upgrade succeeded for release home/home-assistant.v12 with chart app-template@4.3.0',
        9 * DAY,
        g,
      ),
    ],
    helmChart: 'flux-system/home-home-assistant',
    storageNamespace: 'home',
    lastAttemptedRevision: '4.3.0',
    lastAttemptedReleaseAction: 'upgrade',
    history: hrHistory(t, { name: 'home-assistant', namespace: 'home', chart: 'app-template' }, [
      { version: 12, status: 'deployed', chartVersion: '4.3.0', appVersion: '', deployedAgoSec: 9 * DAY },
      { version: 11, status: 'superseded', chartVersion: '4.2.0', appVersion: '', deployedAgoSec: 30 * DAY },
    ]),
  }),
});

// --- image.toolkit
function imageRepo(
  name: string,
  image: string,
  tags: string[],
  tagCount: number,
  extra: Partial<FluxFixture> & { failing?: { reason: string; message: string } } = {},
): void {
  const { failing, ...rest } = extra;
  flux({
    kind: 'ImageRepository',
    namespace: 'flux-system',
    name,
    spec: { image, interval: '5m0s', ...(rest.suspended ? { suspend: true } : {}) },
    ready: failing ? 'False' : 'True',
    reason: failing ? failing.reason : 'Succeeded',
    message: failing
      ? failing.message
      : `successful scan: found ${tagCount} tags with checksum ${pick(name, 4_000_000_000)}`,
    revision: String(tagCount),
    status: ({ t, generation: g }) => ({
      observedGeneration: g,
      canonicalImageName: image,
      conditions: failing
        ? [cond(t, 'Ready', 'False', failing.reason, failing.message, 3 * HOUR, g)]
        : [
            cond(
              t,
              'Ready',
              'True',
              'Succeeded',
              `successful scan: found ${tagCount} tags with checksum ${pick(name, 4_000_000_000)}`,
              rest.suspended ? 12 * DAY : 4 * MINUTE,
              g,
            ),
          ],
      lastScanResult: {
        revision: String(pick(name, 4_000_000_000)),
        tagCount,
        scanTime: t(rest.suspended ? 12 * DAY : failing ? 2 * DAY : 4 * MINUTE),
        latestTags: tags,
      },
    }),
    ...rest,
  });
}
imageRepo('podinfo', 'ghcr.io/stefanprodan/podinfo', ['6.9.2', '6.9.1', '6.9.0', '6.8.0'], 42);
imageRepo(
  'home-assistant',
  'ghcr.io/home-assistant/home-assistant',
  ['2025.11.3', '2025.11.2', '2025.11.1'],
  1287,
);
imageRepo('private-app', 'ghcr.io/example/private-app', ['1.4.0'], 17, {
  failing: {
    reason: 'AuthenticationFailed',
    message:
      'failed to get credential from secret: secrets "ghcr-auth" not found; GET https://ghcr.io/token?scope=repository%3Aexample%2Fprivate-app%3Apull&service=ghcr.io: UNAUTHORIZED: authentication required',
  },
});
imageRepo('frigate', 'ghcr.io/blakeblackshear/frigate', ['0.16.1', '0.16.0'], 310, { suspended: true });

function imagePolicy(
  name: string,
  repo: string,
  image: string,
  range: string,
  latest: { tag: string; previous: string } | undefined,
  extra: { suspended?: boolean; failing?: { reason: string; message: string } } = {},
): void {
  flux({
    kind: 'ImagePolicy',
    namespace: 'flux-system',
    name,
    spec: {
      imageRepositoryRef: { name: repo },
      policy: { semver: { range } },
      ...(extra.suspended ? { suspend: true } : {}),
    },
    suspended: extra.suspended ?? false,
    source: `ImageRepository/flux-system/${repo}`,
    ready: extra.failing ? 'False' : 'True',
    reason: extra.failing ? extra.failing.reason : 'Succeeded',
    message: extra.failing
      ? extra.failing.message
      : `Latest image tag for ${image} resolved to ${latest?.tag}`,
    ...(latest ? { revision: latest.tag } : {}),
    status: ({ t, generation: g, imageFlavor }) => {
      const status: Record<string, unknown> = {
        observedGeneration: g,
        conditions: [
          extra.failing
            ? cond(t, 'Ready', 'False', extra.failing.reason, extra.failing.message, 3 * HOUR, g)
            : cond(
                t,
                'Ready',
                'True',
                'Succeeded',
                `Latest image tag for ${image} resolved to ${latest?.tag}`,
                extra.suspended ? 12 * DAY : 2 * HOUR,
                g,
              ),
        ],
      };
      if (latest) {
        status.latestRef = { name: image, tag: latest.tag, digest: sha256(`${image}:${latest.tag}`) };
        status.observedPreviousRef = { name: image, tag: latest.previous };
        // Flux 2.6 (v1beta2) also wrote the image as one string; v1 dropped these fields.
        if (imageFlavor === 'v1beta2') {
          status.latestImage = `${image}:${latest.tag}`;
          status.observedPreviousImage = `${image}:${latest.previous}`;
        }
      }
      return status;
    },
  });
}
imagePolicy('podinfo', 'podinfo', 'ghcr.io/stefanprodan/podinfo', '>=6.0.0', {
  tag: '6.9.2',
  previous: '6.9.1',
});
imagePolicy('home-assistant', 'home-assistant', 'ghcr.io/home-assistant/home-assistant', '>=2025.1.0', {
  tag: '2025.11.3',
  previous: '2025.11.2',
});
imagePolicy('private-app', 'private-app', 'ghcr.io/example/private-app', '^1.0.0', undefined, {
  failing: { reason: 'DependencyNotReady', message: "referenced ImageRepository 'private-app' is not ready" },
});
imagePolicy(
  'frigate',
  'frigate',
  'ghcr.io/blakeblackshear/frigate',
  '>=0.16.0',
  { tag: '0.16.1', previous: '0.16.0' },
  { suspended: true },
);

function automation(
  name: string,
  path: string,
  last:
    | { commitKey: string; pushAgoSec: number; policies: Record<string, { name: string; tag: string }> }
    | undefined,
  extra: { suspended?: boolean; failing?: { reason: string; message: string } } = {},
): void {
  const commit = last ? sha(last.commitKey) : undefined;
  flux({
    kind: 'ImageUpdateAutomation',
    namespace: 'flux-system',
    name,
    spec: {
      interval: '30m0s',
      sourceRef: { kind: 'GitRepository', name: 'flux-system' },
      git: {
        checkout: { ref: { branch: 'main' } },
        commit: {
          author: { email: 'fluxcdbot@users.noreply.github.com', name: 'fluxcdbot' },
          messageTemplate: '{{range .Changed.Changes}}{{print .OldValue}} -> {{println .NewValue}}{{end}}',
        },
        push: { branch: 'main' },
      },
      update: { path, strategy: 'Setters' },
      ...(extra.suspended ? { suspend: true } : {}),
    },
    suspended: extra.suspended ?? false,
    source: 'GitRepository/flux-system/flux-system',
    ready: extra.failing ? 'False' : 'True',
    reason: extra.failing ? extra.failing.reason : 'Succeeded',
    message: extra.failing
      ? extra.failing.message
      : commit && last && last.pushAgoSec < 30 * MINUTE
        ? `pushed commit '${commit.slice(0, 7)}' to branch 'main'`
        : 'repository up-to-date',
    ...(commit ? { revision: commit } : {}),
    status: ({ t, generation: g }) => {
      const status: Record<string, unknown> = {
        observedGeneration: g,
        conditions: [
          extra.failing
            ? cond(t, 'Ready', 'False', extra.failing.reason, extra.failing.message, 45 * MINUTE, g)
            : cond(
                t,
                'Ready',
                'True',
                'Succeeded',
                commit && last && last.pushAgoSec < 30 * MINUTE
                  ? `pushed commit '${commit.slice(0, 7)}' to branch 'main'`
                  : 'repository up-to-date',
                extra.suspended ? 15 * DAY : 6 * MINUTE,
                g,
              ),
        ],
        lastAutomationRunTime: t(extra.suspended ? 15 * DAY : 6 * MINUTE),
        observedSourceRevision: HEAD,
      };
      if (last && commit) {
        status.lastPushCommit = commit;
        status.lastPushTime = t(last.pushAgoSec);
        status.observedPolicies = last.policies;
      }
      return status;
    },
  });
}
automation('flux-system', './apps', {
  commitKey: 'iua/flux-system',
  pushAgoSec: 6 * MINUTE,
  policies: {
    podinfo: { name: 'ghcr.io/stefanprodan/podinfo', tag: '6.9.2' },
    'home-assistant': { name: 'ghcr.io/home-assistant/home-assistant', tag: '2025.11.3' },
  },
});
automation(
  'staging',
  './apps/staging',
  { commitKey: 'iua/staging', pushAgoSec: 4 * DAY, policies: {} },
  {
    failing: {
      reason: 'GitOperationFailed',
      message:
        "failed to push to remote: unable to push to 'refs/heads/main': remote: Permission to example/homelab.git denied to flux-bot.",
    },
  },
);
automation(
  'media',
  './apps/media',
  { commitKey: 'iua/media', pushAgoSec: 15 * DAY, policies: {} },
  { suspended: true },
);

/** Every seeded Flux object, all kinds. */
export const fluxObjects: FluxFixture[] = fluxList;

export function fluxOf(kind: FluxKind): FluxFixture[] {
  return fluxObjects.filter((f) => f.kind === kind);
}

/** Objects whose Ready condition is not True (suspended ones keep their last Ready). */
export function fluxNotReady(kinds: FluxKind[] = Object.keys(FLUX_KINDS) as FluxKind[]): FluxFixture[] {
  return fluxObjects.filter((f) => kinds.includes(f.kind) && f.ready !== 'True');
}

/** `not_ready_count` of get_flux_status (Kustomizations and HelmReleases). */
export const fluxStatusNotReadyCount = fluxNotReady(['Kustomization', 'HelmRelease']).length;

// ---------------------------------------------------------------------------------------------------------------
// metrics.k8s.io

export const METRICS_WINDOW = '10.04s';
/** metrics-server samples a few seconds before the seed. */
export const METRICS_AGO_SEC = 12;

export const nodeMetrics = nodes
  .filter((n) => n.usage)
  .map((n) => ({ name: n.name, usage: n.usage as { cpu: string; memory: string } }));
export const podMetrics = pods
  .filter((p) => p.usage)
  .map((p) => ({
    namespace: p.namespace,
    name: p.name,
    labels: p.labels,
    containers: p.usage as Record<string, { cpu: string; memory: string }>,
  }));

// ---------------------------------------------------------------------------------------------------------------
// Large seed: `sandbox:up -- --pods N`

export const SCALE_PODS_PER_NAMESPACE = 500;
export const SCALE_PODS_PER_DEPLOYMENT = 50;
/** Nodes scale pods run on (schedulable and Ready). */
export const SCALE_NODES = nodes
  .filter((n) => n.ready && !n.cordoned && n.roles.includes('worker'))
  .map((n) => n.name);

export interface ScalePod {
  index: number;
  namespace: string;
  deployment: string;
  replicaSet: string;
  podTemplateHash: string;
  name: string;
  state: PodState;
  node?: string;
}

/** State of scale pod `i`: about 96 % Running, the rest spread over the problem states. */
export function scalePodState(i: number): PodState {
  switch (i % 100) {
    case 7:
      return 'CrashLoopBackOff';
    case 23:
      return 'ImagePullBackOff';
    case 41:
      return 'NotReady';
    case 88:
      return 'Unschedulable';
    default:
      return 'Running';
  }
}

export function scaleNamespace(i: number): string {
  return `scale-${Math.floor(i / SCALE_PODS_PER_NAMESPACE)}`;
}

/** The scale pod with index `i` (0-based). */
export function scalePod(i: number): ScalePod {
  const namespace = scaleNamespace(i);
  const d = Math.floor((i % SCALE_PODS_PER_NAMESPACE) / SCALE_PODS_PER_DEPLOYMENT);
  const deployment = `svc-${String(d).padStart(2, '0')}`;
  const podTemplateHash = suffix(`${namespace}/${deployment}`, 10);
  const replicaSet = `${deployment}-${podTemplateHash}`;
  const state = scalePodState(i);
  const p: ScalePod = {
    index: i,
    namespace,
    deployment,
    replicaSet,
    podTemplateHash,
    name: `${replicaSet}-${suffix(`scale/${i}`, 5)}`,
    state,
  };
  if (POD_STATES[state].scheduled) p.node = SCALE_NODES[i % SCALE_NODES.length] as string;
  return p;
}

/** Namespaces the large seed uses for `n` pods. */
export function scaleNamespaces(n: number): string[] {
  return Array.from({ length: Math.ceil(n / SCALE_PODS_PER_NAMESPACE) }, (_, k) => `scale-${k}`);
}

/** Deployments of the large seed: one per SCALE_PODS_PER_DEPLOYMENT consecutive pods. */
export function scaleDeployments(
  n: number,
): { namespace: string; name: string; replicas: number; podTemplateHash: string }[] {
  const out: { namespace: string; name: string; replicas: number; podTemplateHash: string }[] = [];
  for (let start = 0; start < n; start += SCALE_PODS_PER_DEPLOYMENT) {
    const p = scalePod(start);
    out.push({
      namespace: p.namespace,
      name: p.deployment,
      replicas: Math.min(SCALE_PODS_PER_DEPLOYMENT, n - start),
      podTemplateHash: p.podTemplateHash,
    });
  }
  return out;
}

export function scaleProblemPodCount(n: number): number {
  let count = 0;
  for (let i = 0; i < n; i++) if (POD_STATES[scalePodState(i)].problem) count++;
  return count;
}

/** Events the large seed writes: one Warning per problem pod and one Normal "Pulled" per tenth pod. */
export function scaleEventCount(n: number): number {
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (POD_STATES[scalePodState(i)].problem) count++;
    if (i % 10 === 0 && POD_STATES[scalePodState(i)].scheduled) count++;
  }
  return count;
}
