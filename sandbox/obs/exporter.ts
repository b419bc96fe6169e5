/**
 * Sandbox exporter: cluster-like series for Prometheus, in the Prometheus text exposition format (0.0.4).
 *
 * One process stands in for several real exporters, each on its own path (kube-state-metrics with Flux's custom
 * resource metrics, node-exporter per node that runs the agent, the kubelet's cAdvisor per node, the API server,
 * cert-manager, the applications), see SCRAPE_TARGETS in fixtures.ts. The series describe the Kubernetes seed's
 * cluster: its nodes, pods, Deployments, Certificates and Flux objects, with their failures at the seeded times.
 * Every value is a pure function of wall-clock time and of the scenario anchor, so the history backfilled into
 * Prometheus (sandbox/obs/obsctl.ts backfill) and the live scrapes form one continuous series, and a restarted
 * exporter continues its counters instead of resetting them.
 *
 *   node sandbox/obs/exporter.ts --port 19100 --anchor-file .sandbox/data/prometheus/anchor.json
 */
import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import {
  CERTIFICATES,
  type ClusterNode,
  type ClusterPod,
  CRASH_LOOP,
  crashLoopAt,
  DEPLOYMENTS,
  FILESYSTEMS,
  FLUX_OBJECTS,
  HTTP_SERVICES,
  type HttpServiceFixture,
  hash01,
  NODES,
  PODS,
  PORTS,
  SCRAPE_TARGETS,
  type ScrapeTarget,
  VOLUMES,
} from './fixtures.ts';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

type MetricType = 'counter' | 'gauge' | 'histogram';

/** Family metadata for the exposition (histogram families are listed under their base name). */
const FAMILIES: Record<string, [MetricType, string]> = {
  kube_node_info: ['gauge', 'Information about a cluster node.'],
  kube_node_status_condition: ['gauge', 'The condition of a cluster node.'],
  kube_node_spec_unschedulable: ['gauge', 'Whether a node can schedule new pods.'],
  kube_node_status_capacity: ['gauge', 'The capacity for different resources of a node.'],
  kube_pod_info: ['gauge', 'Information about pod.'],
  kube_pod_status_phase: ['gauge', 'The pods current phase.'],
  kube_pod_container_status_ready: ['gauge', 'Describes whether the containers readiness check succeeded.'],
  kube_pod_container_status_restarts_total: ['counter', 'The number of container restarts per container.'],
  kube_pod_container_status_waiting_reason: [
    'gauge',
    'Describes the reason the container is currently in waiting state.',
  ],
  kube_pod_container_status_last_terminated_reason: [
    'gauge',
    'Describes the last reason the container was in terminated state.',
  ],
  kube_deployment_spec_replicas: ['gauge', 'Number of desired pods for a deployment.'],
  kube_deployment_status_replicas_available: ['gauge', 'The number of available replicas per deployment.'],
  gotk_resource_info: ['gauge', 'The current state of a Flux resource.'],
  node_cpu_seconds_total: ['counter', 'Seconds the CPUs spent in each mode.'],
  node_memory_MemTotal_bytes: ['gauge', 'Memory information field MemTotal_bytes.'],
  node_memory_MemAvailable_bytes: ['gauge', 'Memory information field MemAvailable_bytes.'],
  node_load1: ['gauge', '1m load average.'],
  node_load5: ['gauge', '5m load average.'],
  node_filesystem_size_bytes: ['gauge', 'Filesystem size in bytes.'],
  node_filesystem_avail_bytes: ['gauge', 'Filesystem space available to non-root users in bytes.'],
  node_filesystem_readonly: ['gauge', 'Filesystem read-only status.'],
  container_memory_working_set_bytes: ['gauge', 'Current working set of the container in bytes'],
  container_cpu_usage_seconds_total: ['counter', 'Cumulative cpu time consumed in seconds.'],
  kubelet_volume_stats_capacity_bytes: ['gauge', 'Capacity in bytes of the volume'],
  kubelet_volume_stats_available_bytes: ['gauge', 'Number of available bytes in the volume'],
  apiserver_request_total: [
    'counter',
    'Counter of apiserver requests broken out for each verb, resource and HTTP response code.',
  ],
  apiserver_request_duration_seconds: [
    'histogram',
    'Response latency distribution in seconds for each verb.',
  ],
  certmanager_certificate_expiration_timestamp_seconds: [
    'gauge',
    'The timestamp after which the certificate expires, expressed in Unix Epoch Time.',
  ],
  certmanager_certificate_renewal_timestamp_seconds: [
    'gauge',
    'The timestamp after which the certificate should be renewed, expressed in Unix Epoch Time.',
  ],
  certmanager_certificate_ready_status: ['gauge', 'The ready status of the certificate.'],
  http_requests_total: ['counter', 'Total HTTP requests by method and status code.'],
  http_request_duration_seconds: ['histogram', 'HTTP request latency.'],
};

