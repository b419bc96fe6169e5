/**
 * The watch-backed pod cache against a local HTTP server that speaks the API server's list and watch protocol
 * (streaming lists, paged lists, resourceVersions, bookmarks, 410 Gone, RBAC refusals), so every path of the
 * protocol is exercised on demand; test/integration/pod-cache.test.ts runs it against the real kube-apiserver.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Clients } from '../../src/clients/index.ts';
import { KubeClient } from '../../src/clients/kube.ts';
import { PodCache, type PodCacheOptions } from '../../src/clients/pod-cache.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { ToolRegistry } from '../../src/mcp/registry.ts';
import { createMetrics } from '../../src/metrics.ts';
import { getPods, type PodRecord, podRecord } from '../../src/tools/core/pods.ts';
import { fieldMatcher, labelMatcher } from '../../src/util/selectors.ts';

interface Pod {
  metadata: {
    namespace: string;
    name: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    creationTimestamp?: string;
    annotations?: Record<string, string>;
  };
  spec?: { nodeName?: string; containers: { name: string }[] };
  status?: { phase?: string; containerStatuses?: unknown[] };
}

const pod = (namespace: string, name: string, extra: Partial<Pod> = {}): Pod => ({
  metadata: {
    namespace,
    name,
    labels: { app: name.split('-')[0]! },
    creationTimestamp: '2025-01-01T00:00:00Z',
  },
  spec: { nodeName: 'n1', containers: [{ name: 'c' }] },
  status: { phase: 'Running', containerStatuses: [{ name: 'c', ready: true, restartCount: 0 }] },
  ...extra,
});

const keyOf = (p: { metadata: { namespace: string; name: string } }): string =>
  `${p.metadata.namespace}/${p.metadata.name}`;

const FAKE_FIELDS: Record<string, (p: Pod) => string> = {
  'metadata.name': (p) => p.metadata.name,
  'metadata.namespace': (p) => p.metadata.namespace,
  'spec.nodeName': (p) => p.spec?.nodeName ?? '',
  'status.phase': (p) => p.status?.phase ?? '',
};

/** An in-memory API server for pods: list (paged), watch (from a resourceVersion), streaming list. */
class FakeApi {
  readonly pods = new Map<string, Pod>();
  rv = 100;
  /** Events with their resourceVersion, for watches that start from an older one. */
  private history: { rv: number; type: string; object: unknown }[] = [];
  /** Watches older than this resourceVersion answer 410 Gone. */
  oldestRv = 0;
  streaming: 'ok' | 'reject' | 'no-end' = 'ok';
  forbidden = false;
  /** Watch requests answer 500 while set. */
  broken = false;
  readonly requests: URLSearchParams[] = [];
  private readonly watchers = new Set<http.ServerResponse>();
  private readonly server = http.createServer((req, res) => this.handle(req, res));

  async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.endWatches();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  get openWatches(): number {
    return this.watchers.size;
  }

  watchRequests(): URLSearchParams[] {
    return this.requests.filter((q) => q.get('watch') === '1');
  }

  /** Adds or changes a pod and tells the open watches. */
  put(p: Pod, silently = false): void {
    const type = this.pods.has(keyOf(p)) ? 'MODIFIED' : 'ADDED';
    p.metadata.resourceVersion = String(++this.rv);
    this.pods.set(keyOf(p), p);
    if (!silently) this.emit(type, p);
  }

  remove(namespace: string, name: string): void {
    const p = this.pods.get(`${namespace}/${name}`);
    if (!p) return;
    this.pods.delete(keyOf(p));
    this.emit('DELETED', { ...p, metadata: { ...p.metadata, resourceVersion: String(++this.rv) } });
  }

  bookmark(): void {
    this.emit('BOOKMARK', { kind: 'Pod', metadata: { resourceVersion: String(++this.rv) } });
  }

  send(type: string, object: unknown): void {
    for (const w of this.watchers) w.write(`${JSON.stringify({ type, object })}\n`);
  }

  endWatches(): void {
    for (const w of this.watchers) w.end();
    this.watchers.clear();
  }

  private emit(type: string, object: unknown): void {
    this.history.push({ rv: this.rv, type, object });
    this.send(type, object);
  }

