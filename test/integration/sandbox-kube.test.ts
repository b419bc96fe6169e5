/**
 * The sandbox's Kubernetes half is what every other integration test stands on: a real kube-apiserver with RBAC,
 * seeded exactly as sandbox/seed/fixtures.ts says, a ServiceAccount that can read what the tools need and nothing
 * else, and switches (image API versions, metrics, cert-manager) that really change discovery.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  readSandboxEnv,
  removeCertManager,
  removeMetricsApi,
  restoreCertManager,
  restoreMetricsApi,
  type SandboxEnv,
  setImageApiVersions,
} from '../../sandbox/control.ts';
import { KubeClient } from '../../sandbox/kube/client.ts';
import { READ_ONLY_RULES } from '../../sandbox/kube/rbac.ts';
import {
  allWorkloads,
  certificates,
  cordonedNodes,
  DAY,
  daemonSets,
  deployments,
  events,
  FLUX_KINDS,
  type FluxKind,
  fluxObjects,
  fluxOf,
  IMAGE_KINDS,
  nodeMetrics,
  nodes,
  notReadyNodes,
  POD_STATES,
  podMetrics,
  pods,
  replicaSets,
  SANDBOX_NAMESPACE,
  SANDBOX_SERVICE_ACCOUNT,
  SEED_LABEL,
  statefulSets,
} from '../../sandbox/seed/fixtures.ts';

const ROOT = join(import.meta.dirname, '..', '..');

interface Obj {
  metadata: {
    name: string;
    namespace?: string;
    generation?: number;
    ownerReferences?: { kind: string; name: string; uid: string }[];
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown> & { conditions?: { type: string; status: string; reason?: string }[] };
  [k: string]: unknown;
}
interface List {
  items: Obj[];
}

const names = (items: Obj[]): string[] =>
  items.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();
const fixtureNames = (items: { namespace?: string; name: string }[]): string[] =>
  items.map((o) => `${o.namespace ?? ''}/${o.name}`).sort();
const readyOf = (o: Obj): string | undefined => o.status?.conditions?.find((c) => c.type === 'Ready')?.status;
/** Base seed only: the large seed adds scale-* objects. */
const base = <T extends Obj>(items: T[]): T[] =>
  items.filter((o) => !o.metadata.namespace?.startsWith('scale-'));

let env: SandboxEnv;
let admin: KubeClient;
let seedTime: number;

beforeAll(() => {
  env = readSandboxEnv();
  admin = new KubeClient(env.KUBECONFIG);
  seedTime = Date.parse(env.SEED_TIME);
});
afterAll(() => admin?.close());

