/**
 * The sandbox's CRDs (sandbox/kube/crds/*.yaml, written by us) and the switches tests flip: which image.toolkit
 * versions are served, whether metrics.k8s.io and cert-manager exist. Every change waits until discovery shows it.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { type KubeClient, waitFor } from './client.ts';
import { CRD_DIR, SWITCH_STATE } from './paths.ts';

export type ImageApiMode = 'v1' | 'v1beta2' | 'both' | 'none';

/** What the sandbox currently serves; kept in SWITCH_STATE so a reseed honours what a test switched. */
export interface SwitchState {
  imageApi: ImageApiMode;
  metrics: boolean;
  certManager: boolean;
}

export const DEFAULT_SWITCHES: SwitchState = { imageApi: 'both', metrics: true, certManager: true };

export function readSwitches(): SwitchState {
  if (!existsSync(SWITCH_STATE)) return { ...DEFAULT_SWITCHES };
  return { ...DEFAULT_SWITCHES, ...(JSON.parse(readFileSync(SWITCH_STATE, 'utf8')) as Partial<SwitchState>) };
}

export function writeSwitches(patch: Partial<SwitchState>): void {
  const next = { ...readSwitches(), ...patch };
  writeFileSync(`${SWITCH_STATE}.tmp`, `${JSON.stringify(next, null, 2)}\n`);
  renameSync(`${SWITCH_STATE}.tmp`, SWITCH_STATE);
}

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  [k: string]: unknown;
}

export interface Crd {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec: { group: string; scope: string; names: { kind: string; plural: string }; versions: CrdVersion[] };
}

export type CrdSet = 'flux' | 'image' | 'cert-manager' | 'metrics';

const FILES: Record<CrdSet, string[]> = {
  flux: ['flux-kustomize.yaml', 'flux-helm.yaml', 'flux-source.yaml'],
  image: ['flux-image.yaml'],
  'cert-manager': ['cert-manager.yaml'],
  metrics: ['metrics.yaml'],
};

export const IMAGE_GROUP = 'image.toolkit.fluxcd.io';
export const IMAGE_MODE_ANNOTATION = 'sandbox.cluster-mcp.dev/image-api-mode';

function load(file: string): Crd[] {
  return parseAllDocuments(readFileSync(join(CRD_DIR, file), 'utf8'))
    .map((d) => d.toJS() as Crd | null)
    .filter((d): d is Crd => d !== null);
}

/** Served image.toolkit versions for a mode, in discovery's preference order. */
export function imageVersions(mode: ImageApiMode): string[] {
  return { both: ['v1', 'v1beta2'], v1: ['v1'], v1beta2: ['v1beta2'], none: [] }[mode];
}

/** The CRDs of one set; image CRDs keep only the versions of `imageMode` (none: no CRDs). */
export function crds(set: CrdSet, imageMode: ImageApiMode = 'both'): Crd[] {
  const docs = FILES[set].flatMap(load);
  if (set !== 'image') return docs;
  const keep = imageVersions(imageMode);
  if (keep.length === 0) return [];
  return docs.map((crd) => {
    const versions = crd.spec.versions
      .filter((v) => keep.includes(v.name))
      .map((v) => {
        if (imageMode !== 'v1beta2') return v;
        // Flux 2.6: v1beta2 is the storage version and not deprecated.
        const { deprecated: _d, deprecationWarning: _w, ...rest } = v;
        return { ...rest, storage: true };
      });
    return {
      ...crd,
      metadata: {
        ...crd.metadata,
        annotations: { ...crd.metadata.annotations, [IMAGE_MODE_ANNOTATION]: imageMode },
      },
      spec: { ...crd.spec, versions },
    };
  });
}

const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

interface CrdStatus {
  metadata: { annotations?: Record<string, string> };
  status?: { conditions?: { type: string; status: string }[] };
}

/** Applies CRDs, waits until each is Established and discovery lists every served version and resource. */
export async function applyCrds(kube: KubeClient, list: Crd[]): Promise<void> {
  for (const crd of list) await kube.apply(`${CRD_PATH}/${crd.metadata.name}`, crd, 'cluster-mcp-sandbox');
  for (const crd of list) {
    await waitFor(`CRD ${crd.metadata.name} Established`, async () => {
      const got = await kube.get<CrdStatus>(`${CRD_PATH}/${crd.metadata.name}`);
      return !!got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    });
  }
  const groups = new Map<string, { versions: Set<string>; plurals: Set<string> }>();
  for (const crd of list) {
    const g = groups.get(crd.spec.group) ?? { versions: new Set(), plurals: new Set() };
    for (const v of crd.spec.versions) if (v.served) g.versions.add(v.name);
    g.plurals.add(crd.spec.names.plural);
    groups.set(crd.spec.group, g);
  }
  for (const [group, g] of groups) await waitDiscovery(kube, group, [...g.versions], [...g.plurals]);
}

/** Deletes CRDs (their objects go with them) and waits until they and their discovery entries are gone. */
export async function deleteCrds(kube: KubeClient, names: string[], goneGroups: string[]): Promise<void> {
  for (const name of names) await kube.deleteIfExists(`${CRD_PATH}/${name}`);
  for (const name of names) {
    await waitFor(
      `CRD ${name} deleted`,
      async () => (await kube.tryGet(`${CRD_PATH}/${name}`)) === undefined,
      120_000,
    );
  }
  for (const group of goneGroups) await waitDiscovery(kube, group, [], []);
}

/** The current image API mode as annotated on the ImagePolicy CRD ('none' when absent). */
export async function currentImageMode(kube: KubeClient): Promise<ImageApiMode> {
  const crd = await kube.tryGet<CrdStatus>(`${CRD_PATH}/imagepolicies.${IMAGE_GROUP}`);
  if (!crd) return 'none';
  return (crd.metadata.annotations?.[IMAGE_MODE_ANNOTATION] as ImageApiMode | undefined) ?? 'both';
}

interface ApiGroupList {
  groups: { name: string; versions: { version: string }[] }[];
}

/**
 * Waits until discovery (/apis, /apis/<group>, /apis/<group>/<v>) serves exactly `versions` of `group` and each
 * listed resource answers a list call; with no versions, until the group is gone everywhere.
 */
export async function waitDiscovery(
  kube: KubeClient,
  group: string,
  versions: string[],
  plurals: string[],
): Promise<void> {
  const want = [...versions].sort().join(',');
  await waitFor(
    `discovery of ${group} to serve [${want}]`,
    async () => {
      const all = await kube.get<ApiGroupList>('/apis');
      const g = all.groups.find((x) => x.name === group);
      const have = (g?.versions ?? [])
        .map((v) => v.version)
        .sort()
        .join(',');
      if (have !== want) return false;
      const res = await kube.request(`GET`, `/apis/${group}`);
      if (versions.length === 0) return res.status === 404;
      if (res.status !== 200) return false;
      for (const v of versions) {
        const rl = await kube.request<{ resources?: { name: string }[] }>('GET', `/apis/${group}/${v}`);
        if (rl.status !== 200) return false;
        const names = new Set((rl.body.resources ?? []).map((r) => r.name));
        if (!plurals.every((p) => names.has(p))) return false;
        for (const p of plurals)
          if ((await kube.request('GET', `/apis/${group}/${v}/${p}`, { query: { limit: 1 } })).status !== 200)
            return false;
      }
      return true;
    },
    120_000,
    150,
  );
}
