/**
 * The watch-backed pod cache against the sandbox's kube-apiserver, with the read-only ServiceAccount: it follows
 * pods as they are created, change and go; its answers equal the list path's for every filter; readiness never
 * waits for it; an identity that may not list pods cluster-wide gets no cache and still gets answers. Pods are
 * created (and always deleted) in the sandbox's own namespace, named cache-test-<random>-…; the namespace stays.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { adminClient, readSandboxEnv } from '../../sandbox/control.ts';
import type { KubeClient as AdminClient } from '../../sandbox/kube/client.ts';
import {
  pods as podFixtures,
  problemPods,
  SANDBOX_NAMESPACE,
  scaleNamespaces,
} from '../../sandbox/seed/fixtures.ts';
import { KubeApiError, type KubeClient } from '../../src/clients/kube.ts';
import { PodCache } from '../../src/clients/pod-cache.ts';
import { createLogger } from '../../src/log.ts';
import { type PodRecord, podRecord } from '../../src/tools/core/pods.ts';
import { FIELD_SELECTOR_CASES, LABEL_SELECTOR_CASES } from '../fixtures/selector-cases.ts';
import { errorText, ok, startServer, type TestServer, type ToolResult } from '../support/server.ts';

interface List<T = Record<string, unknown>> {
  items: T[];
  total: number | null;
  returned: number;
  truncated: boolean;
  continue?: string;
  hint?: string;
  summary: Record<string, unknown>;
}

interface PodItem {
  namespace: string;
  name: string;
  phase: string;
  ready: string;
  node?: string;
  age?: string;
}

const env = readSandboxEnv();
const scaleCount = Number(env.SCALE_PODS);
const NS = SANDBOX_NAMESPACE;
const RUN = `cache-test-${randomBytes(3).toString('hex')}`;
const podPath = (name: string): string => `/api/v1/namespaces/${NS}/pods/${name}`;

let cached: TestServer;
let listed: TestServer;
let admin: AdminClient;
const created = new Set<string>();

/** Polls `check` until it answers true, or fails naming `what` after `timeoutMs` (no sleeps as sync). */
async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A result without the ages (computed at the call's own instant, so two calls may differ by a second). */
function comparable(res: ToolResult): unknown {
  if (res.isError) return { isError: true, text: res.content[0]?.text };
  const out = structuredClone(res.structuredContent) as { items?: { age?: string }[] };
  for (const item of out.items ?? []) delete item.age;
  return out;
}

/** Kubernetes requests a server made so far (every status class). */
async function upstreamRequests(s: TestServer): Promise<number> {
  const m = await s.app.metrics.upstreamRequests.get();
  return m.values.reduce((n, v) => n + v.value, 0);
}

async function createPod(name: string, node: string | undefined, labels: Record<string, string> = {}) {
  created.add(name);
  await admin.call('POST', `/api/v1/namespaces/${NS}/pods`, {
    body: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: NS, labels: { 'cache-test': RUN, ...labels } },
      spec: {
        ...(node ? { nodeName: node } : {}),
        containers: [{ name: 'app', image: 'registry.invalid/cache-test:1' }],
        automountServiceAccountToken: false,
        enableServiceLinks: false,
      },
    },
  });
}

/** Deletes at once: no kubelet confirms a graceful deletion in the sandbox. */
async function deletePod(name: string): Promise<void> {
  await admin.deleteIfExists(podPath(name), { gracePeriodSeconds: 0 });
  created.delete(name);
}

beforeAll(async () => {
  admin = adminClient(env);
  [cached, listed] = await Promise.all([startServer(), startServer({ env: { KUBE_POD_CACHE: 'false' } })]);
  await until(
    'the pod cache to sync',
    () => cached.app.clients.podCache?.status().state === 'synced',
    120_000,
  );
}, 150_000);

afterAll(async () => {
  await Promise.allSettled([...created].map(deletePod));
  await Promise.allSettled([cached?.close(), listed?.close()]);
  admin?.close();
});

