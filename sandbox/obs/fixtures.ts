/**
 * The seeded truth of the sandbox's observability backends (Prometheus, Alertmanager, the Loki stand-in and the
 * ntfy stand-in), as data. The exporter, the rule files' expectations, the log and message seeds and the tests all
 * read this module, so tests compare against it and never against literals copied from a run.
 *
 * Times: every seeded item is described relative to an anchor that is fixed for the lifetime of a running
 * sandbox (see `readSeedInfo`). Metrics use the scenario anchor kept with Prometheus' data, logs and messages the
 * seed time written when the stand-in was (re)started by up.sh.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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
/** A second tenant with a few lines of its own, to prove a client sends X-Scope-OrgID. */
export const LOKI_OTHER_TENANT = 'team-b';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SANDBOX_DIR = process.env.SANDBOX_DIR ?? join(REPO_ROOT, '.sandbox');

// ---------------------------------------------------------------------------------------------------------------
// The cluster the metrics and logs describe
// ---------------------------------------------------------------------------------------------------------------

export interface NodeFixture {
  name: string;
  role: 'control-plane' | 'worker';
  ready: boolean;
  /** Seconds before the scenario anchor at which the node went NotReady. */
  notReadySinceSeconds?: number;
  cordoned: boolean;
  cpus: number;
  memoryBytes: number;
  internalIP: string;
}

const GiB = 1024 ** 3;

export const NODES: readonly NodeFixture[] = [
  {
    name: 'node-1',
    role: 'control-plane',
    ready: true,
    cordoned: false,
    cpus: 4,
    memoryBytes: 8 * GiB,
    internalIP: '10.0.0.11',
  },
  {
    name: 'node-2',
    role: 'worker',
    ready: true,
    cordoned: true,
    cpus: 4,
    memoryBytes: 16 * GiB,
    internalIP: '10.0.0.12',
  },
  {
    name: 'node-3',
    role: 'worker',
    ready: false,
    notReadySinceSeconds: 40 * 60,
    cordoned: false,
    cpus: 4,
    memoryBytes: 16 * GiB,
    internalIP: '10.0.0.13',
  },
];

export interface ContainerFixture {
  name: string;
  /** Working-set memory around which the series moves. */
  memoryBytes: number;
  /** CPU cores used on average. */
  cpuCores: number;
  /** CPU limit in cores; containers with a limit export CFS throttling counters. */
  cpuLimitCores?: number;
  /** Share of CFS periods throttled (0..1), for containers with a limit. */
  throttledShare?: number;
  restartsBefore: number;
  /** Waiting reason shown by kube-state-metrics, when the container is waiting. */
  waitingReason?: 'CrashLoopBackOff' | 'ImagePullBackOff' | 'ContainerCreating';
  lastTerminatedReason?: 'OOMKilled' | 'Error' | 'Completed';
  /** Restarts every N seconds (crash loop), counted from `crashLoopSinceSeconds` before the anchor. */
  restartEverySeconds?: number;
  crashLoopSinceSeconds?: number;
}

export interface PodFixture {
  namespace: string;
  name: string;
  app: string;
  node: string;
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  containers: ContainerFixture[];
}

function c(
  name: string,
  memMiB: number,
  cpuCores: number,
  extra: Partial<ContainerFixture> = {},
): ContainerFixture {
  return { name, memoryBytes: memMiB * 1024 * 1024, cpuCores, restartsBefore: 0, ...extra };
}

export const PAYMENTS_POD = 'payments-api-5f6c7b8d9-xk4lm';
export const GRAFANA_POD = 'grafana-6c8d9f7b5-h4j6k';

