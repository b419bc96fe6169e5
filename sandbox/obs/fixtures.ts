/**
 * The seeded truth of the sandbox's observability backends (Prometheus, Alertmanager, the Loki stand-in and the
 * ntfy stand-in), as data. The exporter, the rule files' expectations, the log and message seeds and the tests all
 * read this module, so tests compare against it and never against literals copied from a run.
 *
 * It describes the cluster of the Kubernetes seed (sandbox/seed/fixtures.ts): nodes, pods, containers, pod IPs,
 * workloads, certificates, Flux objects and the times of their failures all come from there, so every series,
 * alert, log stream and message names an object that get_pods, get_events, get_certificates or get_flux_status
 * return too, and an alert leads to the pods, events and log lines behind it.
 *
 * Times: every seeded item is described relative to an anchor that is fixed for the lifetime of a running
 * sandbox (see `readSeedInfo`). Metrics use the scenario anchor kept with Prometheus' data, logs and messages the
 * seed time written when the stand-in was (re)started by up.sh. Each starts as the Kubernetes seed time when that
 * seed is recent (`scenarioTimeMs`), so "7 min ago" here is the same instant as "7 min ago" in the cluster.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '../seed/fixtures.ts';

export const PORTS = {
  prometheus: 19090,
  alertmanager: 19093,
  exporter: 19100,
  loki: 13100,
  ntfy: 18080,
} as const;

export const URLS = {
  prometheus: `http://127.0.0.1:${PORTS.prometheus}`,
  alertmanager: `http://127.0.0.1:${PORTS.alertmanager}`,
  exporter: `http://127.0.0.1:${PORTS.exporter}`,
  loki: `http://127.0.0.1:${PORTS.loki}`,
  ntfy: `http://127.0.0.1:${PORTS.ntfy}`,
} as const;

/** The ntfy stand-in runs with access control on: every topic needs this token (upstream token format). */
export const NTFY_TOKEN = 'tk_cmcpsandbox7f3k9q2m4x8v1b6n0';

/** Loki tenant used when no X-Scope-OrgID header is sent (upstream's single-tenant default). */
export const LOKI_DEFAULT_TENANT = 'fake';
/** A second tenant holding the `media` namespace's logs, to prove a client sends X-Scope-OrgID. */
export const LOKI_OTHER_TENANT = 'media';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SANDBOX_DIR = process.env.SANDBOX_DIR ?? join(REPO_ROOT, '.sandbox');

const { MINUTE, HOUR, DAY } = k8s;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const TiB = 1024 ** 4;

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

const QUANTITY_SUFFIX: Readonly<Record<string, number>> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  Ki: 1024,
  Mi: MiB,
  Gi: GiB,
  Ti: TiB,
};

/** A Kubernetes quantity as a number: `3800m` → 3.8, `16318056Ki` → bytes. */
export function quantity(q: string): number {
  const m = /^(\d+(?:\.\d+)?)([a-zA-Z]*)$/.exec(q);
  const factor = m ? QUANTITY_SUFFIX[m[2] ?? ''] : undefined;
  if (!m || factor === undefined) throw new Error(`fixtures: cannot read quantity '${q}'`);
  return Number(m[1]) * factor;
}

/** Deterministic 0..1 from a string (FNV-1a); shared by the exporter and the seeds. */
export function hash01(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h / 0x100000000;
}

function choose<T>(xs: readonly T[], key: string): T {
  return xs[Math.floor(hash01(key) * xs.length)] as T;
}

/** `count` ages evenly from `first` down to `last` seconds (how a folded event's occurrences are spread). */
function spread(first: number, last: number, count: number): number[] {
  if (count <= 1) return [last];
  return Array.from({ length: count }, (_, i) => Math.round(first - (i * (first - last)) / (count - 1)));
}

/** Ages from `from` down to (not including) `to`, every `every` seconds. */
function every(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let age = from; age > to; age -= step) out.push(age);
  return out;
}

function seedPod(what: string, pred: (p: k8s.PodFixture) => boolean): k8s.PodFixture {
  const p = k8s.pods.find(pred);
  if (!p) throw new Error(`fixtures: the Kubernetes seed has no ${what}`);
  return p;
}

/** The first pod of a workload in a state (Running by default). */
function podOf(namespace: string, workload: string, state: k8s.PodState = 'Running'): k8s.PodFixture {
  return seedPod(
    `${state} pod of ${namespace}/${workload}`,
    (p) => p.namespace === namespace && p.workload?.name === workload && p.state === state,
  );
}

function seedEvent(kind: string, name: string, reason: string): k8s.EventFixture {
  const e = k8s.events.find(
    (x) => x.involved.kind === kind && x.involved.name === name && x.reason === reason,
  );
  if (!e) throw new Error(`fixtures: the Kubernetes seed has no ${reason} event for ${kind} ${name}`);
  return e;
}

function seedDeployment(namespace: string, name: string): k8s.WorkloadFixture {
  const d = k8s.deployments.find((x) => x.namespace === namespace && x.name === name);
  if (!d) throw new Error(`fixtures: the Kubernetes seed has no Deployment ${namespace}/${name}`);
  return d;
}

/** The image tag of a container (`ghcr.io/example/api:1.8.0` → `1.8.0`). */
const tagOf = (image: string): string => image.slice(image.lastIndexOf(':') + 1);

// ---------------------------------------------------------------------------------------------------------------
// The cluster the metrics and logs describe: the Kubernetes seed's
// ---------------------------------------------------------------------------------------------------------------

/** The DaemonSet that ships logs and node metrics (Grafana Alloy); nodes without its pod have neither. */
const AGENT_DAEMONSET = 'alloy';
const agentNodes = new Set(
  k8s.pods
    .filter((p) => p.workload?.kind === 'DaemonSet' && p.workload.name === AGENT_DAEMONSET)
    .map((p) => p.node),
);

export interface ClusterNode {
  name: string;
  role: string;
  ready: boolean;
  /** Seconds before the anchor at which the node went NotReady (its Ready condition's transition). */
  notReadySinceSeconds?: number;
  /** Seconds before the anchor since which MemoryPressure is true. */
  memoryPressureSinceSeconds?: number;
  cordoned: boolean;
  cpus: number;
  memoryBytes: number;
  ephemeralStorageBytes: number;
  internalIP: string;
  kubeletVersion: string;
  osImage: string;
  kernelVersion: string;
  containerRuntimeVersion: string;
  /** metrics-server's live usage; absent when it cannot scrape the node. */
  usage?: { cpuCores: number; memoryBytes: number };
  /** Runs the log and node-metrics agent, so it has node-exporter series and shipped logs. */
  agent: boolean;
}

export const NODES: readonly ClusterNode[] = k8s.nodes.map((n) => {
  const node: ClusterNode = {
    name: n.name,
    role: n.roles[0] ?? 'worker',
    ready: n.ready,
    cordoned: n.cordoned,
    cpus: quantity(n.capacity.cpu),
    memoryBytes: quantity(n.capacity.memory),
    ephemeralStorageBytes: quantity(n.capacity['ephemeral-storage']),
    internalIP: n.internalIP,
    kubeletVersion: n.nodeInfo.kubeletVersion,
    osImage: n.nodeInfo.osImage,
    kernelVersion: n.nodeInfo.kernelVersion,
    containerRuntimeVersion: n.nodeInfo.containerRuntimeVersion,
    agent: agentNodes.has(n.name),
  };
  if (n.notReady) node.notReadySinceSeconds = n.notReady.sinceAgoSec;
  if (n.memoryPressure)
    node.memoryPressureSinceSeconds = seedEvent('Node', n.name, 'NodeHasInsufficientMemory').lastAgoSec;
  if (n.usage) node.usage = { cpuCores: quantity(n.usage.cpu), memoryBytes: quantity(n.usage.memory) };
  return node;
});

export interface ClusterContainer {
  name: string;
  /** The pod's first container: the one whose state the seed describes. */
  main: boolean;
  /** Working-set memory around which the series moves (metrics-server's usage when it has one). */
  memoryBytes: number;
  /** CPU cores used on average. */
  cpuCores: number;
  requestMemoryBytes: number;
}

export interface ClusterPod {
  namespace: string;
  name: string;
  /** app.kubernetes.io/name, or the Job's name without its schedule suffix. */
  app: string;
  /** Absent while unscheduled. */
  node?: string;
  podIP?: string;
  state: k8s.PodState;
  /** Phase at the anchor (a terminal pod ran before `endedSinceSeconds`). */
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  ownerKind?: string;
  ownerName?: string;
  /** Seconds before the anchor the pod was created (no series before). */
  createdSinceSeconds: number;
  /** Terminal pods: seconds before the anchor they stopped (Running until then). */
  endedSinceSeconds?: number;
  restarts: number;
  lastTermination?: { reason: string; sinceSeconds: number };
  /** Waiting reason of the main container. */
  waitingReason?: string;
  /** The main container is ready (the others are whenever the pod runs). */
  ready: boolean;
  /** Running but not ready: seconds before the anchor since when (its node went NotReady, or its probe fails). */
  notReadySinceSeconds?: number;
  containers: ClusterContainer[];
}

/** When a terminal pod stopped: its Evicted event or its Job's last event. */
function endedAgo(p: k8s.PodFixture): number {
  const e = k8s.events.find(
    (x) =>
      (x.involved.kind === 'Pod' && x.involved.name === p.name && x.reason === 'Evicted') ||
      (x.involved.kind === 'Job' &&
        x.involved.name === p.owner?.name &&
        ['Completed', 'BackoffLimitExceeded'].includes(x.reason)),
  );
  return e ? e.lastAgoSec : Math.max(0, p.startedAgoSec - 5 * MINUTE);
}