  private sorted(): Pod[] {
    return [...this.pods.values()].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
  }

  private status(res: http.ServerResponse, code: number, reason: string, message: string): void {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', status: 'Failure', code, reason, message }));
  }

  /** Serves one request; answers nothing useful (the return only ends the handler early). */
  private handle(req: http.IncomingMessage, res: http.ServerResponse): unknown {
    const url = new URL(req.url ?? '/', 'http://x');
    const q = url.searchParams;
    this.requests.push(q);
    const nsPath = /^\/api\/v1\/namespaces\/([^/]+)(\/pods)?$/.exec(url.pathname);
    if (nsPath && !nsPath[2]) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Namespace', metadata: { name: nsPath[1] } }));
      return;
    }
    if (url.pathname !== '/api/v1/pods' && !nsPath) return this.status(res, 404, 'NotFound', 'not found');
    if (this.forbidden)
      return this.status(
        res,
        403,
        'Forbidden',
        'pods is forbidden: User "system:serviceaccount:t:t" cannot list resource "pods" in API group "" at the cluster scope',
      );
    if (q.get('watch') !== '1') {
      const limit = Number(q.get('limit') ?? 1e9);
      const start = Number(q.get('continue') ?? 0);
      // Selectors are evaluated with src/util/selectors.ts (checked against the real API server elsewhere): here
      // they only need to narrow the list the same way for the list path of the tools.
      const byLabels = labelMatcher(q.get('labelSelector') ?? undefined);
      const byFields = fieldMatcher(q.get('fieldSelector') ?? undefined, FAKE_FIELDS);
      if (!byLabels || !byFields) return this.status(res, 400, 'BadRequest', 'bad selector');
      const all = this.sorted().filter(
        (p) => (!nsPath || p.metadata.namespace === nsPath[1]) && byLabels(p.metadata.labels) && byFields(p),
      );
      const items = all.slice(start, start + limit);
      const next = start + items.length;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'PodList',
          metadata: {
            resourceVersion: String(this.rv),
            ...(next < all.length ? { continue: String(next) } : {}),
          },
          items,
        }),
      );
      return;
    }
    if (this.broken) return this.status(res, 500, 'InternalError', 'etcd is sulking');
    if (q.get('sendInitialEvents') === 'true') {
      if (this.streaming === 'reject')
        return this.status(res, 422, 'Invalid', 'sendInitialEvents is forbidden for watch');
      res.writeHead(200, { 'content-type': 'application/json' });
      this.watchers.add(res);
      res.on('close', () => this.watchers.delete(res));
      // Unsorted on purpose: the cache must not rely on the order of events.
      for (const p of [...this.pods.values()].reverse())
        res.write(`${JSON.stringify({ type: 'ADDED', object: p })}\n`);
      if (this.streaming === 'ok')
        res.write(
          `${JSON.stringify({
            type: 'BOOKMARK',
            object: {
              kind: 'Pod',
              metadata: {
                resourceVersion: String(this.rv),
                annotations: { 'k8s.io/initial-events-end': 'true' },
              },
            },
          })}\n`,
        );
      return;
    }
    const from = Number(q.get('resourceVersion'));
    if (from < this.oldestRv) return this.status(res, 410, 'Expired', 'too old resource version');
    res.writeHead(200, { 'content-type': 'application/json' });
    // The API server sends the headers of a watch at once, before any event.
    res.flushHeaders();
    for (const e of this.history.filter((h) => h.rv > from))
      res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
    this.watchers.add(res);
    res.on('close', () => this.watchers.delete(res));
  }
}

/** What the latest cache is doing, for timeout messages. */
let current: (() => string) | undefined;

/** Polls `check` until it holds (no sleeps as synchronisation: a deadline and a clear failure). */
async function until(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; ${current?.()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pod-cache-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const open: { api: FakeApi; kube: KubeClient; cache?: PodCache<PodRecord> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.cache?.stop();
    await o.kube.close();
    await o.api.close();
  }
});