export const PODS: readonly PodFixture[] = [
  {
    namespace: 'kube-system',
    name: 'coredns-5d78c9869d-7xk2p',
    app: 'coredns',
    node: 'node-1',
    phase: 'Running',
    containers: [c('coredns', 38, 0.01)],
  },
  {
    namespace: 'kube-system',
    name: 'kube-proxy-b7k9x',
    app: 'kube-proxy',
    node: 'node-1',
    phase: 'Running',
    containers: [c('kube-proxy', 22, 0.004)],
  },
  {
    namespace: 'flux-system',
    name: 'source-controller-6d9f7b8c4-qm2zt',
    app: 'source-controller',
    node: 'node-1',
    phase: 'Running',
    containers: [c('manager', 96, 0.03)],
  },
  {
    namespace: 'flux-system',
    name: 'kustomize-controller-7b8d9c6f5-lx4wp',
    app: 'kustomize-controller',
    node: 'node-1',
    phase: 'Running',
    containers: [c('manager', 118, 0.05, { restartsBefore: 1 })],
  },
  {
    namespace: 'flux-system',
    name: 'helm-controller-5c7f8d9b6-r8n2k',
    app: 'helm-controller',
    node: 'node-1',
    phase: 'Running',
    containers: [c('manager', 84, 0.02)],
  },
  {
    namespace: 'cert-manager',
    name: 'cert-manager-7d8c9b6f4-k2p9m',
    app: 'cert-manager',
    node: 'node-2',
    phase: 'Running',
    containers: [c('cert-manager-controller', 52, 0.008)],
  },
  {
    namespace: 'monitoring',
    name: 'prometheus-k8s-0',
    app: 'prometheus',
    node: 'node-1',
    phase: 'Running',
    containers: [c('prometheus', 1450, 0.35)],
  },
  {
    namespace: 'monitoring',
    name: 'alertmanager-main-0',
    app: 'alertmanager',
    node: 'node-1',
    phase: 'Running',
    containers: [c('alertmanager', 36, 0.003)],
  },
  {
    namespace: 'monitoring',
    name: GRAFANA_POD,
    app: 'grafana',
    node: 'node-2',
    phase: 'Running',
    containers: [c('grafana', 210, 0.18, { cpuLimitCores: 0.2, throttledShare: 0.42 })],
  },
  {
    namespace: 'monitoring',
    name: 'kube-state-metrics-7f9c8b6d5-m3n8p',
    app: 'kube-state-metrics',
    node: 'node-2',
    phase: 'Running',
    containers: [c('kube-state-metrics', 64, 0.01)],
  },
  {
    namespace: 'apps',
    name: 'frontend-7d9f8b6c5-2xkqp',
    app: 'frontend',
    node: 'node-2',
    phase: 'Running',
    containers: [c('nginx', 48, 0.04, { cpuLimitCores: 0.5, throttledShare: 0.03 })],
  },
  {
    namespace: 'apps',
    name: 'frontend-7d9f8b6c5-9mzrt',
    app: 'frontend',
    node: 'node-1',
    phase: 'Running',
    containers: [c('nginx', 51, 0.05, { cpuLimitCores: 0.5, throttledShare: 0.02 })],
  },
  {
    namespace: 'apps',
    name: 'api-6b8c7d9f4-5vwxh',
    app: 'api',
    node: 'node-2',
    phase: 'Running',
    containers: [c('api', 310, 0.22)],
  },
  {
    namespace: 'apps',
    name: 'api-6b8c7d9f4-j7q2n',
    app: 'api',
    node: 'node-1',
    phase: 'Running',
    containers: [c('api', 295, 0.19, { restartsBefore: 2 })],
  },
  {
    namespace: 'apps',
    name: PAYMENTS_POD,
    app: 'payments-api',
    node: 'node-2',
    phase: 'Running',
    containers: [
      c('payments-api', 498, 0.31, {
        restartsBefore: 3,
        waitingReason: 'CrashLoopBackOff',
        lastTerminatedReason: 'OOMKilled',
        restartEverySeconds: 300,
        crashLoopSinceSeconds: 2 * 3600,
      }),
    ],
  },
  {
    namespace: 'apps',
    name: 'worker-8c9d7f6b5-p2r4t',
    app: 'worker',
    node: 'node-3',
    phase: 'Pending',
    containers: [c('worker', 0, 0, { waitingReason: 'ImagePullBackOff' })],
  },
  {
    namespace: 'apps',
    name: 'nightly-report-28911840-zx7kq',
    app: 'nightly-report',
    node: 'node-2',
    phase: 'Succeeded',
    containers: [c('report', 0, 0, { lastTerminatedReason: 'Completed' })],
  },
  {
    namespace: 'apps',
    name: 'db-migrate-28911800-fq2ws',
    app: 'db-migrate',
    node: 'node-2',
    phase: 'Failed',
    containers: [c('migrate', 0, 0, { lastTerminatedReason: 'Error' })],
  },
];

export interface DeploymentFixture {
  namespace: string;
  name: string;
  replicas: number;
  available: number;
}