const TAU = 2 * Math.PI;
const WEEK = 7 * 86400;
const DAY = 86400;

/** A slow wave in [-1, 1] with a phase fixed per key. */
function wave(t: number, periodSeconds: number, key: string): number {
  return Math.sin((TAU * t) / periodSeconds + hash01(key) * TAU);
}

/** Noise in [-0.5, 0.5) that changes every `step` seconds. */
function jitter(t: number, key: string, step = 15): number {
  return hash01(`${key}@${Math.floor(t / step)}`) - 0.5;
}

/** The start of the current week-long counter epoch of a process (a node's boot, a pod's start). */
function epochOf(t: number, resetKey: string): number {
  const offset = hash01(`${resetKey}:reset`) * WEEK;
  return Math.floor((t - offset) / WEEK) * WEEK + offset;
}

/** ∫ rate·(1 + amp·sin(2πu/P + φ)) du over [a, b]. */
function integral(a: number, b: number, rate: number, key: string, amp: number, period: number): number {
  if (b <= a) return 0;
  const phase = hash01(`${key}:phase`) * TAU;
  const w = (u: number): number => Math.cos((TAU * u) / period + phase);
  return rate * (b - a + ((amp * period) / TAU) * (w(a) - w(b)));
}

/**
 * A counter whose rate moves around `rate` (by ±amp): the integral of rate·(1 + amp·sin(2πu/P + φ)) since its
 * last reset. Counters of one process (same `resetKey`: a node's boot, a pod's start) reset together, once a
 * week at a time of their own, like a node rebooting or a pod being replaced. With `change`, the rate is
 * `change.rate` from `change.at` on (the counter stays continuous).
 */
function counter(
  t: number,
  rate: number,
  key: string,
  resetKey: string,
  amp = 0.3,
  period = 3600,
  change?: { at: number; rate: number },
): number {
  const epoch = epochOf(t, resetKey);
  if (!change || change.at >= t) return integral(epoch, t, rate, key, amp, period);
  return (
    integral(epoch, Math.max(epoch, change.at), rate, key, amp, period) +
    integral(Math.max(epoch, change.at), t, change.rate, key, amp, period)
  );
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26). */
function normalCdf(x: number): number {
  const s = x < 0 ? -1 : 1;
  const z = Math.abs(x) / Math.SQRT2;
  const k = 1 / (1 + 0.3275911 * z);
  const erf =
    1 -
    ((((1.061405429 * k - 1.453152027) * k + 1.421413741) * k - 0.284496736) * k + 0.254829592) *
      k *
      Math.exp(-z * z);
  return 0.5 * (1 + s * erf);
}

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Histogram samples for a log-normal latency with median `median` and a request counter. */
function histogram(
  base: string,
  labels: Record<string, string>,
  count: number,
  median: number,
  sigma = 0.8,
): Sample[] {
  const out: Sample[] = [];
  for (const le of BUCKETS) {
    const share = normalCdf(Math.log(le / median) / sigma);
    out.push({
      name: `${base}_bucket`,
      labels: { ...labels, le: String(le) },
      value: Math.floor(count * share),
    });
  }
  out.push({ name: `${base}_bucket`, labels: { ...labels, le: '+Inf' }, value: Math.floor(count) });
  out.push({ name: `${base}_sum`, labels, value: count * median * Math.exp((sigma * sigma) / 2) });
  out.push({ name: `${base}_count`, labels, value: Math.floor(count) });
  return out;
}

/** Seconds before the anchor `t` is (negative: after it); fixtures describe times that way. */
const ageOf = (t: number, anchor: number): number => anchor - t;