/** A fake API server, a KubeClient for it and a started cache with fast timings. */
async function setup(
  prepare: (api: FakeApi) => void = () => {},
  opts: Partial<PodCacheOptions<PodRecord>> = {},
): Promise<{ api: FakeApi; kube: KubeClient; cache: PodCache<PodRecord> }> {
  const api = new FakeApi();
  prepare(api);
  const server = await api.listen();
  const file = join(dir, `kubeconfig-${open.length}-${Date.now()}`);
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    }),
  );
  const kube = KubeClient.create(loadConfig({ KUBE_TIMEOUT_MS: '2000' }), createMetrics(), {
    KUBECONFIG: file,
  });
  const cache = new PodCache(kube, {
    project: podRecord,
    log: createLogger('silent'),
    maxPods: 1000,
    retryMs: { min: 20, max: 100 },
    ...opts,
  });
  open.push({ api, kube, cache });
  current = () =>
    `cache ${JSON.stringify(cache.status())}, requests: ${api.requests.map(String).join(' | ')}`;
  cache.start();
  return { api, kube, cache };
}

const names = (recs: readonly PodRecord[] | undefined): string[] | undefined =>
  recs?.map((r) => `${r.namespace}/${r.name}`);
const seed = (api: FakeApi): void => {
  for (const [ns, name] of [
    ['b', 'web-2'],
    ['a', 'web-1'],
    ['b', 'db-1'],
    ['c', 'web-3'],
  ] as const)
    api.put(pod(ns, name), true);
};

describe('sync', () => {
  it('syncs with a streaming list and answers snapshots sorted by namespace/name', async () => {
    const { cache } = await setup(seed);
    await until('synced', () => cache.status().state === 'synced');
    expect(names(cache.snapshot())).toEqual(['a/web-1', 'b/db-1', 'b/web-2', 'c/web-3']);
    expect(names(cache.snapshot('b'))).toEqual(['b/db-1', 'b/web-2']);
    expect(cache.snapshot('nope')).toEqual([]);
    expect(cache.status()).toMatchObject({ state: 'synced', pods: 4 });
  });

  it('is not answerable before it has synced', async () => {
    const { cache } = await setup((api) => {
      seed(api);
      api.streaming = 'no-end';
    });
    expect(cache.snapshot()).toBeUndefined();
    expect(cache.status().state).toBe('syncing');
  });

  it('a server that refuses streaming lists gets a paged list, then a watch from its resourceVersion', async () => {
    const { api, cache } = await setup(
      (a) => {
        seed(a);
        a.streaming = 'reject';
      },
      { pageSize: 3 },
    );
    await until('synced', () => cache.status().state === 'synced');
    expect(names(cache.snapshot())).toEqual(['a/web-1', 'b/db-1', 'b/web-2', 'c/web-3']);
    const lists = api.requests.filter((q) => q.get('watch') !== '1');
    expect(lists.map((q) => [q.get('limit'), q.get('continue')])).toEqual([
      ['3', null],
      ['3', '3'],
    ]);
    expect(api.watchRequests().at(-1)?.get('resourceVersion')).toBe(String(api.rv));
    api.put(pod('a', 'web-9'));
    await until('the new pod', () => names(cache.snapshot())?.includes('a/web-9') === true);
  });

  it('a streaming list that never ends its initial events falls back to list + watch', async () => {
    const { cache } = await setup(
      (a) => {
        seed(a);
        a.streaming = 'no-end';
      },
      { initialEventsTimeoutMs: 200 },
    );
    await until('synced', () => cache.status().state === 'synced');
    expect(cache.status().pods).toBe(4);
  });
});