describe('answers', () => {
  const notScale = scaleNamespaces(scaleCount)
    .map((ns) => `metadata.namespace!=${ns}`)
    .join(',');
  const podIP = podFixtures.find((p) => p.podIP)?.podIP;
  // The filters of the core tools' tests, plus odd selectors; each answer must equal the list path's.
  const cases: Record<string, unknown>[] = [
    {},
    { limit: 500 },
    { status: 'problem', limit: 500 },
    { status: 'problem' },
    { namespace: 'monitoring', limit: 500 },
    { namespace: 'apps', status: 'Running' },
    { labelSelector: 'app.kubernetes.io/name=redis' },
    { labelSelector: 'app.kubernetes.io/name in (redis,grafana),!nope', limit: 500 },
    { labelSelector: 'app.kubernetes.io/name notin (redis)', namespace: 'apps' },
    { labelSelector: 'app.kubernetes.io/name', fieldSelector: 'status.phase!=Running' },
    { labelSelector: 'tier in ()' },
    { node: 'worker-2', fieldSelector: notScale, limit: 500 },
    { status: 'Pending', fieldSelector: notScale, limit: 500 },
    { fieldSelector: 'spec.nodeName=', limit: 500 },
    { fieldSelector: 'metadata.namespace==apps,metadata.name!=nope\\,x' },
    { fieldSelector: `${notScale},status.phase!=Succeeded`, limit: 5 },
    // Not answerable from the cache (podIP), and invalid ones: both go to the API server, the same way.
    { fieldSelector: `status.podIP=${podIP}` },
    { labelSelector: 'app=a b' },
    { labelSelector: 'a=b,' },
    { fieldSelector: 'spec.nope=1' },
    { fieldSelector: 'metadata.name=a=b' },
    { namespace: 'no-such-namespace' },
  ];

  it.each(cases)('get_pods %j answers as the list path does', async (args) => {
    const [a, b] = await Promise.all([cached.call('get_pods', args), listed.call('get_pods', args)]);
    expect(comparable(a)).toEqual(comparable(b));
  });

  it('paging with limit 5 visits the same pages from the cache as from the list path', async () => {
    let cont: string | undefined;
    let pages = 0;
    do {
      const args = { limit: 5, fieldSelector: notScale, ...(cont ? { continue: cont } : {}) };
      const [a, b] = await Promise.all([cached.call('get_pods', args), listed.call('get_pods', args)]);
      expect(comparable(a)).toEqual(comparable(b));
      cont = ok<List>(a).continue;
      pages++;
    } while (cont && pages < 1000);
    expect(pages).toBe(Math.ceil(podFixtures.length / 5));
  });

  it('get_pods answers from memory: no request to the API server', async () => {
    const before = await upstreamRequests(cached);
    const out = ok<List<PodItem>>(await cached.call('get_pods', { status: 'problem', limit: 500 }));
    expect(out.items.length).toBeGreaterThanOrEqual(problemPods.length);
    expect(await upstreamRequests(cached)).toBe(before);
  });

  it('a field the cache cannot evaluate goes to the API server', async () => {
    const before = await upstreamRequests(cached);
    ok(await cached.call('get_pods', { fieldSelector: `status.podIP=${podIP}` }));
    expect(await upstreamRequests(cached)).toBeGreaterThan(before);
  });

  it('with the 10,000-pod seed the default answer from the cache stays under 16 KB and says it was cut', async (ctx) => {
    if (scaleCount < 10_000)
      ctx.skip(`the sandbox holds ${scaleCount} scale pods; run npm run sandbox:up -- --pods 10000`);
    const res = await cached.call('get_pods', {});
    const out = ok<List>(res);
    expect(Buffer.byteLength(res.content[0]!.text!)).toBeLessThan(16 * 1024);
    expect(out).toMatchObject({ truncated: true, returned: 50 });
    expect(out.total).toBeGreaterThanOrEqual(podFixtures.length + scaleCount);
    expect(out.hint).toContain(`Showing 1-50 of ${out.total}; pass continue`);
  });

  it('get_node_status pod counts and get_namespaces pod counts equal the API server’s', async () => {
    for (const [tool, args] of [
      ['get_node_status', {}],
      ['get_node_status', { name: 'worker-2' }],
      ['get_namespaces', { pods: true, limit: 1000 }],
    ] as const) {
      const [a, b] = await Promise.all([cached.call(tool, args), listed.call(tool, args)]);
      expect(comparable(a), tool).toEqual(comparable(b));
    }
  });
});