function nodeDown(node: ClusterNode, t: number, anchor: number): boolean {
  return node.notReadySinceSeconds !== undefined && ageOf(t, anchor) <= node.notReadySinceSeconds;
}

const isCrashLooping = (p: ClusterPod): boolean => p.name === CRASH_LOOP.pod.name;

function podExists(p: ClusterPod, t: number, anchor: number): boolean {
  return ageOf(t, anchor) <= p.createdSinceSeconds;
}

/** Phase at t: a terminal pod was Running until it ended. */
function phaseAt(p: ClusterPod, t: number, anchor: number): ClusterPod['phase'] {
  if (p.endedSinceSeconds !== undefined && ageOf(t, anchor) > p.endedSinceSeconds) return 'Running';
  return p.phase;
}

/** Whether the pod's containers run at t (and so have cAdvisor series): not while its node's runtime is down. */
function podRunning(p: ClusterPod, t: number, anchor: number): boolean {
  if (!podExists(p, t, anchor) || phaseAt(p, t, anchor) !== 'Running') return false;
  const node = NODES.find((n) => n.name === p.node);
  if (!node || nodeDown(node, t, anchor)) return false;
  if (isCrashLooping(p)) return crashLoopAt(ageOf(t, anchor)).running !== undefined;
  return true;
}

function ksm(t: number, anchor: number): Sample[] {
  const out: Sample[] = [];
  const age = ageOf(t, anchor);
  for (const n of NODES) {
    out.push({
      name: 'kube_node_info',
      labels: {
        node: n.name,
        internal_ip: n.internalIP,
        kubelet_version: n.kubeletVersion,
        os_image: n.osImage,
        kernel_version: n.kernelVersion,
        container_runtime_version: n.containerRuntimeVersion,
      },
      value: 1,
    });
    // A NotReady node's kubelet still posts status (the CNI is not ready), so Ready is false, not unknown.
    const conditions: Record<string, 'true' | 'false'> = {
      Ready: nodeDown(n, t, anchor) ? 'false' : 'true',
      MemoryPressure:
        n.memoryPressureSinceSeconds !== undefined && age <= n.memoryPressureSinceSeconds ? 'true' : 'false',
      DiskPressure: 'false',
      PIDPressure: 'false',
    };
    for (const [condition, current] of Object.entries(conditions)) {
      for (const status of ['true', 'false', 'unknown']) {
        out.push({
          name: 'kube_node_status_condition',
          labels: { node: n.name, condition, status },
          value: status === current ? 1 : 0,
        });
      }
    }
    out.push({ name: 'kube_node_spec_unschedulable', labels: { node: n.name }, value: n.cordoned ? 1 : 0 });
    out.push({
      name: 'kube_node_status_capacity',
      labels: { node: n.name, resource: 'cpu', unit: 'core' },
      value: n.cpus,
    });
    out.push({
      name: 'kube_node_status_capacity',
      labels: { node: n.name, resource: 'memory', unit: 'byte' },
      value: n.memoryBytes,
    });
    out.push({
      name: 'kube_node_status_capacity',
      labels: { node: n.name, resource: 'pods', unit: 'integer' },
      value: 110,
    });
  }
  for (const p of PODS) {
    if (!podExists(p, t, anchor)) continue;
    const info: Record<string, string> = { namespace: p.namespace, pod: p.name };
    if (p.node) info.node = p.node;
    if (p.podIP) info.pod_ip = p.podIP;
    if (p.ownerKind) info.created_by_kind = p.ownerKind;
    if (p.ownerName) info.created_by_name = p.ownerName;
    out.push({ name: 'kube_pod_info', labels: info, value: 1 });
    const phase = phaseAt(p, t, anchor);
    for (const ph of ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']) {
      out.push({
        name: 'kube_pod_status_phase',
        labels: { namespace: p.namespace, pod: p.name, phase: ph },
        value: phase === ph ? 1 : 0,
      });
    }
    // An unscheduled pod has no container statuses yet.
    if (!p.node) continue;
    const crash = isCrashLooping(p) ? crashLoopAt(age) : undefined;
    const running = phase === 'Running';
    for (const ctr of p.containers) {
      const ids = { namespace: p.namespace, pod: p.name, container: ctr.name };
      let restarts = 0;
      let ready = running;
      let waiting: string | undefined;
      let terminated: string | undefined;
      if (ctr.main) {
        if (crash) {
          restarts = crash.restarts;
          ready = crash.running !== undefined;
          if (crash.running === undefined && crash.lastEnding) waiting = p.waitingReason;
          terminated = crash.lastEnding;
        } else {
          const last = p.lastTermination;
          const after = last !== undefined && age <= last.sinceSeconds;
          restarts = last && !after ? Math.max(0, p.restarts - 1) : p.restarts;
          if (after) terminated = last?.reason;
          if (p.notReadySinceSeconds !== undefined && age <= p.notReadySinceSeconds) ready = false;
          else if (p.notReadySinceSeconds === undefined && !p.ready) ready = false;
          waiting = p.waitingReason;
        }
      }
      out.push({ name: 'kube_pod_container_status_ready', labels: ids, value: ready ? 1 : 0 });
      out.push({ name: 'kube_pod_container_status_restarts_total', labels: ids, value: restarts });
      if (waiting) {
        out.push({
          name: 'kube_pod_container_status_waiting_reason',
          labels: { ...ids, reason: waiting },
          value: 1,
        });
      }
      if (terminated) {
        out.push({
          name: 'kube_pod_container_status_last_terminated_reason',
          labels: { ...ids, reason: terminated },
          value: 1,
        });
      }
    }
  }
  for (const d of DEPLOYMENTS) {
    const ids = { namespace: d.namespace, deployment: d.name };
    out.push({ name: 'kube_deployment_spec_replicas', labels: ids, value: d.replicas });
    out.push({ name: 'kube_deployment_status_replicas_available', labels: ids, value: d.available });
  }
  // Flux objects, as kube-state-metrics' custom resource state config of the Flux monitoring example reports them.
  for (const f of FLUX_OBJECTS) {
    const labels: Record<string, string> = {
      customresource_group: f.group,
      customresource_kind: f.kind,
      customresource_version: f.version,
      exported_namespace: f.namespace,
      name: f.name,
      ready: f.ready !== 'True' && age <= f.readySinceSeconds ? f.ready : 'True',
      suspended: String(f.suspended),
    };
    if (f.revision) labels.revision = f.revision;
    out.push({ name: 'gotk_resource_info', labels, value: 1 });
  }
  return out;
}

