import { describe, expect, it } from 'vitest';
import type { CustomObject } from '../../src/clients/crd.ts';
import { compareFlux, type FluxItem, KINDS, refText, summarize } from '../../src/tools/flux/common.ts';
import {
  type FluxImageItem,
  joinImages,
  matchesSelector,
  projectImagePolicy,
  projectImageRepository,
  projectImageUpdateAutomation,
} from '../../src/tools/flux/images.ts';
import { projectSource, refFields } from '../../src/tools/flux/sources.ts';
import { projectHelmRelease, projectKustomization } from '../../src/tools/flux/status.ts';

const cond = (status: string, reason: string, message = '') => [
  { type: 'Ready', status, reason, message, lastTransitionTime: '2026-11-25T10:00:00Z' },
];
const obj = (
  name: string,
  spec: Record<string, unknown>,
  status: Record<string, unknown>,
  extra: { namespace?: string; generation?: number; labels?: Record<string, string> } = {},
): CustomObject => ({
  metadata: {
    name,
    namespace: extra.namespace ?? 'flux-system',
    generation: extra.generation ?? 1,
    labels: extra.labels,
  },
  spec,
  status: { observedGeneration: 1, ...status },
});

describe('plurals', () => {
  it.each([
    ['kustomization', 'kustomizations'],
    ['gitrepository', 'gitrepositories'],
    ['ocirepository', 'ocirepositories'],
    ['imagepolicy', 'imagepolicies'],
    ['imageupdateautomation', 'imageupdateautomations'],
  ] as const)('%s is listed as %s', (k, plural) => {
    expect(KINDS[k].plural).toBe(plural);
  });
});

describe('refText', () => {
  it.each([
    [{ kind: 'GitRepository', name: 'podinfo' }, 'apps', undefined, 'GitRepository/apps/podinfo'],
    [
      { kind: 'GitRepository', name: 'podinfo', namespace: 'flux-system' },
      'apps',
      undefined,
      'GitRepository/flux-system/podinfo',
    ],
    [{ name: 'infra' }, 'flux-system', 'GitRepository', 'GitRepository/flux-system/infra'],
    [{ kind: 'GitRepository' }, 'apps', undefined, undefined],
    ['junk', 'apps', undefined, undefined],
  ])('%j in %s → %s', (ref, ns, def, want) => {
    expect(refText(ref, ns, def)).toBe(want);
  });
});

describe('projectKustomization', () => {
  it('shows source, path, interval and both revisions, flagging a mismatch', () => {
    const k = projectKustomization(
      obj(
        'apps',
        {
          interval: '10m',
          path: './apps',
          sourceRef: { kind: 'GitRepository', name: 'flux-system' },
          suspend: false,
        },
        {
          conditions: cond('False', 'BuildFailed', 'kustomize build failed'),
          lastAppliedRevision: 'main@sha1:aaa',
          lastAttemptedRevision: 'main@sha1:bbb',
        },
      ),
    );
    expect(k).toEqual({
      kind: 'Kustomization',
      namespace: 'flux-system',
      name: 'apps',
      ready: 'False',
      reason: 'BuildFailed',
      message: 'kustomize build failed',
      since: '2026-11-25T10:00:00Z',
      sourceRef: 'GitRepository/flux-system/flux-system',
      path: './apps',
      interval: '10m',
      lastAppliedRevision: 'main@sha1:aaa',
      lastAttemptedRevision: 'main@sha1:bbb',
      revisionMismatch: true,
    });
  });

  it('does not flag equal revisions; marks suspended and stale', () => {
    const k = projectKustomization(
      obj(
        'infra',
        { suspend: true },
        {
          conditions: cond('True', 'ReconciliationSucceeded'),
          lastAppliedRevision: 'r1',
          lastAttemptedRevision: 'r1',
        },
        { generation: 2 },
      ),
    );
    expect(k.revisionMismatch).toBeUndefined();
    expect(k.suspended).toBe(true);
    expect(k.stale).toBe(true);
  });

  it('flags an attempted revision that was never applied', () => {
    expect(projectKustomization(obj('x', {}, { lastAttemptedRevision: 'r1' })).revisionMismatch).toBe(true);
  });
});