describe('selectors', () => {
  /** What the API server says of a selector: accepted (200) or rejected (400). */
  async function accepted(query: Record<string, string>): Promise<boolean> {
    try {
      await cached.app.clients.kube.get(`/api/v1/namespaces/${NS}/pods`, { query: { ...query, limit: 1 } });
      return true;
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 400) return false;
      throw err;
    }
  }

  it('the API server accepts and rejects the label selectors of the unit-test table as the table says', async () => {
    for (const [text, parsed] of LABEL_SELECTOR_CASES)
      expect(await accepted({ labelSelector: text }), JSON.stringify(text)).toBe(parsed !== undefined);
  });

  it('the API server accepts and rejects the field selectors of the unit-test table as the table says', async () => {
    for (const [text, ok] of FIELD_SELECTOR_CASES)
      expect(await accepted({ fieldSelector: text }), JSON.stringify(text)).toBe(ok);
  });

  it('get_pods with each label selector of the table answers as the list path does', async () => {
    for (const [text] of LABEL_SELECTOR_CASES) {
      const args = { labelSelector: text, namespace: 'apps', limit: 500 };
      const [a, b] = await Promise.all([cached.call('get_pods', args), listed.call('get_pods', args)]);
      expect(comparable(a), JSON.stringify(text)).toEqual(comparable(b));
    }
  });
});