/** Free share of a filesystem: drifting down over the week before the anchor, then steady with small waves. */
function availShare(fs: (typeof FILESYSTEMS)[number], t: number, anchor: number): number {
  const key = `${fs.node}:${fs.mountpoint}`;
  if (t >= anchor) return fs.availShare * (1 + 0.03 * wave(t, 5400, key) + 0.01 * jitter(t, key, 60));
  const progress = Math.max(0, 1 - (anchor - t) / WEEK);
  return (
    fs.availShareWeekAgo + (fs.availShare - fs.availShareWeekAgo) * progress + 0.002 * wave(t, 86400, key)
  );
}

function nodeExporter(node: ClusterNode, t: number, anchor: number): Sample[] {
  const out: Sample[] = [];
  const pods = PODS.filter((p) => p.node === node.name && podRunning(p, t, anchor));
  const podCpu = pods.reduce((s, p) => s + p.containers.reduce((a, c) => a + c.cpuCores, 0), 0);
  // metrics-server's usage when it has one, so both views of the node agree.
  const util = Math.min(0.95, node.usage ? node.usage.cpuCores / node.cpus : 0.06 + podCpu / node.cpus);
  for (let cpu = 0; cpu < node.cpus; cpu++) {
    const key = `${node.name}:cpu${cpu}`;
    const user = util * 0.68;
    const system = util * 0.27;
    const iowait = node.name === FILESYSTEMS.find((f) => f.availShare < 0.05)?.node ? 0.04 : 0.005;
    const modes: Record<string, number> = {
      user,
      system,
      iowait,
      idle: Math.max(0.02, 1 - user - system - iowait),
    };
    for (const [mode, rate] of Object.entries(modes)) {
      out.push({
        name: 'node_cpu_seconds_total',
        labels: { cpu: String(cpu), mode },
        value: counter(t, rate, `${key}:${mode}`, node.name, mode === 'idle' ? 0.1 : 0.3),
      });
    }
  }
  const used =
    node.usage?.memoryBytes ??
    pods.reduce((s, p) => s + p.containers.reduce((a, c) => a + c.memoryBytes, 0), 0) + 1.1 * 1024 ** 3;
  const memUsed =
    used * (1 + 0.02 * wave(t, 2700, `${node.name}:mem`) + 0.01 * jitter(t, `${node.name}:mem`));
  out.push({ name: 'node_memory_MemTotal_bytes', labels: {}, value: node.memoryBytes });
  out.push({
    name: 'node_memory_MemAvailable_bytes',
    labels: {},
    value: Math.max(0, Math.round(node.memoryBytes - memUsed)),
  });
  const load = util * node.cpus;
  out.push({
    name: 'node_load1',
    labels: {},
    value: round3(load * (1 + 0.35 * wave(t, 600, `${node.name}:l1`) + 0.2 * jitter(t, `${node.name}:l1`))),
  });
  out.push({
    name: 'node_load5',
    labels: {},
    value: round3(load * (1 + 0.2 * wave(t, 1800, `${node.name}:l5`))),
  });
  for (const fs of FILESYSTEMS.filter((f) => f.node === node.name)) {
    const ids = { device: fs.device, fstype: fs.fstype, mountpoint: fs.mountpoint };
    out.push({ name: 'node_filesystem_size_bytes', labels: ids, value: fs.sizeBytes });
    out.push({
      name: 'node_filesystem_avail_bytes',
      labels: ids,
      value: Math.round(fs.sizeBytes * availShare(fs, t, anchor)),
    });
    out.push({ name: 'node_filesystem_readonly', labels: ids, value: 0 });
  }
  return out;
}

