/**
 * get_flux_status, get_flux_sources and get_flux_images over MCP against the sandbox, as the read-only
 * ServiceAccount, compared with the seeded truth (sandbox/seed/fixtures.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTimeMs, setImageApiVersions } from '../../sandbox/control.ts';
import {
  clock,
  type FluxFixture,
  type FluxKind,
  fluxNotReady,
  fluxObjects,
  fluxOf,
  fluxStatusNotReadyCount,
  type ImageStatusFlavor,
} from '../../sandbox/seed/fixtures.ts';
import { boundText } from '../../src/tools/conditions.ts';
import { errorText, ok, startServer, type TestServer } from '../support/server.ts';

interface Item {
  kind: string;
  namespace: string;
  name: string;
  ready: string;
  [k: string]: unknown;
}
interface ListOut {
  items: Item[];
  total: number | null;
  returned: number;
  truncated: boolean;
  hint?: string;
  summary: {
    total: number;
    ready: number;
    not_ready_count: number;
    suspended: number;
    stale: number;
    byKind: Record<string, { total: number; notReady: number; suspended: number }>;
  };
  errors?: { part: string; error: string }[];
}

/** The status the seed wrote for a fixture (generation does not matter to these comparisons). */
function seededStatus(f: FluxFixture, imageFlavor: ImageStatusFlavor = 'v1'): Record<string, unknown> {
  return f.status({ t: clock(seedTimeMs()), generation: 1, imageFlavor });
}

const key = (i: { kind: string; namespace: string; name: string }) => `${i.kind}/${i.namespace}/${i.name}`;
const byKey = (items: Item[]) => new Map(items.map((i) => [key(i), i]));
const sortedKeys = (fs: FluxFixture[]) => fs.map(key).sort();
/** Expected flags: present and true, or absent. */
const flag = (b: boolean) => (b ? true : undefined);
const refOf = (source: string | undefined) => source?.split('/').slice(1).join('/');