function clusterPod(p: k8s.PodFixture): ClusterPod {
  const info = k8s.POD_STATES[p.state];
  const jobName = p.labels['job-name'];
  const pod: ClusterPod = {
    namespace: p.namespace,
    name: p.name,
    app:
      p.labels['app.kubernetes.io/name'] ?? jobName?.replace(/-\d+$/, '') ?? p.containers[0]?.name ?? p.name,
    state: p.state,
    phase: info.phase,
    createdSinceSeconds: p.startedAgoSec,
    restarts: p.restarts,
    ready: info.ready,
    containers: p.containers.map((ct, i) => {
      const key = `${p.namespace}/${p.name}/${ct.name}`;
      const usage = p.usage?.[ct.name];
      return {
        name: ct.name,
        main: i === 0,
        memoryBytes: usage ? quantity(usage.memory) : Math.round((24 + 200 * hash01(`${key}/mem`)) * MiB),
        cpuCores: usage ? quantity(usage.cpu) : 0.002 + Math.round(50 * hash01(`${key}/cpu`)) / 1000,
        requestMemoryBytes: quantity(ct.requests.memory),
      };
    }),
  };
  if (p.node) pod.node = p.node;
  if (p.podIP) pod.podIP = p.podIP;
  if (p.owner) {
    pod.ownerKind = p.owner.kind;
    pod.ownerName = p.owner.name;
  }
  if (!info.active) pod.endedSinceSeconds = endedAgo(p);
  if (p.lastTermination)
    pod.lastTermination = { reason: p.lastTermination.reason, sinceSeconds: p.lastTermination.agoSec };
  if (info.waitingReason) pod.waitingReason = info.waitingReason;
  if (p.state === 'NotReady') {
    const nodeDown = k8s.nodes.find((n) => n.name === p.node)?.notReady;
    const probe = k8s.events.find((e) => e.involved.name === p.name && e.reason === 'Unhealthy');
    pod.notReadySinceSeconds = nodeDown?.sinceAgoSec ?? probe?.firstAgoSec ?? p.startedAgoSec;
  }
  return pod;
}

/** Every pod of the base seed (the large `scale-*` seed has no metrics or logs). */
export const PODS: readonly ClusterPod[] = k8s.pods.map(clusterPod);

export function podByName(name: string): ClusterPod {
  const p = PODS.find((x) => x.name === name);
  if (!p) throw new Error(`fixtures: no pod ${name}`);
  return p;
}

/** Deployments as kube-state-metrics reports them. */
export interface DeploymentFixture {
  namespace: string;
  name: string;
  replicas: number;
  available: number;
}

export const DEPLOYMENTS: readonly DeploymentFixture[] = k8s.deployments.map((d) => ({
  namespace: d.namespace,
  name: d.name,
  replicas: d.desired,
  available: d.available,
}));

// ---------------------------------------------------------------------------------------------------------------
// The crash loop: the seed's CrashLoopBackOff pod, OOMKilled again and again since its rollout
// ---------------------------------------------------------------------------------------------------------------

export interface CrashLoopFixture {
  pod: ClusterPod;
  container: string;
  image: string;
  /** Seconds before the anchor of each start, oldest first: restarts + 1 of them. */
  starts: number[];
  /** How long each run lasts before it dies. */
  runSeconds: number;
  /** How each run ended: the kernel's OOM kill, or a panic (exit 2). The last is the seed's last termination. */
  endings: ('OOMKilled' | 'Error')[];
  /** Working set just before an OOM kill. */
  peakMemoryBytes: number;
}

function crashLoop(): CrashLoopFixture {
  const seedP = seedPod('pod in CrashLoopBackOff', (p) => p.state === 'CrashLoopBackOff');
  const last = seedP.lastTermination;
  if (!last) throw new Error(`fixtures: ${seedP.name} has no last termination`);
  const runSeconds = 40;
  // The kubelet's Started events span the starts; the last run ends at the seed's last termination.
  const started = seedEvent('Pod', seedP.name, 'Started');
  const starts = spread(started.firstAgoSec, last.agoSec + runSeconds, seedP.restarts + 1);
  return {
    pod: clusterPod(seedP),
    container: seedP.containers[0]?.name ?? seedP.name,
    image: seedP.containers[0]?.image ?? '',
    starts,
    runSeconds,
    endings: starts.map((_, k) =>
      k === starts.length - 1 ? (last.reason as 'OOMKilled') : k % 3 === 2 ? 'Error' : 'OOMKilled',
    ),
    peakMemoryBytes: Math.round(2.1 * GiB),
  };
}

export const CRASH_LOOP: CrashLoopFixture = crashLoop();