describe('projectHelmRelease', () => {
  const history = [
    {
      chartName: 'podinfo',
      chartVersion: '6.7.1',
      status: 'deployed',
      lastDeployed: '2026-11-25T10:00:00Z',
      version: 2,
    },
    {
      chartName: 'podinfo',
      chartVersion: '6.7.0',
      status: 'superseded',
      lastDeployed: '2026-11-20T08:00:00Z',
    },
  ];

  it('reads chart name, version and source from spec.chart.spec and the newest history entry', () => {
    const h = projectHelmRelease(
      obj(
        'podinfo',
        {
          interval: '5m',
          chart: {
            spec: {
              chart: 'podinfo',
              version: '6.x',
              sourceRef: { kind: 'HelmRepository', name: 'podinfo' },
            },
          },
        },
        {
          conditions: cond('True', 'UpgradeSucceeded'),
          lastAttemptedRevision: '6.7.1',
          lastAttemptedReleaseAction: 'upgrade',
          history,
        },
        { namespace: 'podinfo' },
      ),
    );
    expect(h).toMatchObject({
      kind: 'HelmRelease',
      chart: 'podinfo',
      chartVersion: '6.x',
      sourceRef: 'HelmRepository/podinfo/podinfo',
      interval: '5m',
      lastAttemptedRevision: '6.7.1',
      lastAttemptedReleaseAction: 'upgrade',
      lastRelease: { chartVersion: '6.7.1', status: 'deployed', lastDeployed: '2026-11-25T10:00:00Z' },
    });
    expect(h.lastAppliedRevision).toBe('6.7.1');
    expect(h.revisionMismatch).toBeUndefined();
  });

  it('after a failed upgrade shows the still-deployed version as applied and flags the mismatch', () => {
    const h = projectHelmRelease(
      obj(
        'kps',
        {},
        {
          lastAttemptedRevision: '77.6.2',
          history: [
            { chartVersion: '77.6.2', status: 'failed' },
            { chartVersion: '75.18.1', status: 'deployed' },
          ],
        },
      ),
    );
    expect(h).toMatchObject({
      lastAppliedRevision: '75.18.1',
      lastAttemptedRevision: '77.6.2',
      revisionMismatch: true,
      lastRelease: { chartVersion: '77.6.2', status: 'failed' },
    });
  });

  it('with chartRef shows the ref as source and takes the chart name from history', () => {
    const h = projectHelmRelease(
      obj(
        'cilium',
        { chartRef: { kind: 'OCIRepository', name: 'cilium', namespace: 'flux-system' } },
        { history },
      ),
    );
    expect(h.sourceRef).toBe('OCIRepository/flux-system/cilium');
    expect(h.chart).toBe('podinfo');
    expect(h.chartVersion).toBeUndefined();
  });

  it('omits lastRelease when there is no history', () => {
    expect(projectHelmRelease(obj('new', {}, {})).lastRelease).toBeUndefined();
  });
});

describe('projectSource', () => {
  it.each([
    [{ branch: 'main' }, ['branch', 'tag', 'semver', 'name', 'commit'], 'branch=main'],
    [
      { tag: 'v1.2.0', commit: 'abc123' },
      ['branch', 'tag', 'semver', 'name', 'commit'],
      'tag=v1.2.0 commit=abc123',
    ],
    [{ semver: '>=6.0.0' }, ['tag', 'semver', 'semverFilter', 'digest'], 'semver=>=6.0.0'],
    [{}, ['tag'], undefined],
  ])('ref %j → %s', (ref, keys, want) => {
    expect(refFields(ref, keys)).toBe(want);
  });

  it('reads URL, ref, artifact revision and update time of a GitRepository', () => {
    const g = projectSource(
      'GitRepository',
      obj(
        'podinfo',
        { url: 'https://github.com/stefanprodan/podinfo', ref: { branch: 'master' }, interval: '1m' },
        {
          conditions: cond('True', 'Succeeded'),
          artifact: {
            revision: 'master@sha1:4b825dc',
            lastUpdateTime: '2026-11-25T10:00:00Z',
            digest: 'sha256:x',
          },
        },
      ),
    );
    expect(g).toMatchObject({
      url: 'https://github.com/stefanprodan/podinfo',
      ref: 'branch=master',
      interval: '1m',
      artifactRevision: 'master@sha1:4b825dc',
      lastUpdateTime: '2026-11-25T10:00:00Z',
    });
  });

  it('marks OCI HelmRepositories and reads OCIRepository refs', () => {
    expect(projectSource('HelmRepository', obj('h', { url: 'oci://ghcr.io/x', type: 'oci' }, {})).type).toBe(
      'oci',
    );
    expect(
      projectSource('HelmRepository', obj('h', { url: 'https://x', type: 'default' }, {})).type,
    ).toBeUndefined();
    expect(projectSource('OCIRepository', obj('o', { ref: { tag: 'latest' } }, {})).ref).toBe('tag=latest');
  });
});

