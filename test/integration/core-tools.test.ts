/**
 * The Kubernetes core tools against the sandbox, through the MCP protocol, with the read-only ServiceAccount:
 * every field is compared with the seeded truth of sandbox/seed/fixtures.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  adminClient,
  readSandboxEnv,
  seedTimeMs as readSeedTime,
  removeMetricsApi,
  restoreMetricsApi,
} from '../../sandbox/control.ts';
import type { KubeClient as AdminClient } from '../../sandbox/kube/client.ts';
import {
  allNamespaces,
  allWorkloads,
  clock,
  cordonedNodes,
  DAY,
  degradedWorkloads,
  deployments,
  type EventFixture,
  events as eventFixtures,
  HOUR,
  MINUTE,
  namespaces as namespaceFixtures,
  nodes,
  notReadyNodes,
  POD_STATES,
  type PodFixture,
  pods as podFixtures,
  podsIn,
  problemPods,
  SANDBOX_NAMESPACE,
  scaleNamespaces,
  scalePod,
} from '../../sandbox/seed/fixtures.ts';
import { cpuCores, memoryMiB, parseQuantity, percent } from '../../src/util/quantity.ts';
import { errorText, ok, startServer, type TestServer } from '../support/server.ts';

interface List<T, S = Record<string, unknown>> {
  items: T[];
  total: number | null;
  returned: number;
  truncated: boolean;
  continue?: string;
  hint?: string;
  summary: S;
  errors?: { part: string; error: string }[];
}

interface PodItem {
  namespace: string;
  name: string;
  phase: string;
  ready: string;
  restarts: number;
  problem?: boolean;
  waiting?: { container: string; reason: string; message?: string };
  lastTermination?: { container: string; reason?: string; exitCode: number; at?: string };
  reason?: string;
  message?: string;
  node?: string;
  owner?: string;
  age?: string;
}

interface NodeItem {
  name: string;
  roles?: string[];
  ready: string;
  reason?: string;
  message?: string;
  conditions?: { type: string; status: string; reason?: string }[];
  unschedulable?: boolean;
  taints?: string[];
  kubelet?: string;
  osImage?: string;
  kernel?: string;
  arch?: string;
  runtime?: string;
  capacity: { cpu?: number; memoryMiB?: number };
  allocatable: { cpu?: number; memoryMiB?: number };
  usage: { cpu?: number; memoryMiB?: number; cpuPct?: number; memoryPct?: number } | null;
  pods: { scheduled?: number; capacity?: number };
  age?: string;
}

interface EventItem {
  lastSeen: string;
  type: string;
  reason: string;
  kind: string;
  namespace?: string;
  name: string;
  message?: string;
  count: number;
  source?: string;
}

interface WorkloadItem {
  kind: string;
  namespace: string;
  name: string;
  desired: number;
  ready: number;
  updated: number;
  available: number;
  scheduled?: number;
  misscheduled?: number;
  unavailable?: number;
  degraded?: boolean;
  paused?: boolean;
  rolloutPending?: boolean;
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
  images: string[];
}

const env = readSandboxEnv();
const seedTimeMs = readSeedTime(env);
const at = clock(seedTimeMs);
/** Pods of the large seed (`npm run sandbox:up -- --pods N`), 0 without it. */
const scaleCount = Number(env.SCALE_PODS);
const scaleNs = scaleNamespaces(scaleCount);
const isScale = (ns: string): boolean => /^scale-\d+$/.test(ns);
const key = (p: { namespace?: string; name: string }): string => `${p.namespace ?? ''}/${p.name}`;

/** A `since` that reaches `agoSec` before the seed from now. */
const sinceSeed = (agoSec: number): string => `${Math.ceil((Date.now() - seedTimeMs) / 1000 + agoSec)}s`;

let server: TestServer;
let admin: AdminClient;

async function list<T, S = Record<string, unknown>>(
  tool: string,
  args: Record<string, unknown> = {},
): Promise<List<T, S>> {
  return ok<List<T, S>>(await server.call(tool, args));
}

/** Follows `continue` to the end, returning every item and every page. */
async function all<T>(
  tool: string,
  args: Record<string, unknown>,
): Promise<{ items: T[]; pages: List<T>[] }> {
  const pages: List<T>[] = [];
  let cont: string | undefined;
  do {
    const page = await list<T>(tool, { ...args, ...(cont ? { continue: cont } : {}) });
    pages.push(page);
    cont = page.continue;
  } while (cont && pages.length < 1000);
  return { items: pages.flatMap((p) => p.items), pages };
}

beforeAll(async () => {
  server = await startServer();
  admin = adminClient(env);
});

afterAll(async () => {
  await server?.close();
  admin?.close();
});

const scalePods = (): ReturnType<typeof scalePod>[] =>
  Array.from({ length: scaleCount }, (_, i) => scalePod(i));
const notScaleSelector = (): string | undefined =>
  scaleNs.length > 0 ? scaleNs.map((ns) => `metadata.namespace!=${ns}`).join(',') : undefined;

// ---------------------------------------------------------------------------------------------------------------