/** The crash loop `ageSec` seconds before the anchor (negative: after it; the container then stays in back-off). */
export function crashLoopAt(ageSec: number): {
  restarts: number;
  /** Share of the current run that has passed, while a run is under way. */
  running?: number;
  lastEnding?: 'OOMKilled' | 'Error';
} {
  const { starts, runSeconds, endings } = CRASH_LOOP;
  let begun = 0;
  for (const s of starts) if (s >= ageSec) begun++;
  const out: ReturnType<typeof crashLoopAt> = { restarts: Math.max(0, begun - 1) };
  const current = starts[begun - 1];
  if (current !== undefined && current - ageSec < runSeconds) out.running = (current - ageSec) / runSeconds;
  for (let k = starts.length - 1; k >= 0; k--) {
    if ((starts[k] as number) - runSeconds >= ageSec) {
      out.lastEnding = endings[k];
      break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Flux objects and certificates as the exporter reports them
// ---------------------------------------------------------------------------------------------------------------

/** Seconds before the seed of an object's Ready transition (its status rendered with a clock that echoes ages). */
function readySince(f: k8s.FluxFixture): number {
  const status = f.status({ t: (ago) => String(ago), generation: 1, imageFlavor: 'v1' });
  const conditions = (status.conditions ?? []) as { type: string; lastTransitionTime: string }[];
  const ready = conditions.find((c) => c.type === 'Ready');
  return ready ? Number(ready.lastTransitionTime) : 0;
}

export interface FluxObjectFixture {
  kind: k8s.FluxKind;
  group: string;
  version: string;
  namespace: string;
  name: string;
  ready: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  suspended: boolean;
  revision?: string;
  /** spec.interval. */
  interval: string;
  /** Seconds before the anchor since which Ready has its current status. */
  readySinceSeconds: number;
}

export const FLUX_OBJECTS: readonly FluxObjectFixture[] = k8s.fluxObjects.map((f) => {
  const kind = k8s.FLUX_KINDS[f.kind];
  const o: FluxObjectFixture = {
    kind: f.kind,
    group: kind.group,
    version: kind.version,
    namespace: f.namespace,
    name: f.name,
    ready: f.ready,
    reason: f.reason,
    message: f.message,
    suspended: f.suspended,
    interval: String(f.spec.interval ?? '10m0s'),
    readySinceSeconds: readySince(f),
  };
  const revision = f.lastAppliedRevision ?? f.revision ?? f.lastAttemptedRevision;
  if (revision) o.revision = revision;
  return o;
});

/** Appliers whose reconciliation fails (Ready=False, not suspended): FluxReconciliationFailure fires for them. */
export const FAILING_FLUX: readonly FluxObjectFixture[] = FLUX_OBJECTS.filter(
  (f) => (f.kind === 'Kustomization' || f.kind === 'HelmRelease') && f.ready === 'False' && !f.suspended,
);

/** cert-manager's Certificates (the exporter publishes their expiry and readiness). */
export const CERTIFICATES: readonly k8s.CertificateFixture[] = k8s.certificates;
/** CertificateExpiringSoon fires for certificates that expire within this many days. */
export const CERT_EXPIRY_ALERT_DAYS = 7;

// ---------------------------------------------------------------------------------------------------------------
// Node filesystems, application traffic, volumes
// ---------------------------------------------------------------------------------------------------------------

/** Filesystems exported per node by the node-exporter job. */
export interface FilesystemFixture {
  node: string;
  mountpoint: string;
  device: string;
  fstype: string;
  sizeBytes: number;
  /** Free share 7 days before the anchor. */
  availShareWeekAgo: number;
  /** Free share from the anchor on (moves a little around it). */
  availShare: number;
}

/** The media library disk, on the node that runs the media server: almost full. */
const mediaServer = podOf('media', 'jellyfin');

export const FILESYSTEMS: readonly FilesystemFixture[] = [
  ...NODES.filter((n) => n.agent).map(
    (n): FilesystemFixture => ({
      node: n.name,
      mountpoint: '/',
      device: '/dev/sda2',
      fstype: 'ext4',
      sizeBytes: n.ephemeralStorageBytes,
      availShareWeekAgo: 0.5 + Math.round(300 * hash01(`${n.name}:/`)) / 1000,
      availShare: 0.48 + Math.round(300 * hash01(`${n.name}:/`)) / 1000,
    }),
  ),
  {
    node: mediaServer.node as string,
    mountpoint: '/mnt/media',
    device: '/dev/sdb1',
    fstype: 'xfs',
    sizeBytes: 4 * TiB,
    availShareWeekAgo: 0.12,
    availShare: 0.025,
  },
];

/** Services behind http_requests_total (job "apps"); `errorShare` is the 5xx share of requests. */
export interface HttpServiceFixture {
  namespace: string;
  service: string;
  port: number;
  rps: number;
  errorShare: number;
  /** 5xx share before `errorsSinceSeconds`. */
  errorShareBefore: number;
  /** Seconds before the anchor since which `errorShare` holds. */
  errorsSinceSeconds: number;
  p50Seconds: number;
}

function httpService(
  namespace: string,
  name: string,
  traffic: Omit<HttpServiceFixture, 'namespace' | 'service' | 'port'>,
): HttpServiceFixture {
  const d = seedDeployment(namespace, name);
  return { namespace, service: d.name, port: d.containers[0]?.port ?? 8080, ...traffic };
}

/**
 * The frontend calls the api; since the api's new revision started crash looping, the frontend's requests that
 * land on it while it dies fail with 502 (its log names the crash-looping pod's IP).
 */
export const HTTP_SERVICES: readonly HttpServiceFixture[] = [
  // 12 %: the request rates wave by ±30 %, so the 5xx share stays above the alert's 5 % at every moment.
  httpService('apps', 'frontend', {
    rps: 24,
    errorShare: 0.12,
    errorShareBefore: 0.003,
    errorsSinceSeconds: CRASH_LOOP.starts[0] as number,
    p50Seconds: 0.045,
  }),
  httpService('apps', CRASH_LOOP.pod.app, {
    rps: 9,
    errorShare: 0.004,
    errorShareBefore: 0.004,
    errorsSinceSeconds: 0,
    p50Seconds: 0.12,
  }),
  httpService('apps', 'podinfo', {
    rps: 3,
    errorShare: 0.001,
    errorShareBefore: 0.001,
    errorsSinceSeconds: 0,
    p50Seconds: 0.004,
  }),
];

/** PersistentVolumeClaims of StatefulSet pods (`data-<pod>`), exported by the kubelet of their node. */
export interface VolumeFixture {
  namespace: string;
  persistentvolumeclaim: string;
  node: string;
  capacityBytes: number;
  availShare: number;
}

function volume(
  namespace: string,
  statefulSet: string,
  capacityGiB: number,
  availShare: number,
): VolumeFixture {
  const p = podOf(namespace, statefulSet);
  return {
    namespace,
    persistentvolumeclaim: `data-${p.name}`,
    node: p.node as string,
    capacityBytes: capacityGiB * GiB,
    availShare,
  };
}

export const VOLUMES: readonly VolumeFixture[] = [
  volume('monitoring', 'prometheus', 50, 0.08),
  volume('monitoring', 'loki', 30, 0.35),
  volume('apps', 'postgres', 20, 0.61),
];

// ---------------------------------------------------------------------------------------------------------------
// Prometheus scrape targets (prometheus.yml is generated from this list, and history is backfilled for it)
// ---------------------------------------------------------------------------------------------------------------

export type TargetKind =
  | 'prometheus'
  | 'alertmanager'
  | 'ksm'
  | 'node'
  | 'kubelet'
  | 'apiserver'
  | 'cert-manager'
  | 'apps'
  | 'broken';

export interface ScrapeTarget {
  job: string;
  kind: TargetKind;
  /** host:port actually scraped. */
  address: string;
  metricsPath: string;
  params?: Record<string, string>;
  /** Target labels added by Prometheus (instance overrides the address, like kube-prometheus relabelling does). */
  labels: Record<string, string>;
  /** Node the target runs on (node-exporter, kubelet). */
  node?: string;
  /** Always fails its scrape (HTTP 500): up == 0. */
  broken?: boolean;
}

const EXPORTER = `127.0.0.1:${PORTS.exporter}`;
const controlPlane = NODES.find((n) => n.role === 'control-plane') ?? (NODES[0] as ClusterNode);
const podIP = (p: k8s.PodFixture): string => p.podIP ?? '0.0.0.0';

export const SCRAPE_TARGETS: readonly ScrapeTarget[] = [
  // The sandbox's own Prometheus and Alertmanager play the cluster's.
  {
    job: 'prometheus',
    kind: 'prometheus',
    address: `127.0.0.1:${PORTS.prometheus}`,
    metricsPath: '/metrics',
    labels: { instance: `${podIP(podOf('monitoring', 'prometheus'))}:9090` },
  },
  {
    job: 'alertmanager',
    kind: 'alertmanager',
    address: `127.0.0.1:${PORTS.alertmanager}`,
    metricsPath: '/metrics',
    labels: { instance: `${podIP(podOf('monitoring', 'alertmanager'))}:9093` },
  },
  {
    job: 'kube-state-metrics',
    kind: 'ksm',
    address: EXPORTER,
    metricsPath: '/metrics/kube-state-metrics',
    labels: { instance: `${podIP(podOf('monitoring', 'kube-state-metrics'))}:8080` },
  },
  // The agent's embedded node exporter, job renamed so the kube-prometheus rules apply; only where it runs.
  ...NODES.filter((n) => n.agent).map(
    (n): ScrapeTarget => ({
      job: 'node-exporter',
      kind: 'node',
      address: EXPORTER,
      metricsPath: '/metrics/node-exporter',
      params: { node: n.name },
      labels: { instance: n.name },
      node: n.name,
    }),
  ),
  ...NODES.map(
    (n): ScrapeTarget => ({
      job: 'kubelet',
      kind: 'kubelet',
      address: EXPORTER,
      metricsPath: '/metrics/cadvisor',
      params: { node: n.name },
      labels: { instance: `${n.internalIP}:10250`, node: n.name },
      node: n.name,
    }),
  ),
  {
    job: 'apiserver',
    kind: 'apiserver',
    address: EXPORTER,
    metricsPath: '/metrics/apiserver',
    labels: { instance: `${controlPlane.internalIP}:6443` },
  },
  {
    job: 'cert-manager',
    kind: 'cert-manager',
    address: EXPORTER,
    metricsPath: '/metrics/cert-manager',
    labels: { instance: `${podIP(podOf('cert-manager', 'cert-manager'))}:9402` },
  },
  ...HTTP_SERVICES.map(
    (s): ScrapeTarget => ({
      job: 'apps',
      kind: 'apps',
      address: EXPORTER,
      metricsPath: '/metrics/apps',
      params: { service: `${s.namespace}/${s.service}` },
      labels: { instance: `${s.service}.${s.namespace}.svc:${s.port}` },
    }),
  ),
  // Always answers HTTP 500: up == 0 with a real scrape error, like a broken exporter on the LAN (outside the
  // cluster: the NAS the backups go to).
  {
    job: 'legacy-nas',
    kind: 'broken',
    address: EXPORTER,
    metricsPath: '/metrics/broken',
    labels: { instance: 'nas.home.lan:9100' },
    broken: true,
  },
];

/**
 * Metric names the exporter publishes, with the label names they carry besides job/instance (kube-state-metrics
 * drops empty ones, e.g. `node` of an unscheduled pod, so each is carried by some series, not necessarily all).
 */
export const EXPORTER_SERIES: Readonly<Record<string, readonly string[]>> = {
  kube_node_info: [
    'node',
    'internal_ip',
    'kubelet_version',
    'os_image',
    'kernel_version',
    'container_runtime_version',
  ],
  kube_node_status_condition: ['node', 'condition', 'status'],
  kube_node_spec_unschedulable: ['node'],
  kube_node_status_capacity: ['node', 'resource', 'unit'],
  kube_pod_info: ['namespace', 'pod', 'node', 'pod_ip', 'created_by_kind', 'created_by_name'],
  kube_pod_status_phase: ['namespace', 'pod', 'phase'],
  kube_pod_container_status_ready: ['namespace', 'pod', 'container'],
  kube_pod_container_status_restarts_total: ['namespace', 'pod', 'container'],
  kube_pod_container_status_waiting_reason: ['namespace', 'pod', 'container', 'reason'],
  kube_pod_container_status_last_terminated_reason: ['namespace', 'pod', 'container', 'reason'],
  kube_deployment_spec_replicas: ['namespace', 'deployment'],
  kube_deployment_status_replicas_available: ['namespace', 'deployment'],
  gotk_resource_info: [
    'customresource_group',
    'customresource_kind',
    'customresource_version',
    'exported_namespace',
    'name',
    'ready',
    'suspended',
    'revision',
  ],
  node_cpu_seconds_total: ['cpu', 'mode'],
  node_memory_MemTotal_bytes: [],
  node_memory_MemAvailable_bytes: [],
  node_load1: [],
  node_load5: [],
  node_filesystem_size_bytes: ['device', 'fstype', 'mountpoint'],
  node_filesystem_avail_bytes: ['device', 'fstype', 'mountpoint'],
  node_filesystem_readonly: ['device', 'fstype', 'mountpoint'],
  container_memory_working_set_bytes: ['namespace', 'pod', 'container'],
  container_cpu_usage_seconds_total: ['namespace', 'pod', 'container'],
  kubelet_volume_stats_capacity_bytes: ['namespace', 'persistentvolumeclaim'],
  kubelet_volume_stats_available_bytes: ['namespace', 'persistentvolumeclaim'],
  apiserver_request_total: ['verb', 'resource', 'code'],
  apiserver_request_duration_seconds_bucket: ['verb', 'le'],
  apiserver_request_duration_seconds_sum: ['verb'],
  apiserver_request_duration_seconds_count: ['verb'],
  certmanager_certificate_expiration_timestamp_seconds: ['namespace', 'name', 'issuer_name', 'issuer_kind'],
  certmanager_certificate_renewal_timestamp_seconds: ['namespace', 'name', 'issuer_name', 'issuer_kind'],
  certmanager_certificate_ready_status: ['namespace', 'name', 'condition'],
  http_requests_total: ['namespace', 'service', 'method', 'code'],
  http_request_duration_seconds_bucket: ['namespace', 'service', 'le'],
  http_request_duration_seconds_sum: ['namespace', 'service'],
  http_request_duration_seconds_count: ['namespace', 'service'],
};

/** How far back the history of exporter series is backfilled into Prometheus. */
export const BACKFILL_DAYS = 7;

// ---------------------------------------------------------------------------------------------------------------
// Alerts (rules in sandbox/obs/rules.yml; routing in sandbox/obs/alertmanager.yml)
// ---------------------------------------------------------------------------------------------------------------

export interface AlertFixture {
  alertname: string;
  severity: 'critical' | 'warning' | 'info' | 'none';
  /** State in Prometheus. */
  promState: 'firing' | 'pending';
  /** State in Alertmanager (absent: never sent, because it is pending). */
  amState?: 'active' | 'suppressed';
  suppressedBy?: 'silence' | 'inhibition';
  /** Receiver the route picks. */
  receiver?: 'default' | 'critical' | 'null';
  /** Identifying labels (a subset of the alert's labels). */
  labels: Record<string, string>;
  /** The rendered summary annotation. */
  summary: string;
}

/**
 * The Deployment whose pod fails its readiness probe (Running, not ready): its replica mismatch is known and
 * silenced, while the other Deployments without available replicas alert.
 */
const silencedDeployment = (() => {
  const p = seedPod(
    'Deployment pod that is Running but not ready',
    (x) => x.state === 'NotReady' && x.workload?.kind === 'Deployment',
  );
  return seedDeployment(p.namespace, p.workload?.name ?? '');
})();

/** The silence up.sh keeps in Alertmanager (re-created when missing or expired). */
export const SILENCE = {
  matchers: [
    { name: 'alertname', value: 'KubeDeploymentReplicasMismatch', isRegex: false, isEqual: true },
    { name: 'namespace', value: silencedDeployment.namespace, isRegex: false, isEqual: true },
    { name: 'deployment', value: silencedDeployment.name, isRegex: false, isEqual: true },
  ],
  createdBy: 'cluster-mcp-sandbox',
  comment: `sandbox: ${silencedDeployment.namespace}/${silencedDeployment.name} fails its readiness probe, known and being fixed (silenced by sandbox/obs/up.sh)`,
  durationDays: 30,
} as const;

function silenced(labels: Record<string, string>): boolean {
  return SILENCE.matchers.every((m) => labels[m.name] === m.value);
}

const CRITICAL_FREE_PERCENT = 3;
const WARNING_FREE_PERCENT = 5;
const HTTP_ERROR_SHARE = 0.05;
const VOLUME_FREE_SHARE = 0.1;

/**
 * The alerts the rules produce when the scenario anchor is `elapsedSec` seconds old. Only certificate expiry
 * depends on it (a certificate enters the window as time passes, exactly like `certificatesExpiringWithin` of the
 * Kubernetes seed); everything else is the same at any age.
 */
export function expectedAlerts(elapsedSec = 0): AlertFixture[] {
  const alerts: AlertFixture[] = [];
  const warning = (alertname: string, labels: Record<string, string>, summary: string): AlertFixture => {
    const s = silenced({ alertname, ...labels });
    return {
      alertname,
      severity: 'warning',
      promState: 'firing',
      amState: s ? 'suppressed' : 'active',
      ...(s ? { suppressedBy: 'silence' as const } : {}),
      receiver: 'default',
      labels,
      summary,
    };
  };
  const { pod, container } = CRASH_LOOP;
  alerts.push(
    warning(
      'KubePodCrashLooping',
      { namespace: pod.namespace, pod: pod.name, container, job: 'kube-state-metrics' },
      `Pod ${pod.namespace}/${pod.name} (${container}) is crash looping.`,
    ),
  );
  for (const n of NODES.filter((x) => !x.ready)) {
    alerts.push(
      warning(
        'KubeNodeNotReady',
        { node: n.name, job: 'kube-state-metrics' },
        `Node ${n.name} is not ready.`,
      ),
    );
  }
  for (const d of DEPLOYMENTS.filter((x) => x.replicas > x.available)) {
    alerts.push(
      warning(
        'KubeDeploymentReplicasMismatch',
        { namespace: d.namespace, deployment: d.name, job: 'kube-state-metrics' },
        `Deployment ${d.namespace}/${d.name} has not matched the expected number of replicas.`,
      ),
    );
  }
  for (const c of k8s.certificatesExpiringWithin(CERT_EXPIRY_ALERT_DAYS, elapsedSec)) {
    alerts.push(
      warning(
        'CertificateExpiringSoon',
        { namespace: c.namespace, name: c.name, job: 'cert-manager' },
        `Certificate ${c.namespace}/${c.name} expires in less than ${CERT_EXPIRY_ALERT_DAYS} days.`,
      ),
    );
  }
  for (const f of FAILING_FLUX) {
    alerts.push(
      warning(
        'FluxReconciliationFailure',
        { namespace: f.namespace, name: f.name, kind: f.kind },
        `${f.kind} ${f.namespace}/${f.name} is not ready: reconciliation failing.`,
      ),
    );
  }
  for (const fs of FILESYSTEMS) {
    const free = fs.availShare * 100;
    const labels = { instance: fs.node, mountpoint: fs.mountpoint, job: 'node-exporter' };
    const critical = free < CRITICAL_FREE_PERCENT;
    if (critical) {
      alerts.push({
        alertname: 'NodeFilesystemAlmostOutOfSpace',
        severity: 'critical',
        promState: 'firing',
        amState: 'active',
        receiver: 'critical',
        labels,
        summary: `Filesystem ${fs.mountpoint} on ${fs.node} has less than ${CRITICAL_FREE_PERCENT}% space left.`,
      });
    }
    if (free < WARNING_FREE_PERCENT) {
      alerts.push({
        alertname: 'NodeFilesystemAlmostOutOfSpace',
        severity: 'warning',
        promState: 'firing',
        amState: critical ? 'suppressed' : 'active',
        ...(critical ? { suppressedBy: 'inhibition' as const } : {}),
        receiver: 'default',
        labels,
        summary: `Filesystem ${fs.mountpoint} on ${fs.node} has less than ${WARNING_FREE_PERCENT}% space left.`,
      });
    }
  }
  for (const s of HTTP_SERVICES.filter((x) => x.errorShare > HTTP_ERROR_SHARE)) {
    alerts.push({
      alertname: 'HTTPHighErrorRate',
      severity: 'critical',
      promState: 'firing',
      amState: 'active',
      receiver: 'critical',
      labels: { namespace: s.namespace, service: s.service },
      summary: `More than ${HTTP_ERROR_SHARE * 100}% of requests to ${s.namespace}/${s.service} fail with 5xx.`,
    });
  }
  alerts.push({
    alertname: 'Watchdog',
    severity: 'none',
    promState: 'firing',
    amState: 'active',
    receiver: 'null',
    labels: {},
    summary: 'An alert that should always be firing to certify that Alertmanager is working properly.',
  });
  for (const v of VOLUMES.filter((x) => x.availShare < VOLUME_FREE_SHARE)) {
    alerts.push({
      alertname: 'KubePersistentVolumeFillingUp',
      severity: 'warning',
      promState: 'pending',
      labels: { namespace: v.namespace, persistentvolumeclaim: v.persistentvolumeclaim, job: 'kubelet' },
      summary: `PersistentVolume ${v.namespace}/${v.persistentvolumeclaim} is filling up.`,
    });
  }
  return alerts;
}

/** The alerts of a fresh scenario; use `expectedAlerts(elapsed)` for a sandbox that has been up for days. */
export const ALERTS: readonly AlertFixture[] = expectedAlerts(0);

export const ALERTMANAGER_RECEIVERS = ['default', 'critical', 'null'] as const;

// ---------------------------------------------------------------------------------------------------------------
// Loki: log streams pushed by sandbox/obs/seed-logs.ts
// ---------------------------------------------------------------------------------------------------------------

export interface LogEntryFixture {
  /** Seconds before the seed time. */
  ageSeconds: number;
  line: string;
}

export interface LogStreamFixture {
  tenant: string;
  labels: Record<string, string>;
  entries: LogEntryFixture[];
}

// Lines carry no timestamps of their own (Loki's entry time is the time): they stay the same for any seed time.

export const SECRET_PASSWORD_LINE =
  'level=debug msg="loaded configuration" db_host=postgres.apps.svc db_user=api password=hunter2 pool_size=10';
export const BEARER_TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZG1pbiIsImV4cCI6MTcwMDAwMDAwMH0.c2FuZGJveC1ub3QtYS1yZWFsLXNpZ25hdHVyZQ';
export const BEARER_LINE = `level=warn msg="rejected request" method=GET path=/admin status=401 header="Authorization: Bearer ${BEARER_TOKEN}"`;
export const QUOTES_LINE =
  'level=info msg="webhook payload" body={"user":"alice","note":"say \\"hi\\" {now}"}';
export const PANIC_LINES = [
  'panic: runtime error: invalid memory address or nil pointer dereference',
  '[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x6b2f4d]',
  'goroutine 1 [running]:',
  'main.(*CatalogCache).Load(0x0, {0xc0001a2000, 0x24})',
  '\t/src/api/catalog/cache.go:142 +0x2d',
];
/** What the crash-looping container logs before each OOM kill (the kernel kills it; it cannot log more). */
export const OOM_MESSAGE = 'memory usage high';
export const OOM_LINE = `level=warn msg="${OOM_MESSAGE}" heap_mb=1893 sys_mb=2011 catalogue_items=184213`;
export const LONG_LINE = `level=info msg="cache warmup finished" keys=${Array.from({ length: 400 }, (_, i) => `sku-${String(i).padStart(5, '0')}`).join(',')}`;
/** What the failed backup Job's pod logs; the ntfy "Backup FAILED" message quotes it. */
export const BACKUP_ERROR =
  'Fatal: unable to open repository at s3:https://s3.home.lan/backups: Get "https://s3.home.lan/backups/?location=": dial tcp 10.0.10.40:443: i/o timeout';

/** Stream labels of a pod's container, as the agent sets them. */
function podStream(p: k8s.PodFixture, container: string): Record<string, string> {
  const cp = podByName(p.name);
  return {
    namespace: p.namespace,
    pod: p.name,
    container,
    app: cp.app,
    job: `${p.namespace}/${cp.app}`,
    node: p.node ?? '',
  };
}

const nodeStream = (node: string, unit: 'kernel' | 'kubelet.service'): Record<string, string> => ({
  job: unit === 'kernel' ? 'node/kernel' : 'node/kubelet',
  node,
  unit,
});

/** Regular lines every `everySeconds` over `hours`, generated from a template list. */
function periodic(
  key: string,
  hours: number,
  everySeconds: number,
  lines: readonly string[],
  newestAge = 30,
): LogEntryFixture[] {
  const out: LogEntryFixture[] = [];
  for (let age = newestAge; age < hours * HOUR; age += everySeconds) {
    const jitter = Math.floor(hash01(`${key}:${age}`) * Math.min(everySeconds / 2, 120));
    out.push({ ageSeconds: age + jitter, line: choose(lines, `${key}:line:${age}`) });
  }
  return out;
}

const at = (
  ages: readonly number[],
  line: string | ((age: number, i: number) => string),
): LogEntryFixture[] =>
  ages.map((ageSeconds, i) => ({ ageSeconds, line: typeof line === 'string' ? line : line(ageSeconds, i) }));

/** A Flux controller's JSON log line (controller-runtime's fields, without the timestamp). */
function fluxLine(
  level: 'info' | 'error',
  msg: string,
  f: FluxObjectFixture,
  age: number,
  extra: Record<string, string> = {},
): string {
  return JSON.stringify({
    level,
    msg,
    controller: f.kind.toLowerCase(),
    controllerGroup: f.group,
    controllerKind: f.kind,
    [f.kind]: { name: f.name, namespace: f.namespace },
    namespace: f.namespace,
    name: f.name,
    reconcileID: k8s.fakeUid(`reconcile/${f.kind}/${f.namespace}/${f.name}/${age}`),
    ...extra,
  });
}

function parseGoDurationSeconds(d: string): number {
  let total = 0;
  for (const m of d.matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g))
    total += Number(m[1]) * { h: 3600, m: 60, s: 1 }[m[2] as 'h'];
  return total || 600;
}

/** When a failing Flux object logged its error: its Warning event's occurrences, else every retry since it failed. */
function fluxErrorAges(f: FluxObjectFixture): number[] {
  const e = k8s.events.find(
    (x) => x.involved.kind === f.kind && x.involved.name === f.name && x.involved.namespace === f.namespace,
  );
  if (e) return spread(e.firstAgoSec, e.lastAgoSec, e.count);
  const retry = Math.min(parseGoDurationSeconds(f.interval), 10 * MINUTE);
  return every(f.readySinceSeconds, 0, retry);
}

function fluxStream(controller: string, kinds: readonly k8s.FluxKind[]): LogStreamFixture {
  const pod = podOf('flux-system', controller);
  const entries: LogEntryFixture[] = [];
  for (const f of FLUX_OBJECTS.filter((x) => kinds.includes(x.kind))) {
    if (f.ready === 'False') {
      const msg =
        f.kind === 'Kustomization' ? `Reconciliation failed, next try in ${f.interval}` : 'Reconciler error';
      entries.push(
        ...at(fluxErrorAges(f), (age) =>
          fluxLine('error', msg, f, age, {
            ...(f.revision ? { revision: f.revision } : {}),
            error: f.message,
          }),
        ),
      );
    } else if (f.ready === 'True' && !f.suspended) {
      const step = Math.max(parseGoDurationSeconds(f.interval), 10 * MINUTE);
      const msg =
        f.kind === 'Kustomization'
          ? `Reconciliation finished, next run in ${f.interval}`
          : f.kind === 'GitRepository'
            ? `no changes since last reconcilation: observed revision '${f.revision}'`
            : f.kind === 'HelmRelease'
              ? 'release in-sync with desired state'
              : f.message;
      const ages = every(6 * HOUR, 0, step).map((a) => a - Math.floor(hash01(`${f.name}:${a}`) * 60));
      entries.push(
        ...at(ages, (age) => fluxLine('info', msg, f, age, f.revision ? { revision: f.revision } : {})),
      );
    }
  }
  return { tenant: LOKI_DEFAULT_TENANT, labels: podStream(pod, 'manager'), entries };
}

/** A kubelet log line in its JSON format (without the timestamp) about a pod. */
function kubeletLine(caller: string, msg: string, p: k8s.PodFixture, fields: Record<string, string>): string {
  return JSON.stringify({
    v: 0,
    caller,
    msg,
    pod: { name: p.name, namespace: p.namespace },
    podUID: k8s.fakeUid(`${p.namespace}/${p.name}`),
    ...fields,
  });
}

/** The error string of the kubelet's "Error syncing pod" for a container that cannot start. */
const startError = (container: string, reason: string, message: string): string =>
  `failed to "StartContainer" for "${container}" with ${reason}: ${JSON.stringify(message)}`;

function buildLogStreams(): LogStreamFixture[] {
  const t = LOKI_DEFAULT_TENANT;
  const crash = CRASH_LOOP;
  const crashSeed = seedPod(crash.pod.name, (p) => p.name === crash.pod.name);
  const crashEnds = crash.starts.map((s) => s - crash.runSeconds);
  const apiRunning = k8s.pods.filter(
    (p) => p.namespace === crash.pod.namespace && p.workload?.name === crash.pod.app && p.state === 'Running',
  );
  const [apiA, apiB] = apiRunning as [k8s.PodFixture, k8s.PodFixture];
  const frontend = podOf('apps', 'frontend');
  const frontendPulling = podOf('apps', 'frontend', 'ImagePullBackOff');
  const configError = seedPod(
    'pod with CreateContainerConfigError',
    (p) => p.state === 'CreateContainerConfigError',
  );
  const redisDown = podOf('apps', 'redis', 'Unschedulable');
  const redisDownSince = seedEvent('Pod', redisDown.name, 'FailedScheduling').firstAgoSec;
  const grafana = podOf('monitoring', 'grafana', 'NotReady');
  const evicted = seedPod('Evicted pod', (p) => p.state === 'Evicted');
  const migrate = seedPod('succeeded Job pod', (p) => p.state === 'Succeeded' && p.owner?.kind === 'Job');
  const backup = seedPod('failed Job pod', (p) => p.state === 'Failed' && p.owner?.kind === 'Job');
  const homeAssistant = podOf('home', 'home-assistant');
  const zigbee = seedPod(
    'unschedulable zigbee2mqtt pod',
    (p) => p.state === 'Unschedulable' && p.namespace === 'home',
  );
  const lokiPod = podOf('monitoring', 'loki');
  const crashNode = crash.pod.node as string;
  const oomNode = NODES.find((n) => n.name === crashNode) as ClusterNode;
  const crashRequest = crash.pod.containers[0]?.requestMemoryBytes ?? 256 * MiB;
  const oomScoreAdj = Math.min(
    999,
    Math.max(2, Math.round(1000 - (1000 * crashRequest) / oomNode.memoryBytes)),
  );

  // --- the api: two pods of the old revision serve; the new one crash loops
  const apiLines = [
    'level=info msg="request handled" method=GET route=/v1/products status=200 duration_ms=18',
    'level=info msg="request handled" method=GET route=/v1/products/{id} status=200 duration_ms=9',
    'level=info msg="request handled" method=POST route=/v1/cart status=201 duration_ms=31',
    'level=info msg="cache refreshed" entries=1824 duration_ms=212',
  ];
  // redis-2 cannot be scheduled, so its DNS record is gone and the cart calls that hash to it fail.
  const redisHost = `${redisDown.name}.${redisDown.workload?.name}.${redisDown.namespace}.svc.cluster.local`;
  const apiErrors = [
    `level=error msg="request failed" method=POST route=/v1/cart status=503 duration_ms=4 err="dial tcp: lookup ${redisHost}: no such host"`,
    `level=warn msg="cache unavailable, falling back to postgres" key=cart:7Qm2 err="dial tcp: lookup ${redisHost}: no such host"`,
  ];
  const crashEntries: LogEntryFixture[] = [];
  const version = tagOf(crash.image);
  const crashPort = crashSeed.containers[0]?.port ?? 8080;
  crash.starts.forEach((start, k) => {
    const end = crashEnds[k] as number;
    crashEntries.push(
      {
        ageSeconds: start,
        line: `level=info msg="starting ${crash.pod.app}" version=${version} go=go1.25.4`,
      },
      {
        ageSeconds: start - 2,
        line: 'level=info msg="connected to postgres" host=postgres.apps.svc:5432 db=shop',
      },
      {
        ageSeconds: start - 5,
        line: 'level=info msg="loading catalogue into memory" items=184213 mode=eager',
      },
    );
    if (crash.endings[k] === 'Error') {
      for (const line of PANIC_LINES) crashEntries.push({ ageSeconds: end, line });
    } else {
      crashEntries.push({ ageSeconds: end + 10, line: OOM_LINE });
    }
  });

  // --- the frontend: requests that reach the dying api pod fail with 502
  const frontendLines = [
    '/',
    '/products',
    '/products/42',
    '/cart',
    '/checkout',
    '/static/app.js',
    '/healthz',
  ].map(
    (p) =>
      `192.168.1.${Math.floor(hash01(p) * 200) + 10} "GET ${p} HTTP/1.1" 200 ${Math.floor(hash01(`${p}b`) * 9000) + 200} "-" "Mozilla/5.0 (X11; Linux x86_64)"`,
  );
  const frontendErrors = crashEnds
    .filter((a) => a < 6 * HOUR)
    .flatMap((age): LogEntryFixture[] => [
      {
        ageSeconds: age,
        line: '192.168.1.23 "POST /cart HTTP/1.1" 502 157 "-" "Mozilla/5.0 (X11; Linux x86_64)"',
      },
      {
        ageSeconds: age,
        line: `[error] 29#29: *1841 upstream prematurely closed connection while reading response header from upstream, client: 192.168.1.23, server: shop.home.example.net, request: "POST /cart HTTP/1.1", upstream: "http://${crash.pod.podIP}:${crashPort}/v1/cart"`,
      },
    ]);

  // --- Flux: the controllers' errors are the failing objects' messages, at the times of their events
  const kustomize = fluxStream('kustomize-controller', ['Kustomization']);
  const helm = fluxStream('helm-controller', ['HelmRelease']);
  const source = fluxStream('source-controller', ['GitRepository', 'HelmRepository', 'OCIRepository']);
  const reflector = fluxStream('image-reflector-controller', ['ImageRepository', 'ImagePolicy']);
  const automation = fluxStream('image-automation-controller', ['ImageUpdateAutomation']);

  // --- cert-manager: the seeded issuance failures
  const certLine = (c: k8s.CertificateFixture, error: string): string =>
    JSON.stringify({
      level: 'error',
      logger: 'cert-manager.controller',
      msg: 're-queuing item due to error processing',
      controller: 'certificates-issuing',
      key: `${c.namespace}/${c.name}`,
      error,
    });
  const certEntries: LogEntryFixture[] = [];
  for (const c of CERTIFICATES.filter((x) => x.failedIssuanceAttempts && x.lastFailureAgoSec !== undefined)) {
    const last = c.lastFailureAgoSec as number;
    const event = k8s.events.find(
      (e) => e.involved.kind === 'Certificate' && e.involved.name === c.name && e.type === 'Warning',
    );
    // Failed issuances back off 1 h, 2 h, 4 h…: the attempts before the last one.
    const ages = event
      ? spread(event.firstAgoSec, event.lastAgoSec, event.count)
      : Array.from({ length: c.failedIssuanceAttempts as number }, (_, i) => last + (2 ** i - 1) * HOUR);
    const error =
      c.issuing?.status === 'False'
        ? c.issuing.message
        : `The certificate request has failed to complete and will be retried: Failed to wait for order resource "${c.name}-${(c.revision ?? 0) + 1}-${Math.floor(hash01(c.name) * 4e9)}" to become ready: order is in "invalid" state: acme: authorization error for ${c.dnsNames[0]}: 400 urn:ietf:params:acme:error:connection: 203.0.113.10: Timeout during connect (likely firewall problem)`;
    certEntries.push(...at(ages, certLine(c, error)));
  }

  // --- DNS: who looks up what (redis-2 has no record while it is unschedulable)
  const coredns = podOf('kube-system', 'coredns');
  const dnsLines = [
    [apiA, 'postgres.apps.svc.cluster.local.', 'NOERROR', 106],
    [apiB, `${redisHost}.`, 'NXDOMAIN', 149],
    [frontend, 'api.apps.svc.cluster.local.', 'NOERROR', 98],
    [homeAssistant, 'mosquitto.home.svc.cluster.local.', 'NOERROR', 104],
  ].map(([p, name, rcode, size]) => {
    const key = `${(p as k8s.PodFixture).name}/${name}`;
    return `[INFO] ${(p as k8s.PodFixture).podIP}:${40000 + Math.floor(hash01(key) * 20000)} - ${Math.floor(hash01(`${key}/id`) * 65535)} "A IN ${name} udp 52 false 512" ${rcode} qr,aa,rd ${size} 0.000${100 + Math.floor(hash01(`${key}/t`) * 800)}s`;
  });

  // --- grafana: stuck waiting for its database lock, so its HTTP server never starts (readiness: refused)
  const unhealthy = seedEvent('Pod', grafana.name, 'Unhealthy');
  const migrationId = 'add index library_element org_id-folder_uid-name-kind';
  const grafanaEntries: LogEntryFixture[] = [
    ...at(every(unhealthy.firstAgoSec, 0, 4 * MINUTE), 'logger=migrator level=info msg="Locking database"'),
    ...at(
      every(unhealthy.firstAgoSec - 5, 0, 4 * MINUTE),
      `logger=migrator level=error msg="Executing migration failed" id="${migrationId}" error="database is locked"`,
    ),
    ...at(
      every(6 * HOUR, 5 * HOUR, 10 * MINUTE),
      'logger=context level=error msg="Request Completed" method=GET path=/api/health status=503 time_ms=5001',
    ),
  ];

  // --- the kubelets: pods that cannot start have no logs of their own; their kubelet says why
  const pullFailed = k8s.events.find(
    (e) =>
      e.involved.name === frontendPulling.name &&
      e.reason === 'Failed' &&
      e.message.startsWith('Failed to pull'),
  ) as k8s.EventFixture;
  const pullImage = frontendPulling.containers[0]?.image ?? '';
  const crashContainer = crash.container;
  const probeFailed = seedEvent('Pod', grafana.name, 'Unhealthy');
  const syncError = (p: k8s.PodFixture, reason: string): string =>
    kubeletLine('kubelet/pod_workers.go:1301', 'Error syncing pod, skipping', p, {
      err: startError(p.containers[0]?.name ?? '', reason, p.message ?? ''),
    });
  // Each line goes to the journal of the node its pod is on.
  const kubelet = new Map<string, LogEntryFixture[]>();
  const onNode = (node: string | undefined, entries: LogEntryFixture[]): void => {
    if (!node) throw new Error('fixtures: a kubelet line for an unscheduled pod');
    kubelet.set(node, [...(kubelet.get(node) ?? []), ...entries]);
  };
  onNode(
    frontendPulling.node,
    at(spread(pullFailed.firstAgoSec, pullFailed.lastAgoSec, pullFailed.count), () =>
      kubeletLine('kuberuntime/kuberuntime_image.go:55', 'Failed to pull image', frontendPulling, {
        image: pullImage,
        err: pullFailed.message.replace(/^Failed to pull image "[^"]*": /, ''),
      }),
    ),
  );
  onNode(
    frontendPulling.node,
    at(every(pullFailed.firstAgoSec - 20, 0, MINUTE), () => syncError(frontendPulling, 'ImagePullBackOff')),
  );
  // While the crash-looping container waits out its back-off.
  onNode(
    crashSeed.node,
    at(
      crashEnds.map((a) => a - 30),
      () => syncError(crashSeed, 'CrashLoopBackOff'),
    ),
  );
  onNode(
    configError.node,
    at(every(seedEvent('Pod', configError.name, 'Failed').firstAgoSec, 0, 5 * MINUTE), () =>
      syncError(configError, 'CreateContainerConfigError'),
    ),
  );
  onNode(
    grafana.node,
    at(every(probeFailed.firstAgoSec, 0, 2 * MINUTE), () =>
      kubeletLine('prober/prober.go:107', 'Probe failed', grafana, {
        probeType: 'Readiness',
        containerName: grafana.containers[0]?.name ?? '',
        probeResult: 'failure',
        output: probeFailed.message.replace(/^Readiness probe failed: /, ''),
      }),
    ),
  );
  onNode(
    evicted.node,
    at([seedEvent('Pod', evicted.name, 'Evicted').lastAgoSec], () =>
      JSON.stringify({
        v: 0,
        caller: 'eviction/eviction_manager.go:412',
        msg: 'Eviction manager: pods evicted, waiting for pod to be cleaned up',
        pods: [`${evicted.namespace}/${evicted.name}`],
      }),
    ),
  );
  for (const n of NODES.filter((x) => x.memoryPressureSinceSeconds !== undefined)) {
    onNode(
      n.name,
      at([n.memoryPressureSinceSeconds as number], () =>
        JSON.stringify({
          v: 0,
          caller: 'eviction/eviction_manager.go:369',
          msg: 'Eviction manager: attempting to reclaim',
          resourceName: 'memory',
        }),
      ),
    );
  }
  // Nodes without the agent ship no journal.
  const kubeletStreams = [...kubelet]
    .filter(([node]) => NODES.find((n) => n.name === node)?.agent)
    .map(
      ([node, entries]): LogStreamFixture => ({
        tenant: t,
        labels: nodeStream(node, 'kubelet.service'),
        entries,
      }),
    );

  const streams: LogStreamFixture[] = [
    {
      tenant: t,
      labels: podStream(apiA, 'api'),
      entries: [
        ...periodic('api-a', 6, 240, apiLines),
        ...at(every(redisDownSince - 600, 0, 1500), (_, i) => apiErrors[i % 2] as string),
        { ageSeconds: 2000, line: QUOTES_LINE },
        { ageSeconds: 3000, line: LONG_LINE },
        {
          ageSeconds: 2100,
          line: 'level=info msg="Größe geändert" user=jürgen cart_items=3 note="日本語のメモ"',
        },
        { ageSeconds: 26 * HOUR, line: apiLines[0] as string },
      ],
    },
    {
      tenant: t,
      labels: podStream(apiB, 'api'),
      entries: [
        ...periodic('api-b', 6, 360, apiLines),
        ...at(every(redisDownSince - 900, 0, 2400), apiErrors[0] as string),
      ],
    },
    { tenant: t, labels: podStream(crashSeed, crashContainer), entries: crashEntries },
    {
      tenant: t,
      labels: podStream(frontend, frontend.containers[0]?.name ?? 'frontend'),
      entries: [
        ...periodic('fe', 6, 300, frontendLines),
        ...frontendErrors,
        { ageSeconds: 1500, line: BEARER_LINE },
        { ageSeconds: 26 * HOUR, line: frontendLines[0] as string },
      ],
    },
    {
      // The migration Job of the api's new revision prints its configuration, secret included.
      tenant: t,
      labels: podStream(migrate, migrate.containers[0]?.name ?? 'migrate'),
      entries: [
        {
          ageSeconds: migrate.startedAgoSec,
          line: `level=info msg="starting migrations" version=${version}`,
        },
        { ageSeconds: migrate.startedAgoSec - 1, line: SECRET_PASSWORD_LINE },
        {
          ageSeconds: migrate.startedAgoSec - 3,
          line: 'level=info msg="applying migration" id=0042_catalogue_cache',
        },
        {
          ageSeconds: podByName(migrate.name).endedSinceSeconds ?? migrate.startedAgoSec - 300,
          line: 'level=info msg="migrations complete" applied=1',
        },
      ],
    },
    {
      tenant: t,
      labels: podStream(podOf('apps', 'postgres'), 'postgres'),
      entries: periodic('pg', 6, 1800, [
        '[27] LOG:  checkpoint starting: time',
        '[27] LOG:  checkpoint complete: wrote 318 buffers (1.9%); 0 WAL file(s) added, 0 removed, 1 recycled; write=31.802 s, sync=0.004 s, total=31.829 s',
      ]),
    },
    kustomize,
    helm,
    source,
    reflector,
    automation,
    {
      tenant: t,
      labels: podStream(podOf('cert-manager', 'cert-manager'), 'cert-manager-controller'),
      entries: certEntries,
    },
    { tenant: t, labels: podStream(coredns, 'coredns'), entries: periodic('dns', 3, 180, dnsLines) },
    {
      tenant: t,
      labels: podStream(podOf('monitoring', 'prometheus'), 'prometheus'),
      entries: periodic('prom', 6, 1200, [
        'level=info component=tsdb msg="write block" mint=0 maxt=7200000 duration=412ms',
        'level=info component=tsdb msg="Head GC completed" duration=3.1ms',
      ]),
    },
    { tenant: t, labels: podStream(grafana, 'grafana'), entries: grafanaEntries },
    {
      tenant: t,
      labels: podStream(grafana, grafana.containers[1]?.name ?? 'sidecar'),
      entries: periodic('grafana-sc', 6, HOUR, [
        '{"level": "INFO", "msg": "Writing /tmp/dashboards/k8s-views-nodes.json (ascii)"}',
        '{"level": "INFO", "msg": "Writing /tmp/dashboards/flux-cluster.json (ascii)"}',
      ]),
    },
    {
      // OOMKilled twice yesterday, healthy since.
      tenant: t,
      labels: podStream(lokiPod, 'loki'),
      entries: [
        ...periodic('loki', 6, 1800, ['level=info caller=table_manager.go:136 msg="uploading tables"']),
        ...(lokiPod.lastTermination
          ? [
              {
                ageSeconds: lokiPod.lastTermination.agoSec + 60,
                line: 'level=warn caller=memchunk.go:1012 msg="ingester memory high" heap_mb=1001 limit_mb=1024',
              },
              {
                ageSeconds: lokiPod.lastTermination.agoSec - 15,
                line: `level=info caller=main.go:126 msg="Starting Loki" version=${tagOf(lokiPod.containers[0]?.image ?? ':')}`,
              },
            ]
          : []),
      ],
    },
    {
      tenant: t,
      labels: podStream(backup, backup.containers[0]?.name ?? 'backup'),
      entries: [
        {
          ageSeconds: backup.startedAgoSec,
          line: `restic ${tagOf(backup.containers[0]?.image ?? ':')} compiled with go1.24.4 on linux/amd64`,
        },
        { ageSeconds: backup.startedAgoSec - 30, line: BACKUP_ERROR },
      ],
    },
    {
      // zigbee2mqtt has been unschedulable for days: Home Assistant's Zigbee devices are unavailable.
      tenant: t,
      labels: podStream(homeAssistant, 'home-assistant'),
      entries: at(
        every(30 * HOUR, 0, 2 * HOUR),
        `WARNING (MainThread) [homeassistant.components.mqtt] ${zigbee.workload?.name ?? 'zigbee2mqtt'} bridge is offline (zigbee2mqtt/bridge/state: offline); 23 entities unavailable`,
      ),
    },
    {
      tenant: t,
      labels: nodeStream(crashNode, 'kernel'),
      entries: crashEnds
        .filter((_, k) => crash.endings[k] === 'OOMKilled')
        .flatMap((age): LogEntryFixture[] => {
          const pid = 40000 + Math.floor(hash01(`oom/${age}`) * 20000);
          return [
            {
              ageSeconds: age,
              line: `${crashContainer} invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=${oomScoreAdj}`,
            },
            {
              ageSeconds: age,
              line: `Out of memory: Killed process ${pid} (${crashContainer}) total-vm:2843200kB, anon-rss:${Math.round(crash.peakMemoryBytes / 1024)}kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:4208kB oom_score_adj:${oomScoreAdj}`,
            },
          ];
        }),
    },
    ...kubeletStreams,
  ];

  // The media namespace logs to its own tenant.
  const m = LOKI_OTHER_TENANT;
  const evictedAt = seedEvent('Pod', evicted.name, 'Evicted').lastAgoSec;
  const sonarrLines = [
    '[Info] RssSyncService: Starting RSS Sync',
    '[Info] RssSyncService: RSS Sync Completed. Reports found: 98, Reports grabbed: 0',
  ];
  streams.push(
    {
      tenant: m,
      labels: podStream(mediaServer, 'jellyfin'),
      entries: periodic('jellyfin', 6, 3 * HOUR, [
        '[INF] [15] Jellyfin.Api.Auth.CustomAuthenticationHandler: Authentication request for "alice" has succeeded.',
        '[WRN] [42] MediaBrowser.MediaEncoding.Transcoding.TranscodeManager: Low free space on /mnt/media',
      ]),
    },
    {
      // Evicted under memory pressure: its last lines before the kubelet killed it.
      tenant: m,
      labels: podStream(evicted, 'sonarr'),
      entries: [
        ...at(every(evictedAt + 3 * HOUR, evictedAt, HOUR), (_, i) => sonarrLines[i % 2] as string),
        {
          ageSeconds: evictedAt + 20,
          line: '[Error] TaskExtensions: Task Error: System.OutOfMemoryException: Insufficient memory to continue the execution of the program.',
        },
      ],
    },
    {
      tenant: m,
      labels: podStream(podOf('media', 'sonarr'), 'sonarr'),
      entries: at(every(evictedAt - 10 * MINUTE, 0, 2 * HOUR), (_, i) => sonarrLines[i % 2] as string),
    },
  );
  // Oldest first; the sort is stable, so multi-line events (a panic's stack) keep their order.
  for (const s of streams) s.entries.sort((a, b) => b.ageSeconds - a.ageSeconds);
  return streams.filter((s) => s.entries.length > 0);
}

export const LOG_STREAMS: readonly LogStreamFixture[] = buildLogStreams();

/**
 * Nanoseconds of a seeded entry: seed time minus its age, plus the entry's index in microseconds, so entries of a
 * stream are unique and lines of one event (same age) keep their order.
 */
export function entryTimestampNs(seedTimeMs: number, stream: LogStreamFixture, index: number): bigint {
  const e = stream.entries[index];
  if (!e) throw new Error('fixtures: entry index out of range');
  return (BigInt(seedTimeMs) - BigInt(e.ageSeconds) * 1000n) * 1_000_000n + BigInt(index) * 1000n;
}

// ---------------------------------------------------------------------------------------------------------------
// ntfy: messages loaded by the ntfy stand-in at start (see sandbox/obs/ntfy-standin.ts --seed-file)
// ---------------------------------------------------------------------------------------------------------------

export interface NtfyMessageFixture {
  id: string;
  topic: string;
  /** Seconds before the seed time. */
  ageSeconds: number;
  title?: string;
  message: string;
  /** 1..5; absent means "not set" (omitted from JSON, treated as 3 by filters). */
  priority?: 1 | 2 | 3 | 4 | 5;
  tags?: string[];
  click?: string;
  icon?: string;
  attachment?: { name: string; url: string };
  contentType?: 'text/markdown';
}

export const NTFY_TOPICS = ['homelab-alerts', 'backups'] as const;
/** How long the stand-in keeps messages (upstream's cache-duration; 12h by default there). */
export const NTFY_CACHE_SECONDS = 72 * 3600;
export const NTFY_SECRET = 'sk_live_51HqLzK2eZvKYlo2C9f8e7d6c5b4a3Q';

function buildNtfyMessages(): NtfyMessageFixture[] {
  const notReady = NODES.find((n) => !n.ready) as ClusterNode;
  const notReadySeed = k8s.nodeByName(notReady.name).notReady;
  const media = FILESYSTEMS.find((f) => f.mountpoint === '/mnt/media') as FilesystemFixture;
  const usedAt = (age: number): number => {
    const progress = Math.max(0, 1 - age / (7 * DAY));
    return Math.round(
      100 * (1 - (media.availShareWeekAgo + (media.availShare - media.availShareWeekAgo) * progress)),
    );
  };
  const cert = k8s.certificatesExpiringWithin(CERT_EXPIRY_ALERT_DAYS)[0] as k8s.CertificateFixture;
  const failing = HTTP_SERVICES.find((s) => s.errorShare > HTTP_ERROR_SHARE) as HttpServiceFixture;
  const backup = seedPod('failed Job pod', (p) => p.state === 'Failed' && p.owner?.kind === 'Job');
  const backupFailed = seedEvent('Job', backup.owner?.name ?? '', 'BackoffLimitExceeded');
  const gitRepo = k8s.fluxObjects.find((f) => f.kind === 'GitRepository' && f.name === 'flux-system');
  const repoUrl = String(gitRepo?.spec.url ?? '').replace(/^ssh:\/\/git@/, 'https://');
  const flux = (f: FluxObjectFixture): string => `**${f.kind}** \`${f.namespace}/${f.name}\`: ${f.message}`;
  const fluxAge = (f: FluxObjectFixture): number => {
    const e = k8s.events.find((x) => x.involved.kind === f.kind && x.involved.name === f.name);
    return e ? e.firstAgoSec : f.readySinceSeconds;
  };
  const [ks, hr] = [
    FAILING_FLUX.find((f) => f.kind === 'Kustomization') as FluxObjectFixture,
    FAILING_FLUX.find((f) => f.kind === 'HelmRelease') as FluxObjectFixture,
  ];
  const ksRevision = k8s.fluxObjects.find(
    (f) => f.kind === ks.kind && f.name === ks.name,
  )?.lastAttemptedRevision;
  const lastSnapshotAge = 23 * HOUR;
  const overdueAge = 30 * MINUTE;
  const crash = CRASH_LOOP;
  return [
    {
      id: 'b7Qm2xKp9LwA',
      topic: 'backups',
      ageSeconds: 47 * HOUR,
      title: 'Backup succeeded',
      message: 'restic snapshot 4f2a9c1e saved (1.2 GiB added, 38 GiB total)',
      priority: 2,
      tags: ['white_check_mark', 'floppy_disk'],
    },
    {
      id: 'Hn3vR8tYc2Ze',
      topic: 'homelab-alerts',
      ageSeconds: 46 * HOUR,
      title: `Node ${notReady.name} recovered`,
      message: `[RESOLVED] KubeNodeNotReady: ${notReady.name} is Ready again`,
    },
    {
      id: 'Pk4sW9dFg1Jx',
      topic: 'homelab-alerts',
      ageSeconds: 40 * HOUR,
      title: `Disk usage high on ${media.node}`,
      message: `${media.mountpoint} is ${usedAt(40 * HOUR)}% full`,
      priority: 4,
      tags: ['warning', 'floppy_disk'],
      click: `https://grafana.home.example.net/d/node-exporter?var-instance=${media.node}`,
    },
    {
      id: 'Dk2Lp7Rt4Yui',
      topic: 'backups',
      ageSeconds: lastSnapshotAge,
      title: 'Backup succeeded',
      message: 'restic snapshot 9b7e3d20 saved (0.8 GiB added, 39 GiB total)',
      priority: 2,
      tags: ['white_check_mark', 'floppy_disk'],
    },
    {
      id: 'Vb1Nm4Qw7Ert',
      topic: 'backups',
      ageSeconds: 22 * HOUR + 30 * MINUTE,
      title: 'Prune finished',
      message: 'removed 14 snapshots, 6.1 GiB freed',
      priority: 1,
      tags: ['white_check_mark'],
    },
    {
      id: 'c8Vb5nMq0Wer',
      topic: 'homelab-alerts',
      ageSeconds: 20 * HOUR,
      title: 'Certificate expiring soon',
      message: `${cert.dnsNames[0]} (${cert.namespace}/${cert.name}) expires in ${Math.floor(((cert.notAfterDays ?? 0) * DAY + 20 * HOUR) / DAY)} days`,
      priority: 3,
      tags: ['lock', 'warning'],
    },
    {
      id: 'Fg9Hj3Kl6Zxc',
      topic: 'backups',
      ageSeconds: backupFailed.lastAgoSec,
      title: 'Backup FAILED',
      message: `Job ${backup.namespace}/${backup.owner?.name} failed: ${BACKUP_ERROR}`,
      priority: 5,
      tags: ['x', 'floppy_disk'],
      click: 'https://restic.home.lan/logs',
      icon: 'https://restic.home.lan/icon.png',
      attachment: { name: 'backup.log', url: 'https://restic.home.lan/logs/backup.log' },
    },
    {
      id: 'Yu8Io2Pa5Sdf',
      topic: 'homelab-alerts',
      ageSeconds: (crash.starts[0] as number) - 10 * MINUTE,
      title: `${crash.pod.app} is crash looping`,
      message: `[FIRING] KubePodCrashLooping: Pod ${crash.pod.namespace}/${crash.pod.name} (${crash.container}) is crash looping (last state: ${crash.endings[0]})`,
      priority: 5,
      tags: ['rotating_light', 'skull'],
      click: `${URLS.alertmanager}/#/alerts?filter=%7Balertname%3D%22KubePodCrashLooping%22%7D`,
    },
    {
      id: 'Zt6yU1iOp3Qa',
      topic: 'homelab-alerts',
      ageSeconds: fluxAge(ks),
      title: 'Flux reconciliation failed',
      message: flux(ks),
      priority: 4,
      tags: ['flux', 'x'],
      click: `${repoUrl}/commit/${ksRevision?.replace(/^.*sha1:/, '') ?? ''}`,
      contentType: 'text/markdown',
    },
    {
      id: 'Gh6Jk9Lz2Xcv',
      topic: 'homelab-alerts',
      ageSeconds: 2 * HOUR + 50 * MINUTE,
      title: 'Webhook test',
      message: `test delivery from CI, api_key=${NTFY_SECRET}`,
      priority: 2,
      tags: ['test'],
    },
    {
      id: 'Bn5Mq8Wr1Tyu',
      topic: 'homelab-alerts',
      ageSeconds: (notReady.notReadySinceSeconds ?? 0) - MINUTE,
      title: `Node ${notReady.name} NotReady`,
      message: `[FIRING] KubeNodeNotReady: ${notReady.name} is not ready (${notReadySeed?.reason}: ${notReadySeed?.message})`,
      priority: 5,
      tags: ['rotating_light'],
      click: `https://grafana.home.example.net/d/k8s-nodes?var-node=${notReady.name}`,
    },
    {
      id: 'Qe7Rt2Yu5Iop',
      topic: 'homelab-alerts',
      ageSeconds: fluxAge(hr),
      title: 'Flux reconciliation failed',
      message: flux(hr),
      priority: 4,
      tags: ['flux', 'x'],
      contentType: 'text/markdown',
    },
    {
      id: 'Io3Pa6Sd9Fgh',
      topic: 'backups',
      ageSeconds: overdueAge,
      title: 'Backup overdue',
      message: `no successful snapshot for ${Math.floor((lastSnapshotAge - overdueAge) / HOUR)} h (last: 9b7e3d20)`,
      priority: 4,
      tags: ['warning', 'floppy_disk'],
    },
    {
      id: 'Jk1Lz4Xc7Vbn',
      topic: 'homelab-alerts',
      ageSeconds: 20 * MINUTE,
      title: `Disk ${media.mountpoint} almost full on ${media.node}`,
      message: `only ${media.availShare * 100}% available on ${media.mountpoint} (${media.node})`,
      priority: 4,
      tags: ['floppy_disk', 'warning'],
    },
    {
      id: 'Mq2Wr5Ty8Uio',
      topic: 'homelab-alerts',
      ageSeconds: 5 * MINUTE,
      message: `HTTPHighErrorRate: ${Math.round(failing.errorShare * 100)}% of requests to ${failing.namespace}/${failing.service} fail`,
      priority: 4,
    },
  ];
}

export const NTFY_MESSAGES: readonly NtfyMessageFixture[] = buildNtfyMessages();

// ---------------------------------------------------------------------------------------------------------------
// Seed info written by up.sh (times are fixed from `up` to `down`)
// ---------------------------------------------------------------------------------------------------------------

export interface SeedInfo {
  /** Unix milliseconds the relative ages are counted from. */
  seedTimeMs: number;
}

/** Reads the seed time of 'loki' or 'ntfy' (the seed file up.sh wrote), or the scenario anchor of 'prometheus'. */
export function readSeedInfo(
  backend: 'loki' | 'ntfy' | 'prometheus',
  sandboxDir: string = SANDBOX_DIR,
): SeedInfo {
  const file =
    backend === 'prometheus'
      ? join(sandboxDir, 'data', 'prometheus', 'anchor.json')
      : join(sandboxDir, 'data', backend, 'seed-info.json');
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { seedTimeMs?: unknown };
  if (typeof parsed.seedTimeMs !== 'number') throw new Error(`${file}: no seedTimeMs`);
  return { seedTimeMs: parsed.seedTimeMs };
}

/**
 * Identifies what the metrics scenario describes (targets, nodes, pods, alerts…): Prometheus' history is only
 * continued by an exporter that describes the same scenario, so up.sh starts afresh when this changes.
 */
export const SCENARIO_ID: string = (() => {
  const text = JSON.stringify([
    SCRAPE_TARGETS,
    NODES,
    PODS,
    CRASH_LOOP,
    FILESYSTEMS,
    HTTP_SERVICES,
    VOLUMES,
    FLUX_OBJECTS,
    CERTIFICATES,
    ALERTS,
  ]);
  return `${Math.floor(hash01(text) * 0x100000000)
    .toString(16)
    .padStart(8, '0')}-${text.length}`;
})();

/** A Kubernetes seed older than this is not a starting point: its relative times no longer hold (cf. sandbox/up.sh). */
export const KUBE_SEED_MAX_AGE_MS = 12 * 3600_000;

/**
 * The Kubernetes seed's time (`seedTime` of the marker the seed writes, SEED_MARKER in sandbox/kube/paths.ts), or
 * undefined when the cluster is not seeded.
 */
export function kubeSeedTimeMs(sandboxDir: string = SANDBOX_DIR): number | undefined {
  try {
    const marker = JSON.parse(readFileSync(join(sandboxDir, 'data', 'kube', 'seeded.json'), 'utf8')) as {
      seedTime?: unknown;
    };
    const t = typeof marker.seedTime === 'string' ? Date.parse(marker.seedTime) : Number.NaN;
    return Number.isNaN(t) ? undefined : t;
  } catch {
    return undefined;
  }
}

/**
 * Where a fresh scenario (metrics anchor, log or message seed time) starts: the Kubernetes seed time when it is
 * recent and not in the future, so both halves of the sandbox share one clock; otherwise now.
 */
export function scenarioTimeMs(now: number = Date.now(), sandboxDir: string = SANDBOX_DIR): number {
  const kube = kubeSeedTimeMs(sandboxDir);
  return kube !== undefined && kube <= now && now - kube <= KUBE_SEED_MAX_AGE_MS ? kube : now;
}
