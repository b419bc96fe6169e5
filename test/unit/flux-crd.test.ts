/**
 * The custom-resource reader against a scripted API server: version choice, paging, absence and RBAC sentences,
 * and partial failure across kinds. The fake is a plain object standing in for KubeClient's two methods.
 */
import { describe, expect, it } from 'vitest';
import {
  type CrdGroup,
  type CrdKind,
  CrdUnavailableError,
  candidateVersions,
  listKind,
  listKinds,
} from '../../src/clients/crd.ts';
import { KubeApiError, type KubeClient } from '../../src/clients/kube.ts';
import { UpstreamError } from '../../src/mcp/errors.ts';

const IMAGE: CrdGroup = {
  group: 'image.toolkit.fluxcd.io',
  product: 'Flux image automation',
  versions: ['v1', 'v1beta2'],
};
const REPO: CrdKind = { kind: 'ImageRepository', plural: 'imagerepositories', group: IMAGE };
const POLICY: CrdKind = { kind: 'ImagePolicy', plural: 'imagepolicies', group: IMAGE };

type Answer = unknown | ((query: Record<string, unknown>) => unknown);

/** A KubeClient whose discovery and GETs are scripted; records every path asked. */
function fakeKube(served: Record<string, string[] | null>, answers: Record<string, Answer>) {
  const asked: string[] = [];
  const kube = {
    groupVersions: async (group: string) => served[group] ?? null,
    get: async (path: string, opts: { query?: Record<string, unknown> } = {}) => {
      asked.push(path + (opts.query?.continue ? `?continue=${opts.query.continue}` : ''));
      const a = answers[path];
      const v =
        typeof a === 'function' ? (a as (q: Record<string, unknown>) => unknown)(opts.query ?? {}) : a;
      if (v instanceof Error) throw v;
      if (v === undefined)
        throw new KubeApiError(404, 'NotFound', 'the server could not find the requested resource', path);
      return v;
    },
  };
  return { kube: kube as unknown as KubeClient, asked };
}

const list = (...names: string[]) => ({
  metadata: {},
  items: names.map((name) => ({ metadata: { name, namespace: 'flux-system' }, spec: {}, status: {} })),
});

describe('candidateVersions', () => {
  it.each([
    [
      ['v1', 'v1beta2'],
      ['v1', 'v1beta2'],
    ],
    [
      ['v1beta2', 'v1'],
      ['v1', 'v1beta2'],
    ],
    [['v1beta2'], ['v1beta2']],
    [['v1'], ['v1']],
    [['v1beta1'], ['v1beta1']],
    [null, null],
  ])('served %j → try %j', async (served, want) => {
    const { kube } = fakeKube({ [IMAGE.group]: served }, {});
    expect(await candidateVersions(kube, IMAGE)).toEqual(want);
  });
});