export const DEPLOYMENTS: readonly DeploymentFixture[] = [
  { namespace: 'kube-system', name: 'coredns', replicas: 1, available: 1 },
  { namespace: 'flux-system', name: 'source-controller', replicas: 1, available: 1 },
  { namespace: 'flux-system', name: 'kustomize-controller', replicas: 1, available: 1 },
  { namespace: 'flux-system', name: 'helm-controller', replicas: 1, available: 1 },
  { namespace: 'cert-manager', name: 'cert-manager', replicas: 1, available: 1 },
  { namespace: 'monitoring', name: 'grafana', replicas: 1, available: 1 },
  { namespace: 'apps', name: 'frontend', replicas: 2, available: 2 },
  { namespace: 'apps', name: 'api', replicas: 2, available: 2 },
  { namespace: 'apps', name: 'payments-api', replicas: 1, available: 0 },
  { namespace: 'apps', name: 'worker', replicas: 1, available: 0 },
];

/** Filesystems exported per node by the node-exporter job. `availShare` is the free share at the anchor. */
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

export const FILESYSTEMS: readonly FilesystemFixture[] = NODES.flatMap((n) => [
  {
    node: n.name,
    mountpoint: '/',
    device: '/dev/sda2',
    fstype: 'ext4',
    sizeBytes: 60 * GiB,
    availShareWeekAgo: 0.58,
    availShare: 0.55,
  },
  {
    node: n.name,
    mountpoint: '/var',
    device: '/dev/sdb1',
    fstype: 'xfs',
    sizeBytes: 200 * GiB,
    availShareWeekAgo: n.name === 'node-2' ? 0.3 : 0.72,
    availShare: n.name === 'node-2' ? 0.025 : 0.7,
  },
]);

/** Services behind http_requests_total (job "apps"); `errorShare` is the 5xx share of requests. */
export const HTTP_SERVICES = [
  { namespace: 'apps', service: 'frontend', rps: 24, errorShare: 0.11, p50Seconds: 0.045 },
  { namespace: 'apps', service: 'api', rps: 9, errorShare: 0.004, p50Seconds: 0.12 },
] as const;

/** PersistentVolumeClaims exported by the kubelet job. */
export const VOLUMES = [
  {
    namespace: 'monitoring',
    persistentvolumeclaim: 'prometheus-k8s-db-prometheus-k8s-0',
    node: 'node-1',
    capacityBytes: 50 * GiB,
    availShare: 0.08,
  },
  {
    namespace: 'apps',
    persistentvolumeclaim: 'uploads',
    node: 'node-2',
    capacityBytes: 20 * GiB,
    availShare: 0.61,
  },
] as const;

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
}

const EXPORTER = `127.0.0.1:${PORTS.exporter}`;

export const SCRAPE_TARGETS: readonly ScrapeTarget[] = [
  {
    job: 'prometheus',
    kind: 'prometheus',
    address: `127.0.0.1:${PORTS.prometheus}`,
    metricsPath: '/metrics',
    labels: { instance: `127.0.0.1:${PORTS.prometheus}` },
  },
  {
    job: 'alertmanager',
    kind: 'alertmanager',
    address: `127.0.0.1:${PORTS.alertmanager}`,
    metricsPath: '/metrics',
    labels: { instance: `127.0.0.1:${PORTS.alertmanager}` },
  },
  {
    job: 'kube-state-metrics',
    kind: 'ksm',
    address: EXPORTER,
    metricsPath: '/metrics/kube-state-metrics',
    labels: { instance: 'kube-state-metrics.monitoring.svc:8080' },
  },
  ...NODES.map(
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
    labels: { instance: '10.0.0.11:6443' },
  },
  {
    job: 'apps',
    kind: 'apps',
    address: EXPORTER,
    metricsPath: '/metrics/apps',
    labels: { instance: 'apps-metrics.apps.svc:8080' },
  },
  // Always answers HTTP 500: up == 0 with a real scrape error, like a broken exporter on the LAN.
  {
    job: 'legacy-nas',
    kind: 'broken',
    address: EXPORTER,
    metricsPath: '/metrics/broken',
    labels: { instance: 'nas.home.lan:9100' },
  },
];

