/**
 * get_pods over 10,000 pods shaped like the sandbox's large seed, served page by page (`limit` + `continue`) by
 * an in-memory stand-in for the API server's list endpoint: the default answer stays under 16 KB, says it was
 * cut, counts everything in its summary, and paging visits each pod once. The same check runs against the real
 * API server in test/integration/core-tools.test.ts when the sandbox carries the large seed.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { POD_STATES, scalePod, scaleProblemPodCount } from '../../sandbox/seed/fixtures.ts';
import type { Clients } from '../../src/clients/index.ts';
import type { KubeClient, KubeGetOptions } from '../../src/clients/kube.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { ToolRegistry } from '../../src/mcp/registry.ts';
import { createMetrics } from '../../src/metrics.ts';
import { getPods } from '../../src/tools/core/pods.ts';

const N = 10_000;
const NOW = Date.now();
const iso = (agoSec: number): string => new Date(NOW - agoSec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function rawPod(i: number): V1Pod {
  const p = scalePod(i);
  const info = POD_STATES[p.state];
  const waiting = info.waitingReason
    ? {
        waiting: {
          reason: info.waitingReason,
          message:
            info.waitingReason === 'CrashLoopBackOff'
              ? `back-off 5m0s restarting failed container=app pod=${p.name}_${p.namespace}(0c5e2a1e-5b7c-4d2a-9d1e-6f8a3b2c1d0e)`
              : `Back-off pulling image "ghcr.io/example/${p.deployment}:1.0.0-does-not-exist"`,
        },
      }
    : { running: { startedAt: iso(3600) } };
  return {
    metadata: {
      namespace: p.namespace,
      name: p.name,
      uid: `uid-${i}`,
      creationTimestamp: iso(86_400),
      labels: { 'app.kubernetes.io/name': p.deployment, 'pod-template-hash': p.podTemplateHash },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: p.replicaSet, uid: `rs-${i}`, controller: true },
      ],
    },
    spec: { nodeName: p.node, containers: [{ name: 'app', image: `ghcr.io/example/${p.deployment}:1.0.0` }] },
    status: {
      phase: info.phase,
      conditions: info.scheduled
        ? [{ type: 'Ready', status: info.ready ? 'True' : 'False' }]
        : [
            {
              type: 'PodScheduled',
              status: 'False',
              reason: 'Unschedulable',
              message:
                '0/5 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) were unschedulable, 2 Insufficient memory.',
            },
          ],
      containerStatuses: info.scheduled
        ? [
            {
              name: 'app',
              image: `ghcr.io/example/${p.deployment}:1.0.0`,
              imageID: '',
              ready: info.ready,
              restartCount: info.waitingReason === 'CrashLoopBackOff' ? 12 : 0,
              state: waiting,
              ...(info.waitingReason === 'CrashLoopBackOff'
                ? { lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: iso(300) } } }
                : {}),
            },
          ]
        : undefined,
    },
  } as unknown as V1Pod;
}

/** Serves /api/v1/pods like the API server: sorted by namespace/name, `limit` items per page, opaque continue. */
function fakeKube(pods: V1Pod[]): { kube: KubeClient; requests: number } {
  const sorted = [...pods].sort((a, b) => {
    const ka = `${a.metadata!.namespace}/${a.metadata!.name}`;
    const kb = `${b.metadata!.namespace}/${b.metadata!.name}`;
    return ka < kb ? -1 : 1;
  });
  const state = { requests: 0 };
  const kube = {
    get: async (path: string, opts: KubeGetOptions = {}) => {
      state.requests++;
      if (path !== '/api/v1/pods') throw new Error(`unexpected path ${path}`);
      const start = Number(opts.query?.continue ?? 0);
      const limit = Number(opts.query?.limit ?? sorted.length);
      const items = sorted.slice(start, start + limit);
      const next = start + items.length;
      // JSON round trip: the tool must work on plain parsed JSON, as from the wire.
      return JSON.parse(
        JSON.stringify({ items, metadata: next < sorted.length ? { continue: String(next) } : {} }),
      ) as unknown;
    },
  } as unknown as KubeClient;
  return {
    kube,
    get requests() {
      return state.requests;
    },
  };
}

function registry(kube: KubeClient): ToolRegistry {
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  return new ToolRegistry([getPods], {
    config,
    clients: { kube } as unknown as Clients,
    metrics: createMetrics(),
    log: createLogger('silent'),
  });
}

describe('get_pods with 10,000 pods', () => {
  const pods = Array.from({ length: N }, (_, i) => rawPod(i));

  it('the default answer stays under 16 KB, says it was cut and summarises every pod', async () => {
    const fake = fakeKube(pods);
    const res = await registry(fake.kube).call('get_pods', {});
    expect(res.isError).toBeUndefined();
    const text = res.content[0]!.text;
    expect(Buffer.byteLength(text)).toBeLessThan(16 * 1024);
    const out = res.structuredContent as {
      total: number;
      returned: number;
      truncated: boolean;
      continue?: string;
      hint?: string;
      summary: { byPhase: Record<string, number>; problems: number };
    };
    expect(out.truncated).toBe(true);
    expect(out.total).toBe(N);
    expect(out.returned).toBeGreaterThan(0);
    expect(out.returned).toBeLessThanOrEqual(50);
    expect(out.continue).toBeDefined();
    expect(out.hint).toMatch(/^Showing 1-\d+ of 10000; pass continue/);
    expect(out.summary.problems).toBe(scaleProblemPodCount(N));
    expect(Object.values(out.summary.byPhase).reduce((a, b) => a + b, 0)).toBe(N);
    // Read in API pages of 500, not one request per pod nor one huge request.
    expect(fake.requests).toBe(N / 500);
  });

  it('status: problem with limit 500 pages through exactly the problem pods once each', async () => {
    const reg = registry(fakeKube(pods).kube);
    const seen: string[] = [];
    let cont: string | undefined;
    do {
      const res = await reg.call('get_pods', {
        status: 'problem',
        limit: 500,
        ...(cont ? { continue: cont } : {}),
      });
      const out = res.structuredContent as {
        items: { namespace: string; name: string }[];
        continue?: string;
      };
      seen.push(...out.items.map((p) => `${p.namespace}/${p.name}`));
      cont = out.continue;
    } while (cont);
    const expected = Array.from({ length: N }, (_, i) => scalePod(i))
      .filter((p) => POD_STATES[p.state].problem)
      .map((p) => `${p.namespace}/${p.name}`)
      .sort();
    expect(seen).toEqual(expected);
  });
});