describe('image projections', () => {
  it('ImageRepository: image, last scan, tag count and at most 5 latest tags', () => {
    const r = projectImageRepository(
      obj(
        'podinfo',
        { image: 'ghcr.io/stefanprodan/podinfo', interval: '5m' },
        {
          lastScanResult: {
            scanTime: '2026-11-25T10:00:00Z',
            tagCount: 42,
            latestTags: ['6.7.1', '6.7.0', '6.6.3', '6.6.2', '6.6.1', '6.6.0', '6.5.4'],
          },
        },
      ),
    );
    expect(r).toMatchObject({
      image: 'ghcr.io/stefanprodan/podinfo',
      lastScanTime: '2026-11-25T10:00:00Z',
      tagCount: 42,
      latestTags: ['6.7.1', '6.7.0', '6.6.3', '6.6.2', '6.6.1'],
    });
  });

  it('ImagePolicy v1: latestRef and observedPreviousRef become name:tag', () => {
    const p = projectImagePolicy(
      obj(
        'podinfo',
        { imageRepositoryRef: { name: 'podinfo' }, policy: { semver: { range: '6.x' } } },
        {
          latestRef: { name: 'ghcr.io/stefanprodan/podinfo', tag: '6.7.1', digest: 'sha256:x' },
          observedPreviousRef: { name: 'ghcr.io/stefanprodan/podinfo', tag: '6.7.0' },
        },
      ),
    );
    expect(p).toMatchObject({
      imageRepositoryRef: 'flux-system/podinfo',
      policy: 'semver',
      range: '6.x',
      latestImage: 'ghcr.io/stefanprodan/podinfo:6.7.1',
      previousImage: 'ghcr.io/stefanprodan/podinfo:6.7.0',
    });
  });

  it('ImagePolicy v1beta2: latestImage and observedPreviousImage are used as they are', () => {
    const p = projectImagePolicy(
      obj(
        'app',
        {
          imageRepositoryRef: { name: 'app', namespace: 'apps' },
          policy: { alphabetical: { order: 'asc' } },
          filterTags: { pattern: '^main-' },
        },
        { latestImage: 'registry/app:main-2', observedPreviousImage: 'registry/app:main-1' },
      ),
    );
    expect(p).toMatchObject({
      imageRepositoryRef: 'apps/app',
      policy: 'alphabetical',
      order: 'asc',
      filter: '^main-',
      latestImage: 'registry/app:main-2',
      previousImage: 'registry/app:main-1',
    });
  });

  it('ImageUpdateAutomation: push branch falls back to the checkout branch', () => {
    const base = { sourceRef: { kind: 'GitRepository', name: 'flux-system' } };
    const pushed = projectImageUpdateAutomation(
      obj(
        'auto',
        { ...base, git: { checkout: { ref: { branch: 'main' } }, push: { branch: 'image-updates' } } },
        { lastAutomationRunTime: 't1', lastPushCommit: '8f14e45', lastPushTime: 't0' },
      ),
    );
    expect(pushed).toMatchObject({
      sourceRef: 'GitRepository/flux-system/flux-system',
      pushBranch: 'image-updates',
      lastAutomationRunTime: 't1',
      lastPushCommit: '8f14e45',
      lastPushTime: 't0',
    });
    const checkout = projectImageUpdateAutomation(
      obj('a', { ...base, git: { checkout: { ref: { branch: 'main' } } } }, {}),
    );
    expect(checkout.pushBranch).toBe('main');
  });
});

describe('matchesSelector', () => {
  const labels = { app: 'podinfo', tier: 'web' };
  it.each([
    [undefined, true],
    [{}, true],
    [{ matchLabels: { app: 'podinfo' } }, true],
    [{ matchLabels: { app: 'other' } }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] }, false],
    [{ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, true],
    [{ matchExpressions: [{ key: 'env', operator: 'Exists' }] }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'Bogus' }] }, false],
  ])('%j → %s', (selector, want) => {
    expect(matchesSelector(labels, selector)).toBe(want);
  });
});