/** cAdvisor and volume stats of a node's kubelet; nothing while its container runtime is down. */
function kubelet(node: ClusterNode, t: number, anchor: number): Sample[] {
  const out: Sample[] = [];
  if (nodeDown(node, t, anchor)) return out;
  for (const p of PODS.filter((x) => x.node === node.name && podRunning(x, t, anchor))) {
    for (const ctr of p.containers) {
      const ids = { namespace: p.namespace, pod: p.name, container: ctr.name };
      const key = `${p.name}:${ctr.name}`;
      let mem = ctr.memoryBytes * (1 + 0.05 * wave(t, 3600, key) + 0.02 * jitter(t, key));
      const run = isCrashLooping(p) && ctr.main ? crashLoopAt(ageOf(t, anchor)).running : undefined;
      // Grows until the OOM kill, then starts over with the next run.
      if (run !== undefined) mem = CRASH_LOOP.peakMemoryBytes * (0.15 + 0.85 * run);
      out.push({ name: 'container_memory_working_set_bytes', labels: ids, value: Math.round(mem) });
      out.push({
        name: 'container_cpu_usage_seconds_total',
        labels: ids,
        value: round3(counter(t, ctr.cpuCores, `${key}:cpu`, p.name)),
      });
    }
  }
  for (const v of VOLUMES.filter((x) => x.node === node.name)) {
    const ids = { namespace: v.namespace, persistentvolumeclaim: v.persistentvolumeclaim };
    out.push({ name: 'kubelet_volume_stats_capacity_bytes', labels: ids, value: v.capacityBytes });
    const share = v.availShare * (1 + 0.02 * wave(t, 7200, v.persistentvolumeclaim));
    out.push({
      name: 'kubelet_volume_stats_available_bytes',
      labels: ids,
      value: Math.round(v.capacityBytes * share),
    });
  }
  return out;
}

function apiserver(t: number): Sample[] {
  const out: Sample[] = [];
  const verbs = [
    { verb: 'GET', resource: 'pods', rate: 6, median: 0.008 },
    { verb: 'LIST', resource: 'pods', rate: 1.5, median: 0.06 },
    { verb: 'PATCH', resource: 'pods', rate: 0.4, median: 0.02 },
  ];
  for (const v of verbs) {
    const ok = counter(t, v.rate, `apiserver:${v.verb}`, 'apiserver');
    out.push({
      name: 'apiserver_request_total',
      labels: { verb: v.verb, resource: v.resource, code: '200' },
      value: Math.floor(ok),
    });
    if (v.verb === 'GET') {
      const failed = counter(t, v.rate * 0.002, `apiserver:${v.verb}:500`, 'apiserver');
      out.push({
        name: 'apiserver_request_total',
        labels: { verb: v.verb, resource: v.resource, code: '500' },
        value: Math.floor(failed),
      });
    }
    out.push(...histogram('apiserver_request_duration_seconds', { verb: v.verb }, ok, v.median));
  }
  return out;
}