it('every core tool answers with structuredContent that validates against its outputSchema (v1 client)', async () => {
  // The v1 SDK client checks structuredContent against the outputSchema from tools/list and throws on a mismatch.
  const c = await server.client('v1');
  const { tools } = await c.listTools();
  const calls: [string, Record<string, unknown>][] = [
    ['get_node_status', {}],
    ['get_pods', { status: 'problem' }],
    ['get_pods', { limit: 3 }],
    ['get_namespaces', { pods: true }],
    ['get_events', { since: sinceSeed(DAY) }],
    ['get_workloads', { limit: 3 }],
  ];
  for (const [name, args] of calls) {
    expect(tools.find((t) => t.name === name)?.outputSchema, name).toBeDefined();
    ok(await c.callTool(name, args));
  }
});

describe('get_node_status', () => {
  let byName: Map<string, NodeItem>;
  let result: List<NodeItem, { ready: number; notReady: number; cordoned: number }>;

  beforeAll(async () => {
    result = await list('get_node_status');
    byName = new Map(result.items.map((n) => [n.name, n]));
  });

  it('lists every seeded node with the summary counts', () => {
    expect([...byName.keys()].sort()).toEqual(nodes.map((n) => n.name).sort());
    expect(result.total).toBe(nodes.length);
    expect(result.truncated).toBe(false);
    expect(result.summary).toEqual({
      ready: nodes.filter((n) => n.ready).length,
      notReady: notReadyNodes.length,
      cordoned: cordonedNodes.length,
    });
  });

  it('each node shows its seeded roles, versions, taints and capacity', () => {
    for (const f of nodes) {
      const n = byName.get(f.name)!;
      expect(n.roles, f.name).toEqual(f.roles);
      expect(n.kubelet).toBe(f.nodeInfo.kubeletVersion);
      expect(n.osImage).toBe(f.nodeInfo.osImage);
      expect(n.kernel).toBe(f.nodeInfo.kernelVersion);
      expect(n.arch).toBe(f.nodeInfo.architecture);
      expect(n.runtime).toBe(f.nodeInfo.containerRuntimeVersion);
      expect(n.taints ?? []).toEqual(
        f.taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`),
      );
      expect(n.capacity).toEqual({ cpu: cpuCores(f.capacity.cpu), memoryMiB: memoryMiB(f.capacity.memory) });
      expect(n.allocatable).toEqual({
        cpu: cpuCores(f.allocatable.cpu),
        memoryMiB: memoryMiB(f.allocatable.memory),
      });
      expect(n.pods.capacity).toBe(Number(f.allocatable.pods));
    }
  });

  it('the NotReady node reports ready False with its reason and message', () => {
    for (const name of notReadyNodes) {
      const f = nodes.find((x) => x.name === name)!;
      expect(byName.get(name)).toMatchObject({
        ready: 'False',
        reason: f.notReady!.reason,
        message: f.notReady!.message,
      });
    }
    for (const f of nodes.filter((x) => x.ready)) {
      expect(byName.get(f.name)!.ready).toBe('True');
      expect(byName.get(f.name)!.reason).toBeUndefined();
    }
  });

  it('the cordoned node is unschedulable and the others are not', () => {
    for (const f of nodes) expect(byName.get(f.name)!.unschedulable ?? false, f.name).toBe(f.cordoned);
  });

  it('memory pressure shows as an abnormal condition', () => {
    for (const f of nodes) {
      const types = (byName.get(f.name)!.conditions ?? []).map((c) => c.type);
      expect(types.includes('MemoryPressure'), f.name).toBe(f.memoryPressure === true);
    }
  });

  it('usage figures match the seeded metrics, in cores, MiB and % of allocatable', () => {
    for (const f of nodes) {
      const n = byName.get(f.name)!;
      if (!f.usage) {
        expect(n.usage, f.name).toBeNull();
        continue;
      }
      expect(n.usage, f.name).toEqual({
        cpu: cpuCores(f.usage.cpu),
        memoryMiB: memoryMiB(f.usage.memory),
        cpuPct: percent(parseQuantity(f.usage.cpu), parseQuantity(f.allocatable.cpu)),
        memoryPct: percent(parseQuantity(f.usage.memory), parseQuantity(f.allocatable.memory)),
      });
    }
    expect(result.hint).toMatch(/usage is null for nodes metrics\.k8s\.io has no sample for/);
  });

  it('pods scheduled per node count the seeded non-terminal pods on it', () => {
    const terminal = (p: { state: keyof typeof POD_STATES }) =>
      ['Succeeded', 'Failed'].includes(POD_STATES[p.state].phase);
    for (const f of nodes) {
      const expected =
        podFixtures.filter((p) => p.node === f.name && !terminal(p)).length +
        scalePods().filter((p) => p.node === f.name && !terminal(p)).length;
      expect(byName.get(f.name)!.pods.scheduled, f.name).toBe(expected);
    }
  });

  it('troubled nodes come first', () => {
    const troubled = new Set(
      nodes.filter((n) => !n.ready || n.cordoned || n.memoryPressure).map((n) => n.name),
    );
    const names = result.items.map((n) => n.name);
    expect(new Set(names.slice(0, troubled.size))).toEqual(troubled);
  });

  it('name narrows to one node', async () => {
    const out = await list<NodeItem>('get_node_status', { name: 'worker-2' });
    expect(out.items.map((n) => n.name)).toEqual(['worker-2']);
    expect(out.items[0]!.pods.scheduled).toBe(byName.get('worker-2')!.pods.scheduled);
  });

  it('labelSelector narrows', async () => {
    const out = await list<NodeItem>('get_node_status', {
      labelSelector: 'topology.kubernetes.io/zone=rack-b',
    });
    expect(out.items.map((n) => n.name).sort()).toEqual(
      nodes
        .filter((n) => n.labels['topology.kubernetes.io/zone'] === 'rack-b')
        .map((n) => n.name)
        .sort(),
    );
  });

  it('limit cuts the list and says so', async () => {
    const out = await list<NodeItem>('get_node_status', { limit: 2 });
    expect(out).toMatchObject({ returned: 2, total: nodes.length, truncated: true });
    expect(out.hint).toMatch(/^Showing 2 of 5/);
  });

  it('a node name that does not exist is an error saying so', async () => {
    expect(errorText(await server.call('get_node_status', { name: 'no-such-node' }))).toBe(
      'node "no-such-node" does not exist; call get_node_status without name to list the nodes.',
    );
  });

  it('with the metrics API removed, usage is null with a hint and nothing fails', async () => {
    await removeMetricsApi();
    try {
      // A fresh server discovers the group is gone; the long-lived one still has it cached and gets a 404.
      const fresh = await startServer();
      try {
        for (const s of [fresh, server]) {
          const out = ok<List<NodeItem>>(await s.call('get_node_status'));
          expect(out.items).toHaveLength(nodes.length);
          for (const n of out.items) expect(n.usage, n.name).toBeNull();
          expect(out.hint).toMatch(/usage is null: metrics\.k8s\.io is not served/);
          expect(out.errors).toBeUndefined();
        }
      } finally {
        await fresh.close();
      }
    } finally {
      await restoreMetricsApi();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('get_pods', () => {
  /** Every base-seed pod as the tool shows it. */
  let base: Map<string, PodItem>;

  beforeAll(async () => {
    base = new Map();
    for (const ns of allNamespaces) {
      const out = await list<PodItem>('get_pods', { namespace: ns, limit: 500 });
      for (const p of out.items) base.set(key(p), p);
    }
  });

  function expectPod(f: PodFixture, p: PodItem | undefined): void {
    const info = POD_STATES[f.state];
    expect(p, key(f)).toBeDefined();
    const where = `${key(f)} (${f.state})`;
    expect(p!.phase, where).toBe(info.phase);
    expect(p!.ready, where).toBe(`${f.readyCount}/${f.containers.length}`);
    expect(p!.restarts, where).toBe(f.restarts);
    expect(p!.node, where).toBe(f.node);
    expect(p!.owner, where).toBe(f.owner ? `${f.owner.kind}/${f.owner.name}` : undefined);
    expect(p!.problem ?? false, where).toBe(f.problem);
    expect(p!.waiting?.reason, where).toBe(info.waitingReason);
    if (f.lastTermination) {
      expect(p!.lastTermination, where).toMatchObject({
        reason: f.lastTermination.reason,
        exitCode: f.lastTermination.exitCode,
        at: at(f.lastTermination.agoSec),
      });
    } else if (info.terminatedReason) {
      expect(p!.lastTermination, where).toMatchObject({
        reason: info.terminatedReason,
        exitCode: info.exitCode,
      });
    } else {
      expect(p!.lastTermination, where).toBeUndefined();
    }
    if (info.podReason) expect(p!.reason, where).toBe(info.podReason);
    if (!info.scheduled) expect(p!.reason, where).toBe('Unschedulable');
  }

  it('every seeded pod shows its phase, ready, restarts, last termination, waiting reason, node and owner', () => {
    expect([...base.keys()].sort()).toEqual(podFixtures.map(key).sort());
    for (const f of podFixtures) expectPod(f, base.get(key(f)));
  });

  it('the OOMKilled CrashLoopBackOff pod reports its waiting reason, restarts and last termination', () => {
    const f = podFixtures.find(
      (p) => p.state === 'CrashLoopBackOff' && p.lastTermination?.reason === 'OOMKilled',
    )!;
    expect(base.get(key(f))).toMatchObject({
      phase: 'Running',
      problem: true,
      restarts: f.restarts,
      waiting: { container: f.containers[0]!.name, reason: 'CrashLoopBackOff' },
      lastTermination: {
        container: f.containers[0]!.name,
        reason: 'OOMKilled',
        exitCode: 137,
        at: at(f.lastTermination!.agoSec),
      },
    });
  });

  it('a waiting message and an unschedulable message are shown, bounded', () => {
    for (const f of podFixtures.filter((p) => p.message)) {
      const p = base.get(key(f))!;
      const shown = POD_STATES[f.state].scheduled ? (p.waiting?.message ?? p.message) : p.message;
      expect(shown, key(f)).toBeDefined();
      expect(shown!.length).toBeLessThanOrEqual(200);
      expect(f.message!.replace(/\s+/g, ' ').startsWith(shown!.replace(/…$/, ''))).toBe(true);
    }
  });

  it('status: problem returns exactly the seeded problem pods', async () => {
    const { items } = await all<PodItem>('get_pods', { status: 'problem', limit: 500 });
    const expected = [
      ...problemPods.map(key),
      ...scalePods()
        .filter((p) => POD_STATES[p.state].problem)
        .map(key),
    ].sort();
    expect(items.map(key)).toEqual(expected);
  });

  it('namespace narrows', async () => {
    const out = await list<PodItem>('get_pods', { namespace: 'monitoring', limit: 500 });
    expect(out.items.map(key).sort()).toEqual(podsIn('monitoring').map(key).sort());
    expect(out.total).toBe(podsIn('monitoring').length);
  });

  it('labelSelector narrows', async () => {
    const out = await list<PodItem>('get_pods', { labelSelector: 'app.kubernetes.io/name=redis' });
    expect(out.items.map(key).sort()).toEqual(
      podFixtures
        .filter((p) => p.labels['app.kubernetes.io/name'] === 'redis')
        .map(key)
        .sort(),
    );
  });

  it('node narrows', async () => {
    const out = await list<PodItem>('get_pods', {
      node: 'worker-2',
      fieldSelector: notScaleSelector(),
      limit: 500,
    });
    expect(out.items.map(key).sort()).toEqual(
      podFixtures
        .filter((p) => p.node === 'worker-2')
        .map(key)
        .sort(),
    );
  });

  it('a phase narrows', async () => {
    const out = await list<PodItem>('get_pods', {
      status: 'Pending',
      fieldSelector: notScaleSelector(),
      limit: 500,
    });
    expect(out.items.map(key).sort()).toEqual(
      podFixtures
        .filter((p) => POD_STATES[p.state].phase === 'Pending')
        .map(key)
        .sort(),
    );
    expect(out.summary).toEqual({ byPhase: { Pending: out.items.length }, problems: out.items.length });
  });

  it('fieldSelector narrows', async () => {
    const f = podFixtures.find((p) => p.podIP)!;
    const out = await list<PodItem>('get_pods', { fieldSelector: `status.podIP=${f.podIP}` });
    expect(out.items.map(key)).toEqual(podFixtures.filter((p) => p.podIP === f.podIP).map(key));
  });

  it('paging with limit 5 visits every pod exactly once, with right totals and truncated', async () => {
    const { items, pages } = await all<PodItem>('get_pods', { limit: 5, fieldSelector: notScaleSelector() });
    expect(items.map(key)).toEqual(podFixtures.map(key).sort());
    expect(new Set(items.map(key)).size).toBe(items.length);
    for (const [i, page] of pages.entries()) {
      const last = i === pages.length - 1;
      expect(page.total).toBe(podFixtures.length);
      expect(page.truncated).toBe(!last);
      expect(page.returned).toBe(last ? podFixtures.length - 5 * i : 5);
      expect(page.continue === undefined).toBe(last);
    }
  });

  it('the summary counts phases and problems over all matching pods, not the page', async () => {
    const out = await list<PodItem, { byPhase: Record<string, number>; problems: number }>('get_pods', {
      limit: 5,
      fieldSelector: notScaleSelector(),
    });
    const byPhase: Record<string, number> = {};
    for (const p of podFixtures)
      byPhase[POD_STATES[p.state].phase] = (byPhase[POD_STATES[p.state].phase] ?? 0) + 1;
    expect(out.summary).toEqual({ byPhase, problems: problemPods.length });
    expect(out.hint).toContain(`status: problem for the ${problemPods.length} problem pods`);
  });

  it('with the 10,000-pod seed the default answer stays under 16 KB and says it was cut', async (ctx) => {
    if (scaleCount < 10_000) {
      // The large seed takes minutes to create; test/unit/core-pods-scale.test.ts checks the same budget against
      // 10,000 pods served by an in-memory list endpoint, and `npm run sandbox:up -- --pods 10000` enables this.
      ctx.skip(`the sandbox holds ${scaleCount} scale pods; run npm run sandbox:up -- --pods 10000`);
    }
    const res = await server.call('get_pods', {});
    const out = ok<List<PodItem>>(res);
    expect(Buffer.byteLength(res.content[0]!.text!)).toBeLessThan(16 * 1024);
    expect(out.truncated).toBe(true);
    expect(out.total).toBe(podFixtures.length + scaleCount);
    expect(out.returned).toBe(50);
    expect(out.hint).toContain(`Showing 1-50 of ${podFixtures.length + scaleCount}; pass continue`);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('get_namespaces', () => {
  it('lists every namespace as Active with an age', async () => {
    const out = await list<{ name: string; phase: string; age?: string }>('get_namespaces');
    expect(out.items.map((n) => n.name)).toEqual([...allNamespaces, ...scaleNs].sort());
    for (const n of out.items) {
      expect(n.phase).toBe('Active');
      expect(n.age).toMatch(/^\d+[smhd]/);
    }
    expect(out.summary).toEqual({ byPhase: { Active: allNamespaces.length + scaleNs.length } });
  });

  it('pods: true counts the pods of each namespace', async () => {
    const out = await list<{ name: string; pods?: number }>('get_namespaces', { pods: true });
    for (const n of out.items) {
      const expected = isScale(n.name)
        ? scalePods().filter((p) => p.namespace === n.name).length
        : podsIn(n.name).length;
      expect(n.pods, n.name).toBe(expected);
    }
  });

  it('labelSelector narrows', async () => {
    const out = await list<{ name: string }>('get_namespaces', { labelSelector: 'toolkit.fluxcd.io/tenant' });
    expect(out.items.map((n) => n.name)).toEqual(
      namespaceFixtures
        .filter((n) => n.labels['toolkit.fluxcd.io/tenant'])
        .map((n) => n.name)
        .sort(),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('get_events', () => {
  /** A message as the tool shows it: on one line, at most 300 characters. */
  const shown = (m: string): string => {
    const flat = m.replace(/\s+/g, ' ').trim();
    return flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
  };
  /** The fixture events as the tool should fold them: one row per object, type, reason and message. */
  function folded(fixtures: EventFixture[]): { key: string; count: number; lastAgoSec: number }[] {
    const rows = new Map<string, { key: string; count: number; lastAgoSec: number }>();
    for (const e of fixtures) {
      const k = [
        e.involved.kind,
        e.involved.namespace ?? '',
        e.involved.name,
        e.type,
        e.reason,
        shown(e.message),
      ].join('|');
      const row = rows.get(k);
      if (row) {
        row.count += e.count;
        row.lastAgoSec = Math.min(row.lastAgoSec, e.lastAgoSec);
      } else rows.set(k, { key: k, count: e.count, lastAgoSec: e.lastAgoSec });
    }
    return [...rows.values()].sort((a, b) => a.lastAgoSec - b.lastAgoSec);
  }
  const rowKey = (e: EventItem): string =>
    [e.kind, e.namespace ?? '', e.name, e.type, e.reason, e.message ?? ''].join('|');
  const fixtureNamespaces = [...new Set(eventFixtures.map((e) => e.namespace))].sort();

  it('lists the events of the window newest first, folding repeats with summed counts', async () => {
    const window = 3 * HOUR + 10 * MINUTE;
    for (const ns of fixtureNamespaces) {
      const out = await list<EventItem>('get_events', {
        namespace: ns,
        since: sinceSeed(window),
        limit: 500,
      });
      const expected = folded(eventFixtures.filter((e) => e.namespace === ns && e.lastAgoSec <= window));
      // Same rows and counts; ties in time may come in either order, so compare sorted and check the order apart.
      const byKey = new Map(expected.map((e) => [e.key, e]));
      expect(out.items.map((e) => [rowKey(e), e.count]).sort(), ns).toEqual(
        expected.map((e) => [e.key, e.count]).sort(),
      );
      for (const e of out.items)
        expect(Date.parse(e.lastSeen), rowKey(e)).toBe(Date.parse(at(byKey.get(rowKey(e))!.lastAgoSec)));
      const times = out.items.map((e) => Date.parse(e.lastSeen));
      expect(times, ns).toEqual([...times].sort((a, b) => b - a));
    }
  });

  it('folds the crash-looping pod’s BackOff events into one row', async () => {
    const backoffs = eventFixtures.filter(
      (e) => e.reason === 'BackOff' && e.type === 'Warning' && e.involved.name.startsWith('api-'),
    );
    expect(backoffs.length).toBeGreaterThan(1);
    const out = await list<EventItem>('get_events', {
      namespace: 'apps',
      kind: 'Pod',
      name: backoffs[0]!.involved.name,
      reason: 'BackOff',
      since: sinceSeed(4 * HOUR),
    });
    expect(out.items).toHaveLength(1);
    expect(out.items[0]).toMatchObject({
      type: 'Warning',
      kind: 'Pod',
      namespace: 'apps',
      name: backoffs[0]!.involved.name,
      count: backoffs.reduce((n, e) => n + e.count, 0),
      source: 'kubelet',
    });
  });

  it('type: Warning narrows and the summary counts by type and top reasons', async () => {
    const out = await list<
      EventItem,
      { byType: Record<string, number>; topReasons: { reason: string; count: number }[] }
    >('get_events', { namespace: 'apps', type: 'Warning', since: sinceSeed(DAY), limit: 500 });
    const expected = folded(
      eventFixtures.filter((e) => e.namespace === 'apps' && e.type === 'Warning' && e.lastAgoSec <= DAY),
    );
    expect(out.items.every((e) => e.type === 'Warning')).toBe(true);
    expect(out.total).toBe(expected.length);
    expect(out.summary.byType).toEqual({ Warning: expected.length });
    const reasons = new Map<string, number>();
    for (const e of out.items) reasons.set(e.reason, (reasons.get(e.reason) ?? 0) + 1);
    expect(out.summary.topReasons[0]!.count).toBe(Math.max(...reasons.values()));
  });

  it('kind and name narrow to one object', async () => {
    const out = await list<EventItem>('get_events', { kind: 'Node', name: 'pi-1', since: sinceSeed(DAY) });
    const expected = folded(
      eventFixtures.filter((e) => e.involved.kind === 'Node' && e.involved.name === 'pi-1'),
    );
    expect(out.items.map((e) => [e.reason, e.count])).toEqual(
      expected.map((e) => [e.key.split('|')[4], e.count]),
    );
    for (const e of out.items) expect(e.namespace).toBeUndefined();
  });

  it('reason narrows', async () => {
    const out = await list<EventItem>('get_events', {
      reason: 'FailedScheduling',
      since: sinceSeed(3 * DAY),
      limit: 500,
    });
    expect(out.items.every((e) => e.reason === 'FailedScheduling')).toBe(true);
    const base = out.items.filter((e) => !isScale(e.namespace ?? ''));
    expect(base.map((e) => key(e)).sort()).toEqual(
      eventFixtures
        .filter((e) => e.reason === 'FailedScheduling')
        .map((e) => key(e.involved))
        .sort(),
    );
    // The scheduler writes events.k8s.io events: the tool reads them through core/v1 with their series count.
    for (const e of base) {
      const f = eventFixtures.find((x) => x.reason === 'FailedScheduling' && x.involved.name === e.name)!;
      expect(e.count).toBe(f.count);
      expect(Date.parse(e.lastSeen)).toBe(Date.parse(at(f.lastAgoSec)));
    }
  });

  it('messages are bounded to 300 characters', async () => {
    const out = await list<EventItem>('get_events', { since: sinceSeed(30 * DAY - HOUR), limit: 500 });
    for (const e of out.items) expect(e.message?.length ?? 0).toBeLessThanOrEqual(300);
  });

  it('the default window is the last hour', async () => {
    const out = await list<EventItem>('get_events', { limit: 500 });
    const now = Date.now();
    for (const e of out.items) expect(now - Date.parse(e.lastSeen)).toBeLessThanOrEqual(HOUR * 1000 + 60_000);
    const elapsed = (now - seedTimeMs) / 1000;
    const surely = eventFixtures.filter((e) => e.lastAgoSec + elapsed < HOUR - 60);
    const shown = new Set(out.items.map((e) => `${e.kind}/${e.name}/${e.reason}`));
    for (const e of surely) expect(shown.has(`${e.involved.kind}/${e.involved.name}/${e.reason}`)).toBe(true);
  });

  it('limit keeps the newest and says the rest were cut', async () => {
    const out = await list<EventItem>('get_events', { namespace: 'apps', since: sinceSeed(DAY), limit: 2 });
    const expected = folded(eventFixtures.filter((e) => e.namespace === 'apps' && e.lastAgoSec <= DAY));
    expect(out).toMatchObject({ returned: 2, total: expected.length, truncated: true });
    expect(out.hint).toMatch(/^Showing the newest 2 of/);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('get_workloads', () => {
  let byKey: Map<string, WorkloadItem>;
  const wkey = (w: { kind: string; namespace: string; name: string }) => `${w.kind}/${w.namespace}/${w.name}`;

  beforeAll(async () => {
    const { items } = await all<WorkloadItem>('get_workloads', { limit: 500 });
    byKey = new Map(items.filter((w) => !isScale(w.namespace)).map((w) => [wkey(w), w]));
  });

  it('each workload shows its seeded desired, ready, updated, available and images', () => {
    expect([...byKey.keys()].sort()).toEqual(allWorkloads.map(wkey).sort());
    for (const f of allWorkloads) {
      const w = byKey.get(wkey(f))!;
      expect(w, wkey(f)).toMatchObject({
        desired: f.desired,
        ...(f.kind === 'DaemonSet' ? {} : { current: f.current }),
        ready: f.ready,
        updated: f.updated,
        available: f.available,
        images: [...new Set(f.images)],
      });
      if (f.kind === 'DaemonSet')
        expect(w).toMatchObject({
          scheduled: f.current,
          misscheduled: 0,
          unavailable: f.desired - f.available,
        });
      expect(w.degraded ?? false, wkey(f)).toBe(!f.healthy);
      expect(w.paused ?? false, wkey(f)).toBe(f.paused);
      expect(w.rolloutPending ?? false, wkey(f)).toBe(f.generationAhead);
    }
  });

  it('the stuck rollout shows ProgressDeadlineExceeded', () => {
    for (const f of deployments.filter((d) => d.progressDeadlineExceeded)) {
      expect(byKey.get(wkey(f))!.conditions).toContainEqual(
        expect.objectContaining({ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }),
      );
    }
  });

  it('status: degraded returns exactly the seeded degraded workloads', async () => {
    const { items } = await all<WorkloadItem>('get_workloads', { status: 'degraded', limit: 500 });
    expect(
      items
        .filter((w) => !isScale(w.namespace))
        .map(wkey)
        .sort(),
    ).toEqual(degradedWorkloads.map(wkey).sort());
  });

  it('kind narrows and the summary counts total and degraded by kind', async () => {
    const out = await list<WorkloadItem, { byKind: Record<string, { total: number; degraded: number }> }>(
      'get_workloads',
      { kind: 'statefulset', limit: 500 },
    );
    const sts = allWorkloads.filter((w) => w.kind === 'StatefulSet');
    expect(out.items.map(wkey).sort()).toEqual(sts.map(wkey).sort());
    expect(out.summary.byKind).toEqual({
      StatefulSet: { total: sts.length, degraded: sts.filter((w) => !w.healthy).length },
    });
  });

  it('namespace and labelSelector narrow', async () => {
    const out = await list<WorkloadItem>('get_workloads', {
      namespace: 'apps',
      labelSelector: 'app.kubernetes.io/name in (api,redis)',
    });
    expect(out.items.map(wkey).sort()).toEqual(
      allWorkloads
        .filter((w) => w.namespace === 'apps' && ['api', 'redis'].includes(w.name))
        .map(wkey)
        .sort(),
    );
  });

  it('paging with limit 5 visits every workload exactly once across kinds', async () => {
    const { items, pages } = await all<WorkloadItem>('get_workloads', { limit: 5 });
    const keys = items.map(wkey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.filter((k) => !isScale(k.split('/')[1]!)).sort()).toEqual(allWorkloads.map(wkey).sort());
    for (const [i, page] of pages.entries()) {
      expect(page.total).toBe(items.length);
      expect(page.truncated).toBe(i < pages.length - 1);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('errors', () => {
  it('an invalid label selector returns the API message, cleaned', async () => {
    const text = errorText(await server.call('get_pods', { labelSelector: 'app=a b' }));
    expect(text).toMatch(/^labelSelector "app=a b" was rejected by the Kubernetes API: /);
    expect(text).not.toMatch(/regex used for validation/);
  });

  it('an invalid field selector names the field', async () => {
    const text = errorText(await server.call('get_pods', { fieldSelector: 'spec.nope=1' }));
    expect(text).toMatch(/^fieldSelector "spec\.nope=1" was rejected by the Kubernetes API: .*spec\.nope/);
  });

  it.each(['get_pods', 'get_events', 'get_workloads'])(
    '%s in a namespace that does not exist says so',
    async (tool) => {
      expect(errorText(await server.call(tool, { namespace: 'no-such-namespace' }))).toBe(
        'namespace "no-such-namespace" does not exist; get_namespaces lists the namespaces.',
      );
    },
  );

  it('an invalid namespace name is rejected before any request', async () => {
    expect(errorText(await server.call('get_pods', { namespace: 'Not_A_Namespace' }))).toMatch(
      /^namespace: "Not_A_Namespace" is not a valid Kubernetes name/,
    );
  });

  it('limit out of range names the bound', async () => {
    expect(errorText(await server.call('get_pods', { limit: 501 }))).toBe(
      'invalid arguments for get_pods: limit: Too big: expected number to be <=500',
    );
    expect(errorText(await server.call('get_events', { limit: 0 }))).toBe(
      'invalid arguments for get_events: limit: Too small: expected number to be >=1',
    );
  });

  it('unknown enum values list the valid ones', async () => {
    expect(errorText(await server.call('get_pods', { status: 'broken' }))).toBe(
      'invalid arguments for get_pods: status: Invalid option: expected one of "all"|"problem"|"Running"|"Pending"|"Succeeded"|"Failed"|"Unknown"',
    );
    expect(errorText(await server.call('get_workloads', { kind: 'job' }))).toBe(
      'invalid arguments for get_workloads: kind: Invalid option: expected one of "all"|"deployment"|"statefulset"|"daemonset"',
    );
  });

  it('a bad since or continue says what is expected', async () => {
    expect(errorText(await server.call('get_events', { since: 'yesterday' }))).toMatch(
      /^since: "yesterday" is not a duration; use a number and a unit/,
    );
    expect(errorText(await server.call('get_pods', { continue: 'nonsense' }))).toMatch(
      /^continue: not a cursor from get_pods/,
    );
  });

  it('the server stays healthy after every error above', async () => {
    const base = server.url.replace(/\/mcp$/, '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect(
      ok<List<PodItem>>(await server.call('get_pods', { namespace: 'apps' })).items.length,
    ).toBeGreaterThan(0);
  });

  describe('RBAC', () => {
    const SA = 'core-tools-test-limited';
    const ns = SANDBOX_NAMESPACE;
    let limited: TestServer;
    let dir: string;

    beforeAll(async () => {
      // An identity that may list pods in `apps` only.
      await admin.apply(`/api/v1/namespaces/${ns}/serviceaccounts/${SA}`, {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: SA, namespace: ns },
      });
      await admin.apply(`/apis/rbac.authorization.k8s.io/v1/namespaces/apps/roles/${SA}`, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: SA, namespace: 'apps' },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }],
      });
      await admin.apply(`/apis/rbac.authorization.k8s.io/v1/namespaces/apps/rolebindings/${SA}`, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: SA, namespace: 'apps' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: SA },
        subjects: [{ kind: 'ServiceAccount', name: SA, namespace: ns }],
      });
      const tr = await admin.call<{ status: { token: string } }>(
        'POST',
        `/api/v1/namespaces/${ns}/serviceaccounts/${SA}/token`,
        {
          body: {
            apiVersion: 'authentication.k8s.io/v1',
            kind: 'TokenRequest',
            spec: { expirationSeconds: 3600 },
          },
        },
      );
      dir = mkdtempSync(join(tmpdir(), 'core-tools-'));
      const file = join(dir, 'kubeconfig');
      writeFileSync(file, kubeconfigWith(env.SA_KUBECONFIG!, { token: tr.status.token }));
      limited = await startServer({ env: { KUBECONFIG: file } });
    });

    afterAll(async () => {
      await limited?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
      await admin.deleteIfExists(`/apis/rbac.authorization.k8s.io/v1/namespaces/apps/rolebindings/${SA}`);
      await admin.deleteIfExists(`/apis/rbac.authorization.k8s.io/v1/namespaces/apps/roles/${SA}`);
      await admin.deleteIfExists(`/api/v1/namespaces/${ns}/serviceaccounts/${SA}`);
    });

    it('a forbidden list names the identity, verb, resource and scope', async () => {
      expect(errorText(await limited.call('get_pods', {}))).toBe(
        `RBAC forbids this server's identity (system:serviceaccount:${ns}:${SA}) to list pods cluster-wide. Grant it get, list and watch on pods (the Helm chart's ClusterRole does), or ask about a namespace it may read.`,
      );
      expect(
        errorText(await limited.call('get_workloads', { namespace: 'apps', kind: 'deployment' })),
      ).toMatch(
        /^RBAC forbids this server's identity \(.*\) to list deployments\.apps in namespace "apps"\./,
      );
      expect(errorText(await limited.call('get_node_status', {}))).toMatch(/to list nodes cluster-wide\./);
    });

    it('what the identity may read still works', async () => {
      const out = ok<List<PodItem>>(await limited.call('get_pods', { namespace: 'apps', limit: 500 }));
      expect(out.items.map(key).sort()).toEqual(podsIn('apps').map(key).sort());
    });
  });

  describe('API server unreachable or slow', () => {
    let dir: string;
    let hang: net.Server;
    const sockets = new Set<net.Socket>();

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'core-tools-'));
      // Accepts connections and never answers: a stuck API server.
      hang = net.createServer((s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      });
      await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    });

    afterAll(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => hang.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    });

    it('a slow API server is a named timeout and the server stays healthy', async () => {
      const port = (hang.address() as net.AddressInfo).port;
      const file = join(dir, 'slow');
      writeFileSync(file, kubeconfigWith(env.SA_KUBECONFIG!, { server: `https://127.0.0.1:${port}` }));
      const s = await startServer({ env: { KUBECONFIG: file, KUBE_TIMEOUT_MS: '300' } });
      try {
        expect(errorText(await s.call('get_pods', {}))).toBe(
          `Kubernetes API at https://127.0.0.1:${port} did not answer within 300 ms (/api/v1/pods); it may be overloaded or unreachable.`,
        );
        expect((await fetch(s.url.replace(/\/mcp$/, '/healthz'))).status).toBe(200);
      } finally {
        await s.close();
      }
    });

    it('an unreachable API server is named with its URL', async () => {
      // A port that was free a moment ago: nothing listens there.
      const probe = net.createServer();
      await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
      const port = (probe.address() as net.AddressInfo).port;
      await new Promise<void>((r) => probe.close(() => r()));
      const file = join(dir, 'down');
      writeFileSync(file, kubeconfigWith(env.SA_KUBECONFIG!, { server: `https://127.0.0.1:${port}` }));
      const s = await startServer({ env: { KUBECONFIG: file } });
      try {
        for (const tool of ['get_node_status', 'get_workloads', 'get_events', 'get_namespaces']) {
          expect(errorText(await s.call(tool, {})), tool).toBe(
            `Kubernetes API is unreachable at https://127.0.0.1:${port}: ECONNREFUSED`,
          );
        }
        expect((await fetch(s.url.replace(/\/mcp$/, '/healthz'))).status).toBe(200);
      } finally {
        await s.close();
      }
    });
  });
});

/** A copy of a kubeconfig with its server or token replaced. */
function kubeconfigWith(file: string, change: { server?: string; token?: string }): string {
  const kc = parse(readFileSync(file, 'utf8')) as {
    'current-context': string;
    contexts: { name: string; context: { cluster: string; user: string } }[];
    clusters: { name: string; cluster: Record<string, string> }[];
    users: { name: string; user: Record<string, string> }[];
  };
  const ctx = kc.contexts.find((c) => c.name === kc['current-context'])!.context;
  const cluster = kc.clusters.find((c) => c.name === ctx.cluster)!.cluster;
  const user = kc.users.find((u) => u.name === ctx.user)!.user;
  if (change.server) cluster.server = change.server;
  if (change.token) {
    for (const k of Object.keys(user)) delete user[k];
    user.token = change.token;
  }
  // Relative certificate paths stay valid only next to the original file: inline them.
  if (cluster['certificate-authority'])
    cluster['certificate-authority-data'] = readFileSync(
      resolve(dirname(file), cluster['certificate-authority']),
    ).toString('base64');
  delete cluster['certificate-authority'];
  return stringify(kc);
}