/** Metric names the exporter publishes (with the label names each carries, besides job/instance). */
export const EXPORTER_SERIES: Readonly<Record<string, readonly string[]>> = {
  kube_node_info: ['node', 'internal_ip', 'kubelet_version', 'os_image', 'container_runtime_version'],
  kube_node_status_condition: ['node', 'condition', 'status'],
  kube_node_spec_unschedulable: ['node'],
  kube_node_status_capacity: ['node', 'resource', 'unit'],
  kube_pod_info: ['namespace', 'pod', 'node', 'created_by_kind'],
  kube_pod_status_phase: ['namespace', 'pod', 'phase'],
  kube_pod_container_status_restarts_total: ['namespace', 'pod', 'container'],
  kube_pod_container_status_waiting_reason: ['namespace', 'pod', 'container', 'reason'],
  kube_pod_container_status_last_terminated_reason: ['namespace', 'pod', 'container', 'reason'],
  kube_deployment_spec_replicas: ['namespace', 'deployment'],
  kube_deployment_status_replicas_available: ['namespace', 'deployment'],
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
  container_cpu_cfs_periods_total: ['namespace', 'pod', 'container'],
  container_cpu_cfs_throttled_periods_total: ['namespace', 'pod', 'container'],
  kubelet_volume_stats_capacity_bytes: ['namespace', 'persistentvolumeclaim'],
  kubelet_volume_stats_available_bytes: ['namespace', 'persistentvolumeclaim'],
  apiserver_request_total: ['verb', 'resource', 'code'],
  apiserver_request_duration_seconds_bucket: ['verb', 'le'],
  apiserver_request_duration_seconds_sum: ['verb'],
  apiserver_request_duration_seconds_count: ['verb'],
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

export const ALERTS: readonly AlertFixture[] = [
  {
    alertname: 'KubePodCrashLooping',
    severity: 'warning',
    promState: 'firing',
    amState: 'active',
    receiver: 'default',
    labels: { namespace: 'apps', pod: PAYMENTS_POD, container: 'payments-api', job: 'kube-state-metrics' },
    summary: `Pod apps/${PAYMENTS_POD} (payments-api) is crash looping.`,
  },
  {
    alertname: 'KubeNodeNotReady',
    severity: 'warning',
    promState: 'firing',
    amState: 'active',
    receiver: 'default',
    labels: { node: 'node-3', job: 'kube-state-metrics' },
    summary: 'Node node-3 is not ready.',
  },
  {
    alertname: 'NodeFilesystemAlmostOutOfSpace',
    severity: 'critical',
    promState: 'firing',
    amState: 'active',
    receiver: 'critical',
    labels: { instance: 'node-2', mountpoint: '/var', job: 'node-exporter' },
    summary: 'Filesystem /var on node-2 has less than 3% space left.',
  },
  {
    alertname: 'NodeFilesystemAlmostOutOfSpace',
    severity: 'warning',
    promState: 'firing',
    amState: 'suppressed',
    suppressedBy: 'inhibition',
    receiver: 'default',
    labels: { instance: 'node-2', mountpoint: '/var', job: 'node-exporter' },
    summary: 'Filesystem /var on node-2 has less than 5% space left.',
  },
  {
    alertname: 'HTTPHighErrorRate',
    severity: 'critical',
    promState: 'firing',
    amState: 'active',
    receiver: 'critical',
    labels: { namespace: 'apps', service: 'frontend' },
    summary: 'More than 5% of requests to apps/frontend fail with 5xx.',
  },
  {
    alertname: 'CPUThrottlingHigh',
    severity: 'info',
    promState: 'firing',
    amState: 'suppressed',
    suppressedBy: 'silence',
    receiver: 'default',
    labels: { namespace: 'monitoring', pod: GRAFANA_POD, container: 'grafana' },
    summary: `Container grafana in monitoring/${GRAFANA_POD} is CPU throttled.`,
  },
  {
    alertname: 'Watchdog',
    severity: 'none',
    promState: 'firing',
    amState: 'active',
    receiver: 'null',
    labels: {},
    summary: 'An alert that should always be firing to certify that Alertmanager is working properly.',
  },
  {
    alertname: 'KubePersistentVolumeFillingUp',
    severity: 'warning',
    promState: 'pending',
    labels: {
      namespace: 'monitoring',
      persistentvolumeclaim: 'prometheus-k8s-db-prometheus-k8s-0',
      job: 'kubelet',
    },
    summary: 'PersistentVolume monitoring/prometheus-k8s-db-prometheus-k8s-0 is filling up.',
  },
];

/** The silence up.sh keeps in Alertmanager (re-created when missing or expired). */
export const SILENCE = {
  matchers: [{ name: 'alertname', value: 'CPUThrottlingHigh', isRegex: false, isEqual: true }],
  createdBy: 'cluster-mcp-sandbox',
  comment: 'sandbox: grafana is throttled on purpose (silenced by sandbox/obs/up.sh)',
  durationDays: 30,
} as const;

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
  'main.(*Processor).Charge(0x0, {0xc0001a2000, 0x24})',
  '\t/src/payments/processor.go:142 +0x2d',
];
export const OOM_LINE = 'fatal error: runtime: out of memory';
export const KERNEL_OOM_LINE =
  'Out of memory: Killed process 48213 (payments-api) total-vm:1843200kB, anon-rss:524288kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:1208kB oom_score_adj:985';