describe('watch', () => {
  it('applies added, modified and deleted pods', async () => {
    const { api, cache } = await setup(seed);
    await until('synced', () => cache.status().state === 'synced');
    api.put(pod('a', 'api-1'));
    await until('added', () => names(cache.snapshot())?.[0] === 'a/api-1');
    api.put(pod('b', 'web-2', { status: { phase: 'Failed' } }));
    await until('modified', () => cache.snapshot('b')?.find((r) => r.name === 'web-2')?.phase === 'Failed');
    api.remove('b', 'db-1');
    await until('deleted', () => names(cache.snapshot('b'))?.join() === 'b/web-2');
    expect(cache.status().pods).toBe(4);
  });

  it('when the server ends a watch, watches again from the last resourceVersion seen, bookmarks included', async () => {
    const { api, cache } = await setup(seed);
    await until('synced', () => cache.status().state === 'synced');
    api.bookmark();
    const rv = String(api.rv);
    await until('bookmark read', () => api.openWatches === 1);
    // Let the bookmark arrive before the watch ends: a later change proves it was used.
    api.put(pod('c', 'web-4'));
    await until('added', () => cache.status().pods === 5);
    const before = api.watchRequests().length;
    api.endWatches();
    await until('a new watch', () => api.watchRequests().length > before && api.openWatches === 1);
    expect(api.watchRequests().at(-1)?.get('resourceVersion')).toBe(String(api.rv));
    expect(Number(api.watchRequests().at(-1)?.get('resourceVersion'))).toBeGreaterThan(Number(rv));
    api.put(pod('c', 'web-5'));
    await until('added after re-watch', () => cache.status().pods === 6);
  });

  it('a 410 ERROR event syncs from scratch and picks up what the watch missed', async () => {
    const { api, cache } = await setup(seed);
    await until('synced', () => cache.status().state === 'synced');
    const initials = api.requests.filter((q) => q.get('sendInitialEvents') === 'true').length;
    api.put(pod('d', 'missed-1'), true);
    api.send('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' });
    await until('re-synced', () => names(cache.snapshot('d'))?.join() === 'd/missed-1');
    expect(api.requests.filter((q) => q.get('sendInitialEvents') === 'true').length).toBe(initials + 1);
  });

  it('a watch answered 410 Gone syncs from scratch', async () => {
    const { api, cache } = await setup(seed);
    await until('synced', () => cache.status().state === 'synced');
    api.oldestRv = api.rv + 1;
    api.put(pod('d', 'missed-2'), true);
    api.endWatches();
    await until('re-synced', () => names(cache.snapshot('d'))?.join() === 'd/missed-2');
  });

  it('a failing API server makes the cache unanswerable until it is back', async () => {
    const { api, cache } = await setup(seed);
    await until('synced', () => cache.status().state === 'synced');
    api.broken = true;
    api.endWatches();
    await until('unsynced', () => cache.status().state === 'syncing');
    expect(cache.snapshot()).toBeUndefined();
    expect(cache.status().reason).toMatch(/500 InternalError/);
    api.broken = false;
    await until('synced again', () => cache.status().state === 'synced');
    expect(cache.status().pods).toBe(4);
  });

  it('a watch that delivers nothing for idleTimeoutMs is reopened', async () => {
    const { api, cache } = await setup(seed, { idleTimeoutMs: 150 });
    await until('synced', () => cache.status().state === 'synced');
    await until('reopened', () => api.watchRequests().length >= 3);
    api.put(pod('a', 'web-7'));
    await until('added', () => cache.status().state === 'synced' && cache.status().pods === 5);
  });
});

describe('disabled', () => {
  it('RBAC forbidding the list disables the cache with the reason', async () => {
    const { cache } = await setup((a) => {
      a.forbidden = true;
    });
    await until('disabled', () => cache.status().state === 'disabled');
    expect(cache.snapshot()).toBeUndefined();
    expect(cache.status().reason).toMatch(/^RBAC forbids list\/watch of pods cluster-wide/);
  });

  it('more pods than maxPods disables the cache and drops the records', async () => {
    const { cache } = await setup(seed, { maxPods: 3 });
    await until('disabled', () => cache.status().state === 'disabled');
    expect(cache.status()).toMatchObject({ pods: 0, reason: 'more than 3 pods (KUBE_POD_CACHE_MAX)' });
  });

  it('growing past maxPods through the watch disables it too', async () => {
    const { api, cache } = await setup(seed, { maxPods: 4 });
    await until('synced', () => cache.status().state === 'synced');
    api.put(pod('e', 'one-too-many'));
    await until('disabled', () => cache.status().state === 'disabled');
    expect(cache.snapshot()).toBeUndefined();
  });
});

it('stop() closes the watch and answers nothing afterwards', async () => {
  const { api, cache } = await setup(seed);
  await until('synced', () => cache.status().state === 'synced');
  await until('watching', () => api.openWatches === 1);
  await cache.stop();
  await until('watch closed', () => api.openWatches === 0);
  expect(cache.status()).toEqual({ state: 'stopped', pods: 0, syncMs: expect.any(Number) });
  expect(cache.snapshot()).toBeUndefined();
});