/** Readiness columns every Flux item must show as seeded. */
function expectReadiness(item: Item | undefined, f: FluxFixture): void {
  expect(item, key(f)).toBeDefined();
  expect(
    {
      ready: item!.ready,
      reason: item!.reason,
      message: item!.message,
      suspended: item!.suspended,
      stale: item!.stale,
    },
    key(f),
  ).toEqual({
    ready: f.ready,
    reason: f.reason,
    message: boundText(f.message),
    suspended: flag(f.suspended),
    stale: flag(f.stale),
  });
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Not ready first, then namespace, name, kind: the order the tools promise. */
function expectFluxOrder(items: Item[]): void {
  const rank = (i: Item) => (i.ready === 'True' ? 1 : 0);
  const want = [...items].sort(
    (a, b) =>
      rank(a) - rank(b) || cmp(a.namespace, b.namespace) || cmp(a.name, b.name) || cmp(a.kind, b.kind),
  );
  expect(items.map(key)).toEqual(want.map(key));
}

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

describe('get_flux_status', () => {
  const KINDS: FluxKind[] = ['Kustomization', 'HelmRelease'];
  const seeded = fluxObjects.filter((f) => KINDS.includes(f.kind));

  it('lists every seeded Kustomization and HelmRelease with its readiness, suspension and staleness', async () => {
    const out = ok<ListOut>(await server.call('get_flux_status', { limit: 500 }));
    expect(out.items.map(key).sort()).toEqual(sortedKeys(seeded));
    expect(out.total).toBe(seeded.length);
    expect(out.errors).toBeUndefined();
    const items = byKey(out.items);
    for (const f of seeded) expectReadiness(items.get(key(f)), f);
  });

  it('not_ready_count equals the seeded count, with per-kind counts', async () => {
    const out = ok<ListOut>(await server.call('get_flux_status', {}));
    expect(out.summary.not_ready_count).toBe(fluxStatusNotReadyCount);
    expect(out.summary.total).toBe(seeded.length);
    expect(out.summary.ready).toBe(seeded.length - fluxStatusNotReadyCount);
    expect(out.summary.suspended).toBe(seeded.filter((f) => f.suspended).length);
    expect(out.summary.stale).toBe(seeded.filter((f) => f.stale).length);
    for (const k of KINDS)
      expect(out.summary.byKind[k]).toEqual({
        total: fluxOf(k).length,
        notReady: fluxNotReady([k]).length,
        suspended: fluxOf(k).filter((f) => f.suspended).length,
      });
  });

  it('orders not-ready objects first, then namespace/name', async () => {
    const out = ok<ListOut>(await server.call('get_flux_status', {}));
    expectFluxOrder(out.items);
    const firstReady = out.items.findIndex((i) => i.ready === 'True');
    expect(firstReady).toBe(fluxStatusNotReadyCount);
  });

  it('shows Kustomization source, path, interval and revisions, flagging applied ≠ attempted', async () => {
    const out = ok<ListOut>(await server.call('get_flux_status', { kind: 'kustomization' }));
    const items = byKey(out.items);
    expect(out.items.every((i) => i.kind === 'Kustomization')).toBe(true);
    for (const f of fluxOf('Kustomization')) {
      const i = items.get(key(f))!;
      expect(
        {
          sourceRef: i.sourceRef,
          path: i.path,
          interval: i.interval,
          lastAppliedRevision: i.lastAppliedRevision,
          lastAttemptedRevision: i.lastAttemptedRevision,
          revisionMismatch: i.revisionMismatch,
        },
        key(f),
      ).toEqual({
        sourceRef: f.source,
        path: f.spec.path,
        interval: f.spec.interval,
        lastAppliedRevision: f.lastAppliedRevision,
        lastAttemptedRevision: f.lastAttemptedRevision,
        revisionMismatch: flag(f.lastAppliedRevision !== f.lastAttemptedRevision),
      });
    }
    // The seed has at least one mismatch, so the flag is exercised.
    expect(out.items.some((i) => i.revisionMismatch)).toBe(true);
  });

  it('shows HelmRelease chart, source, attempted revision and the latest release', async () => {
    const out = ok<ListOut>(await server.call('get_flux_status', { kind: 'helmrelease' }));
    const items = byKey(out.items);
    for (const f of fluxOf('HelmRelease')) {
      const i = items.get(key(f))!;
      const status = seededStatus(f);
      const history = status.history as Record<string, unknown>[];
      const chartSpec = (f.spec.chart as { spec?: Record<string, string> } | undefined)?.spec;
      const applied = f.lastAppliedRevision ?? f.lastAttemptedRevision;
      expect(
        {
          chart: i.chart,
          chartVersion: i.chartVersion,
          sourceRef: i.sourceRef,
          lastAttemptedRevision: i.lastAttemptedRevision,
          lastAppliedRevision: i.lastAppliedRevision,
          revisionMismatch: i.revisionMismatch,
          lastAttemptedReleaseAction: i.lastAttemptedReleaseAction,
          lastRelease: i.lastRelease,
        },
        key(f),
      ).toEqual({
        chart: chartSpec?.chart ?? history[0]!.chartName,
        chartVersion: chartSpec?.version,
        sourceRef: f.source,
        lastAttemptedRevision: f.lastAttemptedRevision,
        lastAppliedRevision: applied,
        revisionMismatch: flag(applied !== f.lastAttemptedRevision),
        lastAttemptedReleaseAction: status.lastAttemptedReleaseAction,
        lastRelease: {
          chartVersion: history[0]!.chartVersion,
          status: history[0]!.status,
          lastDeployed: history[0]!.lastDeployed,
        },
      });
    }
  });

  it('status not_ready returns exactly the seeded not-ready objects', async () => {
    const out = ok<ListOut>(await server.call('get_flux_status', { status: 'not_ready' }));
    expect(out.items.map(key).sort()).toEqual(sortedKeys(fluxNotReady(KINDS)));
    expect(out.summary.not_ready_count).toBe(fluxStatusNotReadyCount);
  });

  it('name and namespace narrow to the matching objects', async () => {
    const f = fluxOf('HelmRelease')[0]!;
    const byName = ok<ListOut>(
      await server.call('get_flux_status', { name: f.name, namespace: f.namespace }),
    );
    expect(byName.items.map(key)).toEqual(
      sortedKeys(seeded.filter((x) => x.name === f.name && x.namespace === f.namespace)),
    );
    const inNs = ok<ListOut>(await server.call('get_flux_status', { namespace: 'flux-system' }));
    expect(inNs.items.map(key).sort()).toEqual(
      sortedKeys(seeded.filter((x) => x.namespace === 'flux-system')),
    );
  });

  it('limit cuts the list, keeps not-ready first and says so', async () => {
    const out = ok<ListOut>(await server.call('get_flux_status', { limit: 2 }));
    expect(out.returned).toBe(2);
    expect(out.truncated).toBe(true);
    expect(out.total).toBe(seeded.length);
    expect(out.items.every((i) => i.ready !== 'True')).toBe(true);
    expect(out.hint).toMatch(/Showing 2 of/);
  });

  it('rejects a namespace that is not a DNS label', async () => {
    expect(errorText(await server.call('get_flux_status', { namespace: '../secrets' }))).toMatch(/namespace/);
  });
});

describe('get_flux_sources', () => {
  const KINDS: FluxKind[] = ['GitRepository', 'HelmRepository', 'OCIRepository'];
  const seeded = fluxObjects.filter((f) => KINDS.includes(f.kind));
  const refOrder: Record<string, string[]> = {
    GitRepository: ['branch', 'tag', 'semver', 'name', 'commit'],
    OCIRepository: ['tag', 'semver', 'semverFilter', 'digest'],
  };

  it('shows URL, ref, readiness, artifact revision and update time of every seeded source', async () => {
    const out = ok<ListOut>(await server.call('get_flux_sources', { limit: 500 }));
    expect(out.items.map(key).sort()).toEqual(sortedKeys(seeded));
    const items = byKey(out.items);
    for (const f of seeded) {
      const i = items.get(key(f));
      expectReadiness(i, f);
      const artifact = seededStatus(f).artifact as { revision?: string; lastUpdateTime?: string } | undefined;
      const ref = f.spec.ref as Record<string, string> | undefined;
      const wantRef = ref
        ? (refOrder[f.kind] ?? [])
            .filter((k) => ref[k])
            .map((k) => `${k}=${ref[k]}`)
            .join(' ') || undefined
        : undefined;
      expect(
        {
          url: i!.url,
          ref: i!.ref,
          interval: i!.interval,
          type: i!.type,
          artifactRevision: i!.artifactRevision,
          lastUpdateTime: i!.lastUpdateTime,
        },
        key(f),
      ).toEqual({
        url: f.spec.url,
        ref: wantRef,
        interval: f.spec.interval,
        type: f.spec.type === 'oci' ? 'oci' : undefined,
        artifactRevision: artifact?.revision,
        lastUpdateTime: artifact?.lastUpdateTime,
      });
      if (artifact?.revision) expect(artifact.revision).toBe(f.revision);
    }
  });

  it('counts not-ready and suspended sources as seeded and orders not-ready first', async () => {
    const out = ok<ListOut>(await server.call('get_flux_sources', {}));
    expect(out.summary.not_ready_count).toBe(fluxNotReady(KINDS).length);
    expect(out.summary.suspended).toBe(seeded.filter((f) => f.suspended).length);
    for (const k of KINDS) expect(out.summary.byKind[k]?.total).toBe(fluxOf(k).length);
    expectFluxOrder(out.items);
  });

  it('kind narrows to one source kind', async () => {
    const out = ok<ListOut>(await server.call('get_flux_sources', { kind: 'ocirepository' }));
    expect(out.items.map(key).sort()).toEqual(sortedKeys(fluxOf('OCIRepository')));
    expect(Object.keys(out.summary.byKind)).toEqual(['OCIRepository']);
  });
});

describe('get_flux_images', () => {
  const KINDS: FluxKind[] = ['ImageRepository', 'ImagePolicy', 'ImageUpdateAutomation'];
  const seeded = fluxObjects.filter((f) => KINDS.includes(f.kind));

  /** Every image column as seeded, for the status flavour the sandbox wrote. */
  function expectImages(out: ListOut, flavor: ImageStatusFlavor): void {
    expect(out.items.map(key).sort()).toEqual(sortedKeys(seeded));
    expect(out.errors).toBeUndefined();
    expect(out.summary.not_ready_count).toBe(fluxNotReady(KINDS).length);
    expectFluxOrder(out.items);
    const items = byKey(out.items);
    for (const f of seeded) {
      const i = items.get(key(f))!;
      expectReadiness(i, f);
      const st = seededStatus(f, flavor);
      if (f.kind === 'ImageRepository') {
        const scan = st.lastScanResult as { scanTime: string; tagCount: number; latestTags: string[] };
        expect({
          image: i.image,
          tagCount: i.tagCount,
          latestTags: i.latestTags,
          lastScanTime: i.lastScanTime,
        }).toEqual({
          image: f.spec.image,
          tagCount: Number(f.revision),
          latestTags: scan.latestTags.slice(0, 5),
          lastScanTime: scan.scanTime,
        });
      } else if (f.kind === 'ImagePolicy') {
        const latest = st.latestRef as { name: string; tag: string } | undefined;
        const previous = st.observedPreviousRef as { name: string; tag: string } | undefined;
        const policy = f.spec.policy as { semver?: { range: string } };
        expect({
          imageRepositoryRef: i.imageRepositoryRef,
          policy: i.policy,
          range: i.range,
          latestImage: i.latestImage,
          previousImage: i.previousImage,
        }).toEqual({
          imageRepositoryRef: refOf(f.source),
          policy: 'semver',
          range: policy.semver?.range,
          latestImage: latest ? `${latest.name}:${f.revision}` : undefined,
          previousImage: previous ? `${previous.name}:${previous.tag}` : undefined,
        });
      } else {
        const git = f.spec.git as { push?: { branch?: string } };
        expect({
          sourceRef: i.sourceRef,
          pushBranch: i.pushBranch,
          lastAutomationRunTime: i.lastAutomationRunTime,
          lastPushCommit: i.lastPushCommit,
          lastPushTime: i.lastPushTime,
        }).toEqual({
          sourceRef: f.source,
          pushBranch: git.push?.branch,
          lastAutomationRunTime: st.lastAutomationRunTime,
          lastPushCommit: f.revision,
          lastPushTime: st.lastPushTime,
        });
      }
    }
  }

  /** policy → repository → automation, where the seed states it (observedPolicies). */
  function expectChain(out: ListOut): void {
    const items = byKey(out.items);
    for (const f of fluxOf('ImageUpdateAutomation')) {
      const observed = Object.keys((seededStatus(f).observedPolicies as Record<string, unknown>) ?? {});
      if (observed.length === 0) continue;
      const auto = items.get(key(f))!;
      expect(auto.policies).toEqual(observed.map((p) => `${f.namespace}/${p}`).sort());
      for (const p of observed) {
        const policy = items.get(`ImagePolicy/${f.namespace}/${p}`)!;
        expect(policy.automations).toContain(`${f.namespace}/${f.name}`);
        const repo = items.get(`ImageRepository/${policy.imageRepositoryRef}`)!;
        expect(repo.policies).toContain(`${f.namespace}/${p}`);
        expect(policy.image).toBe(repo.image);
      }
    }
  }

  it('shows every seeded image object with its scan, selection and push columns, chained', async () => {
    const out = ok<ListOut>(await server.call('get_flux_images', { limit: 500 }));
    expectImages(out, 'v1');
    expectChain(out);
  });

  describe('with the image APIs switched', () => {
    afterAll(async () => {
      await setImageApiVersions('both');
    });

    // Discovery is cached per app for 30 s, so each mode gets a fresh server.
    for (const mode of ['v1beta2', 'v1'] as const)
      it(`reads the image APIs when only ${mode} is served`, async () => {
        await setImageApiVersions(mode);
        const fresh = await startServer();
        try {
          const out = ok<ListOut>(await fresh.call('get_flux_images', { limit: 500 }));
          expectImages(out, mode);
          expectChain(out);
        } finally {
          await fresh.close();
        }
      });

    it('without image.toolkit says it is not installed while get_flux_status is unaffected', async () => {
      await setImageApiVersions('none');
      const fresh = await startServer();
      try {
        expect(errorText(await fresh.call('get_flux_images', {}))).toBe(
          'Flux image automation is not installed: no image.toolkit.fluxcd.io API',
        );
        // The long-lived server may still have the group in its discovery cache: same sentence either way.
        expect(errorText(await server.call('get_flux_images', {}))).toBe(
          'Flux image automation is not installed: no image.toolkit.fluxcd.io API',
        );
        const status = ok<ListOut>(await fresh.call('get_flux_status', {}));
        expect(status.errors).toBeUndefined();
        expect(status.summary.not_ready_count).toBe(fluxStatusNotReadyCount);
      } finally {
        await fresh.close();
      }
    });
  });
});