export const LONG_LINE = `level=info msg="cache warmup finished" keys=${Array.from({ length: 400 }, (_, i) => `sku-${String(i).padStart(5, '0')}`).join(',')}`;

/** Deterministic 0..1 from a string (FNV-1a); shared by the exporter and the seeds. */
export function hash01(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h / 0x100000000;
}

function pick<T>(xs: readonly T[], key: string): T {
  return xs[Math.floor(hash01(key) * xs.length)] as T;
}

function streamLabels(pod: PodFixture, container: string): Record<string, string> {
  return {
    namespace: pod.namespace,
    pod: pod.name,
    container,
    app: pod.app,
    job: `${pod.namespace}/${pod.app}`,
    node: pod.node,
  };
}

function podByName(name: string): PodFixture {
  const p = PODS.find((x) => x.name === name);
  if (!p) throw new Error(`fixtures: no pod ${name}`);
  return p;
}

/** Regular lines every `everySeconds` for `hours`, generated from a template list. */
function periodic(
  key: string,
  hours: number,
  everySeconds: number,
  lines: readonly string[],
): LogEntryFixture[] {
  const out: LogEntryFixture[] = [];
  for (let age = 30; age < hours * 3600; age += everySeconds) {
    const jitter = Math.floor(hash01(`${key}:${age}`) * Math.min(everySeconds / 2, 120));
    out.push({ ageSeconds: age + jitter, line: pick(lines, `${key}:line:${age}`) });
  }
  return out;
}