describe('joinImages', () => {
  function run(objects: { kind: string; o: CustomObject }[]): FluxImageItem[] {
    const raw = new Map<FluxImageItem, CustomObject>();
    const items = objects.map(({ kind, o }) => {
      const i =
        kind === 'ImageRepository'
          ? projectImageRepository(o)
          : kind === 'ImagePolicy'
            ? projectImagePolicy(o)
            : projectImageUpdateAutomation(o);
      raw.set(i, o);
      return i;
    });
    joinImages(items, raw);
    return items;
  }

  it('chains policy → repository → automation through observedPolicies', () => {
    const [repo, pol, auto] = run([
      { kind: 'ImageRepository', o: obj('podinfo', { image: 'ghcr.io/podinfo' }, {}) },
      { kind: 'ImagePolicy', o: obj('podinfo-policy', { imageRepositoryRef: { name: 'podinfo' } }, {}) },
      {
        kind: 'ImageUpdateAutomation',
        o: obj('auto', {}, { observedPolicies: { 'podinfo-policy': { name: 'ghcr.io/podinfo', tag: '1' } } }),
      },
    ]);
    expect(repo!.policies).toEqual(['flux-system/podinfo-policy']);
    expect(pol!.image).toBe('ghcr.io/podinfo');
    expect(pol!.automations).toEqual(['flux-system/auto']);
    expect(auto!.policies).toEqual(['flux-system/podinfo-policy']);
  });

  it('without observedPolicies applies the policySelector within the namespace', () => {
    const items = run([
      { kind: 'ImagePolicy', o: obj('a', {}, {}, { labels: { team: 'x' } }) },
      { kind: 'ImagePolicy', o: obj('b', {}, {}, { labels: { team: 'y' } }) },
      { kind: 'ImagePolicy', o: obj('c', {}, {}, { namespace: 'other', labels: { team: 'x' } }) },
      {
        kind: 'ImageUpdateAutomation',
        o: obj('auto', { policySelector: { matchLabels: { team: 'x' } } }, {}),
      },
    ]);
    expect(items[3]!.policies).toEqual(['flux-system/a']);
    expect(items[0]!.automations).toEqual(['flux-system/auto']);
    expect(items[1]!.automations).toBeUndefined();
    expect(items[2]!.automations).toBeUndefined();
  });
});

describe('summary and order', () => {
  const item = (
    kind: string,
    namespace: string,
    name: string,
    ready: FluxItem['ready'],
    extra: Partial<FluxItem> = {},
  ) => ({ kind, namespace, name, ready, ...extra }) as FluxItem;

  it('counts ready, not ready (False and Unknown), suspended and stale per kind', () => {
    const s = summarize(
      [
        item('Kustomization', 'a', 'x', 'True'),
        item('Kustomization', 'a', 'y', 'False', { suspended: true }),
        item('HelmRelease', 'a', 'z', 'Unknown', { stale: true }),
      ],
      ['Kustomization', 'HelmRelease', 'OCIRepository'],
    );
    expect(s).toEqual({
      total: 3,
      ready: 1,
      not_ready_count: 2,
      suspended: 1,
      stale: 1,
      byKind: {
        Kustomization: { total: 2, notReady: 1, suspended: 1 },
        HelmRelease: { total: 1, notReady: 1, suspended: 0 },
        OCIRepository: { total: 0, notReady: 0, suspended: 0 },
      },
    });
  });

  it('sorts not ready first, then namespace, name, kind', () => {
    const sorted = [
      item('Kustomization', 'b', 'a', 'True'),
      item('Kustomization', 'a', 'b', 'True'),
      item('HelmRelease', 'z', 'z', 'Unknown'),
      item('Kustomization', 'c', 'c', 'False'),
      item('HelmRelease', 'a', 'b', 'True'),
    ].sort(compareFlux);
    expect(sorted.map((i) => `${i.kind}/${i.namespace}/${i.name}`)).toEqual([
      'Kustomization/c/c',
      'HelmRelease/z/z',
      'HelmRelease/a/b',
      'Kustomization/a/b',
      'Kustomization/b/a',
    ]);
  });
});