/** cert-manager's certificate metrics: expiry and renewal as the Certificates' status says, relative to the anchor. */
function certManager(anchor: number): Sample[] {
  const out: Sample[] = [];
  for (const c of CERTIFICATES) {
    const ids = {
      name: c.name,
      namespace: c.namespace,
      issuer_name: c.issuer.name,
      issuer_kind: c.issuer.kind,
      issuer_group: 'cert-manager.io',
    };
    if (c.notAfterDays !== null) {
      out.push({
        name: 'certmanager_certificate_expiration_timestamp_seconds',
        labels: ids,
        value: anchor + c.notAfterDays * DAY,
      });
    }
    if (c.renewalDays !== undefined) {
      out.push({
        name: 'certmanager_certificate_renewal_timestamp_seconds',
        labels: ids,
        value: anchor + c.renewalDays * DAY,
      });
    }
    for (const condition of ['True', 'False', 'Unknown']) {
      out.push({
        name: 'certmanager_certificate_ready_status',
        labels: { ...ids, condition },
        value: c.ready === condition ? 1 : 0,
      });
    }
  }
  return out;
}

/** One service's requests; its 5xx share changes to `errorShare` at `errorsSinceSeconds` before the anchor. */
function apps(s: HttpServiceFixture, t: number, anchor: number): Sample[] {
  const out: Sample[] = [];
  const key = `${s.namespace}/${s.service}`;
  const shares = (errorShare: number): [string, string, number][] => {
    const out: [string, string, number][] = [];
    for (const [method, methodShare] of [
      ['GET', 0.8],
      ['POST', 0.2],
    ] as const) {
      out.push([method, '200', methodShare * (1 - errorShare - 0.02)]);
      out.push([method, '404', methodShare * 0.02]);
      out.push([method, '500', methodShare * errorShare * 0.3]);
      out.push([method, '502', methodShare * errorShare * 0.7]);
    }
    return out;
  };
  const before = shares(s.errorShareBefore);
  const after = shares(s.errorShare);
  let total = 0;
  before.forEach(([method, code, share], i) => {
    const change = { at: anchor - s.errorsSinceSeconds, rate: s.rps * (after[i]?.[2] ?? share) };
    const v = counter(t, s.rps * share, `${key}:${method}:${code}`, key, 0.3, 1800, change);
    total += v;
    out.push({
      name: 'http_requests_total',
      labels: { namespace: s.namespace, service: s.service, method, code },
      value: Math.floor(v),
    });
  });
  out.push(
    ...histogram(
      'http_request_duration_seconds',
      { namespace: s.namespace, service: s.service },
      total,
      s.p50Seconds,
      0.9,
    ),
  );
  return out;
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/** The samples a target exposes at time t (seconds), or 'down' when the target would not answer. */
export function targetSamples(target: ScrapeTarget, t: number, anchor: number): Sample[] | 'down' {
  const node = target.node ? NODES.find((n) => n.name === target.node) : undefined;
  switch (target.kind) {
    case 'ksm':
      return ksm(t, anchor);
    case 'node':
      return node ? nodeExporter(node, t, anchor) : 'down';
    case 'kubelet':
      return node ? kubelet(node, t, anchor) : 'down';
    case 'apiserver':
      return apiserver(t);
    case 'cert-manager':
      return certManager(anchor);
    case 'apps': {
      const service = HTTP_SERVICES.find((s) => `${s.namespace}/${s.service}` === target.params?.service);
      return service ? apps(service, t, anchor) : 'down';
    }
    default:
      return 'down';
  }
}

/** Targets whose history the exporter can produce (not Prometheus' and Alertmanager's own metrics). */
export const EXPORTER_TARGETS: readonly ScrapeTarget[] = SCRAPE_TARGETS.filter(
  (t) => t.address === `127.0.0.1:${PORTS.exporter}`,
);

function familyOf(name: string): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    const base = name.slice(0, -suffix.length);
    if (name.endsWith(suffix) && FAMILIES[base]?.[0] === 'histogram') return base;
  }
  return name;
}