describe('following changes', () => {
  const find = async (s: TestServer, name: string): Promise<PodItem | undefined> =>
    ok<List<PodItem>>(
      await s.call('get_pods', { namespace: NS, labelSelector: `cache-test=${RUN}` }),
    ).items.find((p) => p.name === name);
  const scheduled = async (s: TestServer): Promise<number | undefined> =>
    ok<List<{ pods: { scheduled?: number } }>>(await s.call('get_node_status', { name: 'worker-2' })).items[0]
      ?.pods.scheduled;

  it('a new pod appears, its status change shows and its deletion disappears', async () => {
    const name = `${RUN}-a`;
    await createPod(name, 'worker-2');
    await until('the new pod in get_pods', async () => (await find(cached, name))?.phase === 'Pending');
    // Per-node counts from the cache follow too.
    await until(
      'worker-2 counts the new pod',
      async () => (await scheduled(cached)) === (await scheduled(listed)),
    );

    await admin.mergePatch(`${podPath(name)}/status`, {
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [
          {
            name: 'app',
            image: 'registry.invalid/cache-test:1',
            imageID: '',
            ready: true,
            restartCount: 0,
            state: { running: { startedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z') } },
          },
        ],
      },
    });
    await until('the status change', async () => {
      const p = await find(cached, name);
      return p?.phase === 'Running' && p.ready === '1/1';
    });

    await deletePod(name);
    await until('the deletion', async () => (await find(cached, name)) === undefined);
    await until(
      'worker-2 forgets the pod',
      async () => (await scheduled(cached)) === (await scheduled(listed)),
    );
  });

  it('a cache without streaming lists (list + watch) re-watches when the server ends a watch and keeps up', async () => {
    const kube = cached.app.clients.kube;
    let watches = 0;
    // Counts watch requests; everything else is the real client.
    const counting = Object.assign(Object.create(kube) as KubeClient, {
      watch: (...args: Parameters<KubeClient['watch']>) => {
        watches++;
        return kube.watch(...args);
      },
    });
    const cache = new PodCache<PodRecord>(counting, {
      project: podRecord,
      log: createLogger('silent'),
      maxPods: 100_000,
      streamingList: false,
      watchTimeoutSeconds: 1,
    });
    cache.start();
    try {
      await until('synced', () => cache.status().state === 'synced', 120_000);
      expect(cache.status().pods).toBe(cached.app.clients.podCache?.status().pods);
      // The server ends each watch after a second; the cache must watch again from where it was.
      await until('two re-watches', () => watches >= 3);
      const name = `${RUN}-b`;
      await createPod(name, undefined);
      await until('the new pod', () => cache.snapshot(NS)?.some((r) => r.name === name) === true);
      await deletePod(name);
      await until('the deletion', () => cache.snapshot(NS)?.some((r) => r.name === name) === false);
      expect(cache.status().state).toBe('synced');
    } finally {
      await cache.stop();
    }
  });
});

describe('start-up and RBAC', () => {
  it('/readyz does not wait for the pod cache, and reports it', async () => {
    const s = await startServer();
    try {
      const res = await fetch(s.url.replace(/\/mcp$/, '/readyz'));
      expect(res.status).toBe(200);
      const body = (await res.json()) as { podCache?: { state: string } };
      expect(['syncing', 'synced']).toContain(body.podCache?.state);
    } finally {
      await s.close();
    }
    const off = (await (await fetch(listed.url.replace(/\/mcp$/, '/readyz'))).json()) as Record<
      string,
      unknown
    >;
    expect(off.podCache).toBeUndefined();
  });

  describe('an identity that may list pods in one namespace only', () => {
    const SA = 'pod-cache-test-limited';
    let limited: TestServer;
    let dir: string;

    beforeAll(async () => {
      await admin.apply(`/api/v1/namespaces/${NS}/serviceaccounts/${SA}`, {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: SA, namespace: NS },
      });
      for (const [kind, plural] of [
        ['Role', 'roles'],
        ['RoleBinding', 'rolebindings'],
      ] as const)
        await admin.apply(`/apis/rbac.authorization.k8s.io/v1/namespaces/apps/${plural}/${SA}`, {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind,
          metadata: { name: SA, namespace: 'apps' },
          ...(kind === 'Role'
            ? { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }] }
            : {
                roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: SA },
                subjects: [{ kind: 'ServiceAccount', name: SA, namespace: NS }],
              }),
        });
      const tr = await admin.call<{ status: { token: string } }>(
        'POST',
        `/api/v1/namespaces/${NS}/serviceaccounts/${SA}/token`,
        {
          body: {
            apiVersion: 'authentication.k8s.io/v1',
            kind: 'TokenRequest',
            spec: { expirationSeconds: 3600 },
          },
        },
      );
      dir = mkdtempSync(join(tmpdir(), 'pod-cache-'));
      const file = join(dir, 'kubeconfig');
      writeFileSync(file, kubeconfigWithToken(env.SA_KUBECONFIG!, tr.status.token));
      limited = await startServer({ env: { KUBECONFIG: file } });
    });

    afterAll(async () => {
      await limited?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
      await admin.deleteIfExists(`/apis/rbac.authorization.k8s.io/v1/namespaces/apps/rolebindings/${SA}`);
      await admin.deleteIfExists(`/apis/rbac.authorization.k8s.io/v1/namespaces/apps/roles/${SA}`);
      await admin.deleteIfExists(`/api/v1/namespaces/${NS}/serviceaccounts/${SA}`);
    });

    it('gets no cache (disabled, saying why) and its pod questions are still answered', async () => {
      const cache = limited.app.clients.podCache!;
      await until('the cache to give up', () => cache.status().state === 'disabled');
      expect(cache.status().reason).toMatch(/^RBAC forbids list\/watch of pods cluster-wide/);
      const args = { namespace: 'apps', limit: 500 };
      const [a, b] = await Promise.all([limited.call('get_pods', args), listed.call('get_pods', args)]);
      expect(comparable(a)).toEqual(comparable(b));
      expect(errorText(await limited.call('get_pods', {}))).toMatch(
        /^RBAC forbids .* to list pods cluster-wide/,
      );
    });
  });
});

/** A copy of a kubeconfig authenticating with `token` (certificate paths inlined). */
function kubeconfigWithToken(file: string, token: string): string {
  const kc = parse(readFileSync(file, 'utf8')) as {
    'current-context': string;
    contexts: { name: string; context: { cluster: string; user: string } }[];
    clusters: { name: string; cluster: Record<string, string> }[];
    users: { name: string; user: Record<string, string> }[];
  };
  const ctx = kc.contexts.find((c) => c.name === kc['current-context'])!.context;
  const cluster = kc.clusters.find((c) => c.name === ctx.cluster)!.cluster;
  const user = kc.users.find((u) => u.name === ctx.user)!.user;
  for (const k of Object.keys(user)) delete user[k];
  user.token = token;
  if (cluster['certificate-authority'])
    cluster['certificate-authority-data'] = readFileSync(
      resolve(dirname(file), cluster['certificate-authority']),
    ).toString('base64');
  delete cluster['certificate-authority'];
  return stringify(kc);
}