function buildLogStreams(): LogStreamFixture[] {
  const t = LOKI_DEFAULT_TENANT;
  const paths = ['/', '/products', '/products/42', '/cart', '/checkout', '/static/app.js', '/healthz'];
  const frontendLines = paths.flatMap((p) => [
    `10.244.1.${Math.floor(hash01(p) * 200) + 10} "GET ${p} HTTP/1.1" 200 ${Math.floor(hash01(`${p}b`) * 9000) + 200} "-" "Mozilla/5.0 (X11; Linux x86_64)"`,
  ]);
  const frontendErrors = [
    '10.244.1.23 "POST /checkout HTTP/1.1" 502 157 "-" "Mozilla/5.0 (X11; Linux x86_64)"',
    '[error] 29#29: *1841 upstream prematurely closed connection while reading response header from upstream, client: 10.244.1.23, server: shop.home.lan, request: "POST /checkout HTTP/1.1", upstream: "http://10.96.14.2:8080/checkout"',
  ];
  const apiLines = [
    'level=info msg="request handled" method=GET route=/v1/products status=200 duration_ms=18',
    'level=info msg="request handled" method=GET route=/v1/products/{id} status=200 duration_ms=9',
    'level=info msg="request handled" method=POST route=/v1/cart status=201 duration_ms=31',
    'level=info msg="cache refreshed" entries=1824 duration_ms=212',
  ];
  const apiErrors = [
    'level=error msg="upstream request failed" upstream=payments-api err="dial tcp 10.96.14.2:8080: connect: connection refused"',
    'level=error msg="checkout failed" order_id=ord_7Qm2 err="payments-api unavailable"',
  ];
  const fluxKustomize = [
    '{"level":"info","msg":"server-side apply completed","controller":"kustomization","namespace":"flux-system","name":"infrastructure","revision":"main@sha1:3f9a1c2"}',
    '{"level":"info","msg":"Reconciliation finished in 842ms, next run in 10m0s","controller":"kustomization","namespace":"flux-system","name":"flux-system"}',
  ];
  const fluxErrors = [
    '{"level":"error","msg":"Reconciliation failed after 1.204s, next try in 5m0s","controller":"kustomization","namespace":"flux-system","name":"apps","revision":"main@sha1:3f9a1c2","error":"kustomize build failed: accumulating resources: accumulation err=\'accumulating resources from \'./payments\': missing Resource metadata\'"}',
  ];
  const sourceLines = [
    '{"level":"info","msg":"no changes since last reconcilation: observed revision \'main@sha1:3f9a1c2\'","controller":"gitrepository","namespace":"flux-system","name":"flux-system"}',
    '{"level":"info","msg":"artifact up-to-date with remote revision: \'6.5.4@sha256:9c1d\'","controller":"helmchart","namespace":"flux-system","name":"monitoring-grafana"}',
  ];
  const certLines = [
    'level=info msg="certificate is up to date" certificate=apps/shop-tls',
    'level=info msg="scheduling renewal" certificate=monitoring/grafana-tls renew_at=+5d',
  ];
  const certErrors = [
    'level=error msg="failed to perform self check GET request" certificate=apps/legacy-tls err="dial tcp: lookup legacy.home.lan: no such host"',
  ];
  const corednsLines = [
    '[INFO] 10.244.1.23:51234 - 18622 "A IN api.apps.svc.cluster.local. udp 52 false 512" NOERROR qr,aa,rd 106 0.000141s',
    '[INFO] 10.244.2.7:40112 - 2231 "AAAA IN payments-api.apps.svc.cluster.local. udp 63 false 512" NOERROR qr,aa,rd 156 0.000092s',
  ];
  const promLines = [
    'ts=compaction level=info component=tsdb msg="write block" mint=0 maxt=7200000 duration=412ms',
    'level=info component="rule manager" msg="rule group evaluated" group=kubernetes-apps duration=31ms',
  ];

  const frontendA = podByName('frontend-7d9f8b6c5-2xkqp');
  const frontendB = podByName('frontend-7d9f8b6c5-9mzrt');
  const apiA = podByName('api-6b8c7d9f4-5vwxh');
  const apiB = podByName('api-6b8c7d9f4-j7q2n');
  const payments = podByName(PAYMENTS_POD);
  const kustomize = podByName('kustomize-controller-7b8d9c6f5-lx4wp');
  const source = podByName('source-controller-6d9f7b8c4-qm2zt');
  const certManager = podByName('cert-manager-7d8c9b6f4-k2p9m');
  const coredns = podByName('coredns-5d78c9869d-7xk2p');
  const prometheus = podByName('prometheus-k8s-0');

  const paymentsEntries: LogEntryFixture[] = [];
  // The crash loop: every 5 minutes for 2 hours the container starts, serves briefly, then dies (OOM or panic).
  for (let i = 0, age = 2 * 3600; age > 60; i++, age -= 300) {
    paymentsEntries.push({
      ageSeconds: age,
      line: `level=info msg="starting payments-api" version=v2.3.1 attempt=${i + 1}`,
    });
    paymentsEntries.push({
      ageSeconds: age - 20,
      line: 'level=info msg="connected to postgres" host=postgres.apps.svc',
    });
    if (i % 3 === 2) {
      for (const line of PANIC_LINES) paymentsEntries.push({ ageSeconds: age - 40, line });
    } else {
      paymentsEntries.push({
        ageSeconds: age - 40,
        line: 'level=warn msg="memory usage high" heap_mb=489 limit_mb=512',
      });
      paymentsEntries.push({ ageSeconds: age - 41, line: OOM_LINE });
    }
  }

  const streams: LogStreamFixture[] = [
    {
      tenant: t,
      labels: streamLabels(frontendA, 'nginx'),
      entries: [
        ...periodic('fe-a', 6, 300, frontendLines),
        { ageSeconds: 600, line: frontendErrors[0] as string },
        { ageSeconds: 598, line: frontendErrors[1] as string },
        { ageSeconds: 1500, line: BEARER_LINE },
        { ageSeconds: 26 * 3600, line: frontendLines[0] as string },
      ],
    },
    {
      tenant: t,
      labels: streamLabels(frontendB, 'nginx'),
      entries: [
        ...periodic('fe-b', 6, 420, frontendLines),
        { ageSeconds: 900, line: frontendErrors[0] as string },
      ],
    },
    {
      tenant: t,
      labels: streamLabels(apiA, 'api'),
      entries: [
        ...periodic('api-a', 6, 240, apiLines),
        ...[300, 900, 1800, 2400, 4000].map((age, i) => ({
          ageSeconds: age,
          line: apiErrors[i % 2] as string,
        })),
        { ageSeconds: 5 * 3600 + 600, line: SECRET_PASSWORD_LINE },
        { ageSeconds: 2000, line: QUOTES_LINE },
        { ageSeconds: 3000, line: LONG_LINE },
        {
          ageSeconds: 2100,
          line: 'level=info msg="Größe geändert" user=jürgen cart_items=3 note="日本語のメモ"',
        },
      ],
    },
    {
      tenant: t,
      labels: streamLabels(apiB, 'api'),
      entries: [...periodic('api-b', 6, 360, apiLines), { ageSeconds: 1200, line: apiErrors[0] as string }],
    },
    { tenant: t, labels: streamLabels(payments, 'payments-api'), entries: paymentsEntries },
    {
      tenant: t,
      labels: streamLabels(kustomize, 'manager'),
      entries: [
        ...periodic('kc', 6, 600, fluxKustomize),
        ...[400, 700, 1000, 1300].map((age) => ({ ageSeconds: age, line: fluxErrors[0] as string })),
      ],
    },
    { tenant: t, labels: streamLabels(source, 'manager'), entries: periodic('sc', 6, 600, sourceLines) },
    {
      tenant: t,
      labels: streamLabels(certManager, 'cert-manager-controller'),
      entries: [...periodic('cm', 6, 900, certLines), { ageSeconds: 3500, line: certErrors[0] as string }],
    },
    { tenant: t, labels: streamLabels(coredns, 'coredns'), entries: periodic('dns', 3, 180, corednsLines) },
    {
      tenant: t,
      labels: streamLabels(prometheus, 'prometheus'),
      entries: periodic('prom', 6, 1200, promLines),
    },
    {
      tenant: t,
      labels: { job: 'node/kernel', node: 'node-2', unit: 'kernel' },
      entries: [
        {
          ageSeconds: 2 * 3600 + 100,
          line: 'payments-api invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=985',
        },
        { ageSeconds: 2 * 3600 + 99, line: KERNEL_OOM_LINE },
        { ageSeconds: 3600 + 40, line: KERNEL_OOM_LINE },
        {
          ageSeconds: 20 * 3600,
          line: 'EXT4-fs (sda2): mounted filesystem with ordered data mode. Quota mode: none.',
        },
      ],
    },
    {
      tenant: LOKI_OTHER_TENANT,
      labels: {
        namespace: 'team-b',
        pod: 'batch-7c5d8-q2w9e',
        container: 'batch',
        app: 'batch',
        job: 'team-b/batch',
        node: 'node-1',
      },
      entries: [
        { ageSeconds: 120, line: 'level=info msg="team-b batch started" items=120' },
        { ageSeconds: 90, line: 'level=error msg="team-b batch item failed" item=77' },
        { ageSeconds: 60, line: 'level=info msg="team-b batch finished" ok=119 failed=1' },
      ],
    },
  ];
  // Oldest first; the sort is stable, so multi-line events (a panic's stack) keep their order.
  for (const s of streams) s.entries.sort((a, b) => b.ageSeconds - a.ageSeconds);
  return streams;
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

export const NTFY_MESSAGES: readonly NtfyMessageFixture[] = [
  {
    id: 'b7Qm2xKp9LwA',
    topic: 'backups',
    ageSeconds: 47 * 3600,
    title: 'Backup succeeded',
    message: 'restic snapshot 4f2a9c1e saved (1.2 GiB added, 38 GiB total)',
    priority: 2,
    tags: ['white_check_mark', 'floppy_disk'],
  },
  {
    id: 'Hn3vR8tYc2Ze',
    topic: 'homelab-alerts',
    ageSeconds: 46 * 3600,
    title: 'Node node-3 recovered',
    message: '[RESOLVED] KubeNodeNotReady: node-3 is Ready again',
  },
  {
    id: 'Pk4sW9dFg1Jx',
    topic: 'homelab-alerts',
    ageSeconds: 40 * 3600,
    title: 'Disk usage high on node-2',
    message: '/var is 91% full',
    priority: 4,
    tags: ['warning', 'floppy_disk'],
    click: 'https://grafana.home.lan/d/node-exporter?var-instance=node-2',
  },
  {
    id: 'Zt6yU1iOp3Qa',
    topic: 'homelab-alerts',
    ageSeconds: 30 * 3600,
    title: 'Flux reconciliation failed',
    message: '**Kustomization** `flux-system/apps`: kustomize build failed',
    priority: 4,
    tags: ['flux', 'x'],
    click: 'https://git.home.lan/homelab/fleet/commits/main',
    contentType: 'text/markdown',
  },
  {
    id: 'c8Vb5nMq0Wer',
    topic: 'homelab-alerts',
    ageSeconds: 20 * 3600,
    title: 'Certificate expiring soon',
    message: 'grafana.home.lan expires in 5 days',
    priority: 3,
    tags: ['lock', 'warning'],
  },
  {
    id: 'Dk2Lp7Rt4Yui',
    topic: 'backups',
    ageSeconds: 23 * 3600,
    title: 'Backup succeeded',
    message: 'restic snapshot 9b7e3d20 saved (0.8 GiB added, 39 GiB total)',
    priority: 2,
    tags: ['white_check_mark', 'floppy_disk'],
  },
  {
    id: 'Fg9Hj3Kl6Zxc',
    topic: 'backups',
    ageSeconds: 11 * 3600,
    title: 'Backup FAILED',
    message:
      'restic: unable to open repository s3:https://s3.home.lan/backups: dial tcp 10.0.0.40:443: i/o timeout',
    priority: 5,
    tags: ['x', 'floppy_disk'],
    click: 'https://restic.home.lan/logs',
    icon: 'https://restic.home.lan/icon.png',
    attachment: { name: 'backup.log', url: 'https://restic.home.lan/logs/backup.log' },
  },
  {
    id: 'Vb1Nm4Qw7Ert',
    topic: 'backups',
    ageSeconds: 10 * 3600 + 1800,
    title: 'Backup succeeded (retry)',
    message: 'restic snapshot 1c0ffee5 saved after 1 retry',
    priority: 1,
    tags: ['white_check_mark'],
  },
  {
    id: 'Yu8Io2Pa5Sdf',
    topic: 'homelab-alerts',
    ageSeconds: 6 * 3600,
    title: 'payments-api is crash looping',
    message: `Pod apps/${PAYMENTS_POD} restarted 12 times (last state: OOMKilled)`,
    priority: 5,
    tags: ['rotating_light', 'skull'],
    click: 'http://127.0.0.1:19093/#/alerts?filter=%7Balertname%3D%22KubePodCrashLooping%22%7D',
  },
  {
    id: 'Gh6Jk9Lz2Xcv',
    topic: 'homelab-alerts',
    ageSeconds: 3 * 3600,
    title: 'Webhook test',
    message: `test delivery from CI, api_key=${NTFY_SECRET}`,
    priority: 2,
    tags: ['test'],
  },
  {
    id: 'Bn5Mq8Wr1Tyu',
    topic: 'homelab-alerts',
    ageSeconds: 90 * 60,
    title: 'Node node-3 NotReady',
    message: 'KubeNodeNotReady: node-3 has been unready for more than 15 minutes',
    priority: 5,
    tags: ['rotating_light'],
    click: 'https://grafana.home.lan/d/k8s-nodes?var-node=node-3',
  },
  {
    id: 'Io3Pa6Sd9Fgh',
    topic: 'backups',
    ageSeconds: 30 * 60,
    title: 'Prune finished',
    message: 'removed 14 snapshots, 6.1 GiB freed',
  },
  {
    id: 'Jk1Lz4Xc7Vbn',
    topic: 'homelab-alerts',
    ageSeconds: 20 * 60,
    title: 'Disk /var almost full on node-2',
    message: 'only 2.5% available on /var (node-2)',
    priority: 4,
    tags: ['floppy_disk', 'warning'],
  },
  {
    id: 'Mq2Wr5Ty8Uio',
    topic: 'homelab-alerts',
    ageSeconds: 5 * 60,
    message: 'HTTPHighErrorRate: 11% of requests to apps/frontend fail',
    priority: 4,
  },
];

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