describe('admin identity', () => {
  it('reads /version of the kube-apiserver the sandbox built', async () => {
    const v = await admin.get<{ gitVersion: string; major: string; minor: string }>('/version');
    expect(v.gitVersion).toBe(`v${env.KUBE_VERSION}`);
    expect(`${v.major}.${v.minor}`).toBe(env.KUBE_VERSION.split('.').slice(0, 2).join('.'));
  });

  it('reads every seeded namespace and node, NotReady and cordoned ones included', async () => {
    const ns = await admin.get<List>('/api/v1/namespaces', { labelSelector: `${SEED_LABEL}=base` });
    expect(ns.items.map((n) => n.metadata.name).sort()).toEqual(
      ['apps', 'cert-manager', 'flux-system', 'home', 'media', 'monitoring'].sort(),
    );
    const got = await admin.get<List>('/api/v1/nodes');
    expect(names(got.items)).toEqual(fixtureNames(nodes));
    const notReady = got.items.filter((n) => readyOf(n) !== 'True').map((n) => n.metadata.name);
    expect(notReady).toEqual(notReadyNodes);
    expect(got.items.filter((n) => n.spec?.unschedulable).map((n) => n.metadata.name)).toEqual(cordonedNodes);
    for (const n of got.items) {
      const f = nodes.find((x) => x.name === n.metadata.name)!;
      const info = n.status!.nodeInfo as Record<string, string>;
      expect(info.kubeletVersion).toBe(f.nodeInfo.kubeletVersion);
      expect((n.status!.capacity as Record<string, string>).cpu).toBe(f.capacity.cpu);
      expect(((n.spec?.taints as { key: string }[] | undefined) ?? []).map((t) => t.key)).toEqual(
        f.taints.map((t) => t.key),
      );
    }
  });

  it('reads every seeded pod in the state the fixtures give it', async () => {
    const got = base((await admin.get<List>('/api/v1/pods')).items);
    expect(names(got)).toEqual(fixtureNames(pods));
    for (const p of pods) {
      const live = got.find((o) => o.metadata.namespace === p.namespace && o.metadata.name === p.name)!;
      const st = live.status as {
        phase: string;
        containerStatuses?: {
          ready: boolean;
          restartCount: number;
          state: { waiting?: { reason: string } };
          lastState: { terminated?: { reason: string; exitCode: number } };
        }[];
        conditions: { type: string; status: string; reason?: string }[];
      };
      const info = POD_STATES[p.state];
      expect(st.phase, `${p.name} phase`).toBe(info.phase);
      expect(st.containerStatuses?.filter((c) => c.ready).length ?? 0, `${p.name} ready`).toBe(p.readyCount);
      expect(st.containerStatuses?.[0]?.state.waiting?.reason, `${p.name} waiting`).toBe(info.waitingReason);
      expect(st.containerStatuses?.[0]?.restartCount ?? 0).toBe(p.restarts);
      expect(st.containerStatuses?.[0]?.lastState.terminated?.reason).toBe(p.lastTermination?.reason);
      if (p.state === 'Unschedulable') {
        expect(st.conditions).toContainEqual(
          expect.objectContaining({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }),
        );
      }
      if (p.owner)
        expect(live.metadata.ownerReferences?.[0]).toMatchObject({ kind: p.owner.kind, name: p.owner.name });
    }
    const oom = got.find((o) => o.metadata.name === pods.find((p) => p.state === 'CrashLoopBackOff')!.name)!;
    expect(JSON.stringify(oom.status)).toContain('"exitCode":137');
  });

  it('reads Deployments, StatefulSets, DaemonSets and ReplicaSets with the fixtures’ status', async () => {
    const plural = {
      Deployment: 'deployments',
      StatefulSet: 'statefulsets',
      DaemonSet: 'daemonsets',
    } as const;
    for (const [kind, list] of [
      ['Deployment', deployments],
      ['StatefulSet', statefulSets],
      ['DaemonSet', daemonSets],
    ] as const) {
      const got = base((await admin.get<List>(`/apis/apps/v1/${plural[kind]}`)).items);
      expect(names(got), kind).toEqual(fixtureNames(list));
    }
    for (const w of allWorkloads) {
      const live = await admin.get<Obj>(
        `/apis/apps/v1/namespaces/${w.namespace}/${plural[w.kind]}/${w.name}`,
      );
      const st = live.status as Record<string, number>;
      const ready = w.kind === 'DaemonSet' ? st.numberReady : (st.readyReplicas ?? 0);
      expect(ready, `${w.name} ready`).toBe(w.ready);
      expect(
        (live.metadata.generation ?? 0) > (st.observedGeneration ?? 0),
        `${w.name} generation ahead`,
      ).toBe(w.generationAhead);
      expect(!!live.spec?.paused).toBe(w.paused);
    }
    const api = await admin.get<Obj>('/apis/apps/v1/namespaces/apps/deployments/api');
    expect(api.status?.conditions).toContainEqual(
      expect.objectContaining({ type: 'Progressing', reason: 'ProgressDeadlineExceeded' }),
    );
    const rs = base((await admin.get<List>('/apis/apps/v1/replicasets')).items);
    expect(names(rs)).toEqual(fixtureNames(replicaSets));
  });

  it('reads the seeded events through both event APIs, backdated and repeated', async () => {
    const core = base(
      (await admin.get<List>('/api/v1/events', { labelSelector: `${SEED_LABEL}=base` })).items,
    );
    expect(names(core)).toEqual(fixtureNames(events));
    const modern = base(
      (await admin.get<List>('/apis/events.k8s.io/v1/events', { labelSelector: `${SEED_LABEL}=base` })).items,
    );
    expect(modern).toHaveLength(events.length);
    const old = core.filter((e) => {
      const last =
        (e.lastTimestamp as string | null) ??
        (e.series as { lastObservedTime?: string } | undefined)?.lastObservedTime;
      return last && Date.parse(last) < seedTime - 3600_000;
    });
    expect(old.length).toBeGreaterThan(0);
    const backoff = core.filter(
      (e) => e.reason === 'BackOff' && (e.involvedObject as { kind: string }).kind === 'Pod',
    );
    expect(new Set(backoff.map((e) => (e.involvedObject as { name: string }).name)).size).toBeLessThan(
      backoff.length,
    );
  });

  it('reads every Flux kind with the fixtures’ readiness, suspension and staleness', async () => {
    for (const kind of Object.keys(FLUX_KINDS) as FluxKind[]) {
      const { group, version, plural } = FLUX_KINDS[kind];
      const got = (await admin.get<List>(`/apis/${group}/${version}/${plural}`)).items;
      expect(names(got), kind).toEqual(fixtureNames(fluxOf(kind)));
      for (const f of fluxOf(kind)) {
        const live = got.find((o) => o.metadata.namespace === f.namespace && o.metadata.name === f.name)!;
        expect(readyOf(live), `${kind} ${f.name}`).toBe(f.ready);
        expect(!!live.spec?.suspend, `${kind} ${f.name} suspend`).toBe(f.suspended);
        const observed = live.status?.observedGeneration as number;
        expect((live.metadata.generation ?? 0) > observed, `${kind} ${f.name} stale`).toBe(f.stale);
        if (f.lastAppliedRevision && kind === 'Kustomization')
          expect(live.status?.lastAppliedRevision).toBe(f.lastAppliedRevision);
        if (f.lastAttemptedRevision) expect(live.status?.lastAttemptedRevision).toBe(f.lastAttemptedRevision);
      }
    }
  });

  it('reads certificates whose expiry follows the seed time', async () => {
    const got = (await admin.get<List>('/apis/cert-manager.io/v1/certificates')).items;
    expect(names(got)).toEqual(fixtureNames(certificates));
    for (const c of certificates) {
      const live = got.find((o) => o.metadata.namespace === c.namespace && o.metadata.name === c.name)!;
      expect(readyOf(live)).toBe(c.ready);
      if (c.notAfterDays === null) expect(live.status?.notAfter).toBeUndefined();
      else expect(Date.parse(live.status?.notAfter as string)).toBe(seedTime + c.notAfterDays * DAY * 1000);
    }
  });

  it('reads node and pod usage from metrics.k8s.io', async () => {
    const n = await admin.get<List>('/apis/metrics.k8s.io/v1beta1/nodes');
    expect(names(n.items)).toEqual(fixtureNames(nodeMetrics));
    const p = base((await admin.get<List>('/apis/metrics.k8s.io/v1beta1/pods')).items);
    expect(names(p)).toEqual(fixtureNames(podMetrics));
  });
});