const NEEDS_ESCAPE = /[\\\n"]/;

export function escapeLabelValue(v: string): string {
  if (!NEEDS_ESCAPE.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** `a="1",b="2"` (no braces). */
export function labelPairs(labels: Record<string, string>): string {
  let out = '';
  for (const k in labels) out += `${out ? ',' : ''}${k}="${escapeLabelValue(labels[k] as string)}"`;
  return out;
}

export function formatLabels(labels: Record<string, string>): string {
  const pairs = labelPairs(labels);
  return pairs ? `{${pairs}}` : '';
}

/** Text exposition format 0.0.4, families in first-seen order, HELP and TYPE once per family. */
export function exposition(samples: Sample[]): string {
  const byFamily = new Map<string, Sample[]>();
  for (const s of samples) {
    const f = familyOf(s.name);
    let list = byFamily.get(f);
    if (!list) {
      list = [];
      byFamily.set(f, list);
    }
    list.push(s);
  }
  const lines: string[] = [];
  for (const [family, list] of byFamily) {
    const meta = FAMILIES[family];
    if (meta) lines.push(`# HELP ${family} ${meta[1]}`, `# TYPE ${family} ${meta[0]}`);
    for (const s of list) lines.push(`${s.name}${formatLabels(s.labels)} ${s.value}`);
  }
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP server
// ---------------------------------------------------------------------------------------------------------------

function readAnchor(file: string, cache: { mtimeMs: number; anchor: number }): number {
  try {
    const st = statSync(file);
    if (st.mtimeMs !== cache.mtimeMs) {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as { seedTimeMs?: number };
      if (typeof parsed.seedTimeMs === 'number') cache.anchor = Math.floor(parsed.seedTimeMs / 1000);
      cache.mtimeMs = st.mtimeMs;
    }
  } catch {
    // No anchor yet: the scenario starts now.
    if (cache.anchor === 0) cache.anchor = Math.floor(Date.now() / 1000);
  }
  return cache.anchor;
}

function main(): void {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: String(PORTS.exporter) }, 'anchor-file': { type: 'string' } },
  });
  const port = Number(values.port);
  const anchorFile = values['anchor-file'];
  const cache = { mtimeMs: -1, anchor: 0 };
  let scrapes = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const t = Date.now() / 1000;
    const anchor = anchorFile ? readAnchor(anchorFile, cache) : Math.floor(t);
    if (url.pathname === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ok\n');
      return;
    }
    if (url.pathname === '/') {
      const paths = [
        ...new Set(
          EXPORTER_TARGETS.map(
            (x) =>
              x.metricsPath +
              Object.keys(x.params ?? {})
                .map((k, i) => `${i ? '&' : '?'}${k}=<${k}>`)
                .join(''),
          ),
        ),
      ];
      res
        .writeHead(200, { 'content-type': 'text/plain; charset=utf-8' })
        .end(`cluster-mcp sandbox exporter\n${paths.join('\n')}\n`);
      return;
    }
    if (url.pathname === '/metrics') {
      res
        .writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
        .end(
          `# HELP sandbox_exporter_scrapes_total Scrapes served.\n# TYPE sandbox_exporter_scrapes_total counter\nsandbox_exporter_scrapes_total ${scrapes}\n`,
        );
      return;
    }
    const target = EXPORTER_TARGETS.find(
      (x) =>
        x.metricsPath === url.pathname &&
        Object.entries(x.params ?? {}).every(([k, v]) => url.searchParams.get(k) === v),
    );
    if (!target) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
      return;
    }
    scrapes++;
    const samples = targetSamples(target, t, anchor);
    if (samples === 'down') {
      const status = target.broken ? 500 : 503;
      const msg = target.broken
        ? 'An error has occurred while serving metrics:\n\ncollector "smart" failed: exit status 2\n'
        : 'node unreachable\n';
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(msg);
      return;
    }
    res
      .writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
      .end(exposition(samples));
  });
  server.listen(port, '127.0.0.1', () => {
    console.log(
      `sandbox exporter listening on http://127.0.0.1:${port} (anchor file: ${anchorFile ?? 'none'})`,
    );
  });
  const stop = (): void => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (import.meta.main) main();