describe('listKind', () => {
  it('reads every page across all namespaces', async () => {
    const path = '/apis/image.toolkit.fluxcd.io/v1/imagerepositories';
    const { kube, asked } = fakeKube(
      { [IMAGE.group]: ['v1'] },
      {
        [path]: (q: Record<string, unknown>) =>
          q.continue ? list('b') : { ...list('a'), metadata: { continue: 'p2' } },
      },
    );
    const got = await listKind(kube, REPO);
    expect(got.items.map((i) => i.metadata.name)).toEqual(['a', 'b']);
    expect(got).toMatchObject({ version: 'v1', complete: true });
    expect(asked).toEqual([path, `${path}?continue=p2`]);
  });

  it('stops at maxItems and says the read is incomplete', async () => {
    const path = '/apis/image.toolkit.fluxcd.io/v1/imagerepositories';
    const { kube } = fakeKube(
      { [IMAGE.group]: ['v1'] },
      { [path]: { ...list('a', 'b'), metadata: { continue: 'more' } } },
    );
    expect(await listKind(kube, REPO, { maxItems: 2 })).toMatchObject({ complete: false });
  });

  it('lists one namespace through the namespaced path', async () => {
    const { kube } = fakeKube(
      { [IMAGE.group]: ['v1beta2'] },
      { '/apis/image.toolkit.fluxcd.io/v1beta2/namespaces/apps/imagerepositories': list('x') },
    );
    expect((await listKind(kube, REPO, { namespace: 'apps' })).version).toBe('v1beta2');
  });

  it('falls back to the next served version when this kind is missing at the first', async () => {
    const { kube } = fakeKube(
      { [IMAGE.group]: ['v1', 'v1beta2'] },
      { '/apis/image.toolkit.fluxcd.io/v1beta2/imagerepositories': list('x') },
    );
    expect((await listKind(kube, REPO)).version).toBe('v1beta2');
  });

  it('an absent group is one plain sentence', async () => {
    const { kube } = fakeKube({}, {});
    const err = await listKind(kube, REPO).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CrdUnavailableError);
    expect((err as Error).message).toBe(
      'Flux image automation is not installed: no image.toolkit.fluxcd.io API',
    );
  });

  it('a kind missing at every served version says which resource', async () => {
    const { kube } = fakeKube({ [IMAGE.group]: ['v1'] }, {});
    await expect(listKind(kube, REPO)).rejects.toThrow(
      'ImageRepository is not installed: no imagerepositories.image.toolkit.fluxcd.io API',
    );
  });

  it('403 names the missing permission', async () => {
    const path = '/apis/image.toolkit.fluxcd.io/v1/namespaces/apps/imagerepositories';
    const { kube } = fakeKube(
      { [IMAGE.group]: ['v1'] },
      {
        [path]: new KubeApiError(
          403,
          'Forbidden',
          'imagerepositories is forbidden: User "x" cannot list',
          path,
        ),
      },
    );
    const err = await listKind(kube, REPO, { namespace: 'apps' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CrdUnavailableError);
    expect((err as Error).message).toMatch(
      /^the ServiceAccount lacks list on imagerepositories\.image\.toolkit\.fluxcd\.io in namespace apps/,
    );
  });
});

describe('listKinds', () => {
  it('one kind failing leaves the others and records its error', async () => {
    const { kube } = fakeKube(
      { [IMAGE.group]: ['v1'] },
      {
        '/apis/image.toolkit.fluxcd.io/v1/imagerepositories': list('a'),
        '/apis/image.toolkit.fluxcd.io/v1/imagepolicies': new KubeApiError(
          500,
          'InternalError',
          'etcd timeout',
          'x',
        ),
      },
    );
    const got = await listKinds(kube, [REPO, POLICY]);
    expect(got.lists.map((l) => l.kind.kind)).toEqual(['ImageRepository']);
    expect(got.errors).toEqual([
      { part: 'ImagePolicy', error: 'Kubernetes API answered 500 InternalError: etcd timeout' },
    ]);
  });

  it('every kind failing throws once, with the distinct sentences', async () => {
    const { kube } = fakeKube({}, {});
    const err = await listKinds(kube, [REPO, POLICY]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CrdUnavailableError);
    expect((err as Error).message).toBe(
      'Flux image automation is not installed: no image.toolkit.fluxcd.io API',
    );
  });

  it('every kind of a group missing reads as the group not installed', async () => {
    const { kube } = fakeKube({ [IMAGE.group]: ['v1'] }, {});
    await expect(listKinds(kube, [REPO, POLICY])).rejects.toThrow(
      /^Flux image automation is not installed: no image\.toolkit\.fluxcd\.io API$/,
    );
  });

  it('every kind failing upstream throws an UpstreamError', async () => {
    const { kube } = fakeKube(
      { [IMAGE.group]: ['v1'] },
      {
        '/apis/image.toolkit.fluxcd.io/v1/imagerepositories': new KubeApiError(
          503,
          'ServiceUnavailable',
          'down',
          'x',
        ),
      },
    );
    const err = await listKinds(kube, [REPO]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).not.toBeInstanceOf(CrdUnavailableError);
  });
});