describe('read-only ServiceAccount (SA_KUBECONFIG)', () => {
  let kc: k8s.KubeConfig;
  beforeAll(() => {
    kc = new k8s.KubeConfig();
    kc.loadFromFile(env.SA_KUBECONFIG);
  });

  it('is the cluster-mcp ServiceAccount, authenticated by a TokenRequest token', async () => {
    const auth = kc.makeApiClient(k8s.AuthenticationV1Api);
    const review = await auth.createSelfSubjectReview({
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    });
    expect(review.status?.userInfo?.username).toBe(
      `system:serviceaccount:${SANDBOX_NAMESPACE}:${SANDBOX_SERVICE_ACCOUNT}`,
    );
    const token = kc.getCurrentUser()?.token ?? '';
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      exp: number;
    };
    expect(claims.exp * 1000).toBeGreaterThan(Date.now() + 24 * 3600_000);
  });

  it('lists everything the tools read, through @kubernetes/client-node', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const ev = kc.makeApiClient(k8s.EventsV1Api);
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    expect((await core.listNode()).items).toHaveLength(nodes.length);
    expect((await core.listNamespace()).items.length).toBeGreaterThan(6);
    expect(base((await core.listPodForAllNamespaces()).items as Obj[])).toHaveLength(pods.length);
    expect((await core.listNamespacedPod({ namespace: 'apps' })).items.length).toBeGreaterThan(0);
    expect(
      (await core.listEventForAllNamespaces({ labelSelector: `${SEED_LABEL}=base` })).items,
    ).toHaveLength(events.length);
    expect((await ev.listEventForAllNamespaces({ labelSelector: `${SEED_LABEL}=base` })).items).toHaveLength(
      events.length,
    );
    expect(base((await apps.listDeploymentForAllNamespaces()).items as Obj[])).toHaveLength(
      deployments.length,
    );
    expect(base((await apps.listStatefulSetForAllNamespaces()).items as Obj[])).toHaveLength(
      statefulSets.length,
    );
    expect(base((await apps.listDaemonSetForAllNamespaces()).items as Obj[])).toHaveLength(daemonSets.length);
    expect(base((await apps.listReplicaSetForAllNamespaces()).items as Obj[])).toHaveLength(
      replicaSets.length,
    );
    expect((await apps.readNamespacedDeployment({ namespace: 'apps', name: 'api' })).metadata?.name).toBe(
      'api',
    );
    for (const kind of Object.keys(FLUX_KINDS) as FluxKind[]) {
      const { group, version, plural } = FLUX_KINDS[kind];
      const list = (await custom.listClusterCustomObject({ group, version, plural })) as List;
      expect(list.items, kind).toHaveLength(fluxOf(kind).length);
    }
    const certs = (await custom.listClusterCustomObject({
      group: 'cert-manager.io',
      version: 'v1',
      plural: 'certificates',
    })) as List;
    expect(certs.items).toHaveLength(certificates.length);
    const metrics = new k8s.Metrics(kc);
    expect((await metrics.getNodeMetrics()).items).toHaveLength(nodeMetrics.length);
    expect(base((await metrics.getPodMetrics()).items as unknown as Obj[])).toHaveLength(podMetrics.length);
  });

  it('may not read Secrets or ConfigMaps', async () => {
    const authz = kc.makeApiClient(k8s.AuthorizationV1Api);
    for (const resource of ['secrets', 'configmaps']) {
      for (const verb of ['get', 'list', 'watch']) {
        const r = await authz.createSelfSubjectAccessReview({
          body: { spec: { resourceAttributes: { verb, resource } } },
        });
        expect(r.status?.allowed, `${verb} ${resource}`).toBe(false);
      }
    }
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await expect(core.listSecretForAllNamespaces()).rejects.toMatchObject({ code: 403 });
    await expect(
      core.readNamespacedSecret({ namespace: 'kube-system', name: 'anything' }),
    ).rejects.toMatchObject({ code: 403 });
  });

  it('may not create, change or delete anything it can read, nor exec, attach, port-forward or read logs', async () => {
    const authz = kc.makeApiClient(k8s.AuthorizationV1Api);
    const denied: string[] = [];
    for (const rule of READ_ONLY_RULES) {
      for (const group of rule.apiGroups) {
        for (const resource of rule.resources) {
          for (const verb of ['create', 'update', 'patch', 'delete', 'deletecollection']) {
            const r = await authz.createSelfSubjectAccessReview({
              body: { spec: { resourceAttributes: { group, resource, verb, namespace: 'apps' } } },
            });
            if (r.status?.allowed) denied.push(`${verb} ${group}/${resource}`);
          }
        }
      }
    }
    expect(denied, 'write verbs the ServiceAccount was granted').toEqual([]);
    for (const subresource of ['exec', 'attach', 'portforward', 'log']) {
      for (const verb of ['get', 'create']) {
        const r = await authz.createSelfSubjectAccessReview({
          body: { spec: { resourceAttributes: { resource: 'pods', subresource, verb, namespace: 'apps' } } },
        });
        expect(r.status?.allowed, `${verb} pods/${subresource}`).toBe(false);
      }
    }
    const token = await authz.createSelfSubjectAccessReview({
      body: {
        spec: {
          resourceAttributes: {
            resource: 'serviceaccounts',
            subresource: 'token',
            verb: 'create',
            namespace: SANDBOX_NAMESPACE,
          },
        },
      },
    });
    expect(token.status?.allowed).toBe(false);
  });

  it('grants no verb beyond get/list/watch except the self-reviews every identity has', async () => {
    const authz = kc.makeApiClient(k8s.AuthorizationV1Api);
    const review = await authz.createSelfSubjectRulesReview({ body: { spec: { namespace: 'apps' } } });
    const writes = (review.status?.resourceRules ?? []).filter((r) =>
      r.verbs.some((v) => !['get', 'list', 'watch'].includes(v)),
    );
    for (const r of writes) {
      // system:basic-user: selfsubjectaccessreviews, selfsubjectrulesreviews, selfsubjectreviews (create only)
      expect(
        r.apiGroups?.every((g) => ['authorization.k8s.io', 'authentication.k8s.io'].includes(g)),
        JSON.stringify(r),
      ).toBe(true);
      expect(
        r.resources?.every((res) => res.startsWith('selfsubject')),
        JSON.stringify(r),
      ).toBe(true);
    }
    expect(
      (review.status?.resourceRules ?? []).some((r) => r.resources?.includes('*') || r.verbs.includes('*')),
    ).toBe(false);
  });

  it('is refused real writes (dry-run, so nothing could change even if RBAC were wrong)', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const pod = {
      metadata: { name: 'sa-write-probe' },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    };
    await expect(
      core.createNamespacedPod({ namespace: 'apps', body: pod, dryRun: 'All' }),
    ).rejects.toMatchObject({ code: 403 });
    await expect(
      core.deleteNamespacedPod({
        namespace: 'apps',
        name: pods.find((p) => p.namespace === 'apps')!.name,
        dryRun: 'All',
      }),
    ).rejects.toMatchObject({ code: 403 });
    await expect(core.deleteNamespace({ name: 'apps', dryRun: 'All' })).rejects.toMatchObject({ code: 403 });
    await expect(
      core.createNamespace({ body: { metadata: { name: 'sa-write-probe' } }, dryRun: 'All' }),
    ).rejects.toMatchObject({ code: 403 });
    await expect(
      apps.patchNamespacedDeployment(
        { namespace: 'apps', name: 'api', body: { spec: { replicas: 0 } }, dryRun: 'All' },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      ),
    ).rejects.toMatchObject({ code: 403 });
    await expect(
      core.patchNode(
        { name: nodes[0]!.name, body: { spec: { unschedulable: true } }, dryRun: 'All' },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      ),
    ).rejects.toMatchObject({ code: 403 });
  });
});