describe('get_pods from the cache', () => {
  /** 2,000 pods over 7 namespaces, 3 nodes and every phase, some with problems. */
  function many(api: FakeApi): void {
    const phases = ['Running', 'Running', 'Running', 'Pending', 'Succeeded', 'Failed'];
    for (let i = 0; i < 2000; i++) {
      const phase = phases[i % phases.length]!;
      api.put(
        pod(`ns-${i % 7}`, `app${i % 5}-${String(i).padStart(5, '0')}`, {
          spec: { nodeName: i % 11 === 0 ? undefined : `node-${i % 3}`, containers: [{ name: 'c' }] },
          status: {
            phase,
            containerStatuses: [
              {
                name: 'c',
                ready: phase === 'Running' && i % 13 !== 0,
                restartCount: i % 4,
                state: i % 17 === 0 ? { waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } } : {},
              },
            ],
          },
        }),
        true,
      );
    }
  }

  const strip = (res: { structuredContent?: Record<string, unknown> }): unknown => {
    const out = structuredClone(res.structuredContent) as { items?: { age?: string }[] };
    for (const item of out.items ?? []) delete item.age;
    return out;
  };

  it('every filter and page answers exactly as the list path does, without a pod request', async () => {
    const { api, kube, cache } = await setup(many, { maxPods: 5000 });
    await until('synced', () => cache.status().state === 'synced', 10_000);
    const ctx = {
      config: loadConfig({ LOG_LEVEL: 'silent' }),
      metrics: createMetrics(),
      log: createLogger('silent'),
    };
    const listing = new ToolRegistry([getPods], {
      ...ctx,
      clients: { kube } as unknown as Clients,
    });
    const caching = new ToolRegistry([getPods], {
      ...ctx,
      clients: { kube, podCache: cache } as unknown as Clients,
    });
    const cases: Record<string, unknown>[] = [
      {},
      { limit: 500 },
      { status: 'problem', limit: 7 },
      { status: 'Pending' },
      { namespace: 'ns-3', limit: 13 },
      { node: 'node-1', status: 'problem' },
      { labelSelector: 'app in (app1,app3)', limit: 100 },
      { labelSelector: 'app!=app0,!missing', fieldSelector: 'spec.nodeName!=node-2' },
      { fieldSelector: 'spec.nodeName=,status.phase!=Failed' },
      { fieldSelector: 'metadata.namespace!=ns-0,metadata.namespace!=ns-1', limit: 3 },
      { fieldSelector: 'metadata.name=app2-00007' },
    ];
    for (const args of cases) {
      const before = api.requests.length;
      const cached = await caching.call('get_pods', args);
      expect(api.requests.length, JSON.stringify(args)).toBe(before);
      expect(strip(cached), JSON.stringify(args)).toEqual(strip(await listing.call('get_pods', args)));
    }
    // Following continue visits the same pages.
    let cont: string | undefined;
    let pages = 0;
    do {
      const args = { status: 'problem', limit: 50, ...(cont ? { continue: cont } : {}) };
      const a = await caching.call('get_pods', args);
      expect(strip(a)).toEqual(strip(await listing.call('get_pods', args)));
      cont = (a.structuredContent as { continue?: string }).continue;
      pages++;
    } while (cont);
    expect(pages).toBeGreaterThan(3);
  });

  it('a selector the cache cannot answer goes to the API server', async () => {
    const { api, kube, cache } = await setup(many, { maxPods: 5000 });
    await until('synced', () => cache.status().state === 'synced', 10_000);
    const reg = new ToolRegistry([getPods], {
      config: loadConfig({ LOG_LEVEL: 'silent' }),
      metrics: createMetrics(),
      log: createLogger('silent'),
      clients: { kube, podCache: cache } as unknown as Clients,
    });
    const before = api.requests.length;
    await reg.call('get_pods', { fieldSelector: 'status.podIP=10.0.0.1' });
    expect(api.requests.length).toBeGreaterThan(before);
    expect(api.requests.at(-1)?.get('fieldSelector')).toBe('status.podIP=10.0.0.1');
  });
});