describe('switches', { timeout: 300_000 }, () => {
  const imageGroup = 'image.toolkit.fluxcd.io';
  const served = async (): Promise<string[]> => {
    const res = await admin.request<{ versions: { version: string }[] }>('GET', `/apis/${imageGroup}`);
    return res.status === 404 ? [] : res.body.versions.map((v) => v.version).sort();
  };
  afterAll(async () => {
    await setImageApiVersions('both');
    await restoreMetricsApi();
    await restoreCertManager();
  });

  it('serves the image API as v1beta2 only (Flux 2.6), v1 only, none, or both', async () => {
    await setImageApiVersions('v1beta2');
    expect(await served()).toEqual(['v1beta2']);
    const old = await admin.get<List>(`/apis/${imageGroup}/v1beta2/imagepolicies`);
    expect(names(old.items)).toEqual(fixtureNames(fluxOf('ImagePolicy')));
    expect(old.items.find((p) => p.metadata.name === 'podinfo')?.status?.latestImage).toBe(
      'ghcr.io/stefanprodan/podinfo:6.9.2',
    );
    expect((await admin.request('GET', `/apis/${imageGroup}/v1/imagepolicies`)).status).toBe(404);

    await setImageApiVersions('v1');
    expect(await served()).toEqual(['v1']);
    const v1 = await admin.get<List>(`/apis/${imageGroup}/v1/imagepolicies`);
    expect(v1.items.find((p) => p.metadata.name === 'podinfo')?.status?.latestImage).toBeUndefined();
    for (const kind of IMAGE_KINDS) {
      const list = await admin.get<List>(`/apis/${imageGroup}/v1/${FLUX_KINDS[kind].plural}`);
      expect(names(list.items), kind).toEqual(fixtureNames(fluxOf(kind)));
    }

    await setImageApiVersions('none');
    expect(await served()).toEqual([]);

    await setImageApiVersions('both');
    expect(await served()).toEqual(['v1', 'v1beta2']);
    const both = await admin.get<List>(`/apis/${imageGroup}/v1beta2/imageupdateautomations`);
    expect(names(both.items)).toEqual(fixtureNames(fluxOf('ImageUpdateAutomation')));
    expect(fluxObjects.filter((f) => IMAGE_KINDS.includes(f.kind)).length).toBeGreaterThan(0);
  });

  it('removes and restores metrics.k8s.io and cert-manager', async () => {
    await removeMetricsApi();
    expect((await admin.request('GET', '/apis/metrics.k8s.io')).status).toBe(404);
    await restoreMetricsApi();
    expect((await admin.get<List>('/apis/metrics.k8s.io/v1beta1/nodes')).items).toHaveLength(
      nodeMetrics.length,
    );

    await removeCertManager();
    expect((await admin.request('GET', '/apis/cert-manager.io')).status).toBe(404);
    await restoreCertManager();
    expect((await admin.get<List>('/apis/cert-manager.io/v1/certificates')).items).toHaveLength(
      certificates.length,
    );
  });
});

describe('sandbox:up', () => {
  // Generous: each call also runs sandbox/obs/up.sh, which waits for its alerts to be visible.
  it('is a no-op while everything runs', { timeout: 600_000 }, () => {
    const pidFiles = ['etcd', 'kube-apiserver'].map((n) => join(env.SANDBOX_DIR, 'pids', `${n}.pid`));
    const before = pidFiles.map((f) => readFileSync(f, 'utf8'));
    const envBefore = readFileSync(join(env.SANDBOX_DIR, 'env'), 'utf8');
    const quiet = spawnSync('bash', ['sandbox/up.sh', '--quiet-if-running'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 280_000,
    });
    expect(quiet.status, quiet.stderr).toBe(0);
    expect(quiet.stdout).toBe('');
    const loud = spawnSync('bash', ['sandbox/up.sh'], { cwd: ROOT, encoding: 'utf8', timeout: 280_000 });
    expect(loud.status, loud.stderr).toBe(0);
    expect(loud.stdout).toContain('already running');
    expect(pidFiles.map((f) => readFileSync(f, 'utf8'))).toEqual(before);
    expect(readFileSync(join(env.SANDBOX_DIR, 'env'), 'utf8')).toBe(envBefore);
  });
});
