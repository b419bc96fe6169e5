/**
 * get_flux_images: Flux image automation — what the registries offer (ImageRepository), which tag each policy
 * selects (ImagePolicy) and what was pushed back to Git (ImageUpdateAutomation), joined into one chain.
 * Reads image.toolkit.fluxcd.io v1 (Flux 2.7+) or v1beta2 (Flux 2.6), whichever discovery finds.
 */
import { z } from 'zod';
import type { CustomObject, KindList } from '../../clients/crd.ts';
import { defineTool } from '../../mcp/tool.ts';
import { asArray, asNumber, asRecord, asString } from '../conditions.ts';
import {
  type FluxItem,
  fluxBase,
  fluxItemShape,
  fluxList,
  fluxOutput,
  KINDS,
  limitParam,
  namespaceParam,
  put,
  refText,
  statusParam,
} from './common.ts';

/** Most recent tags shown per ImageRepository. */
export const LATEST_TAGS_MAX = 5;

/** An ImageRepository, ImagePolicy or ImageUpdateAutomation row. */
export interface FluxImageItem extends FluxItem {
  image?: string;
  interval?: string;
  lastScanTime?: string;
  tagCount?: number;
  latestTags?: string[];
  imageRepositoryRef?: string;
  policy?: string;
  range?: string;
  order?: string;
  filter?: string;
  latestImage?: string;
  previousImage?: string;
  sourceRef?: string;
  pushBranch?: string;
  lastAutomationRunTime?: string;
  lastPushCommit?: string;
  lastPushTime?: string;
  /** Repository: the policies reading it; automation: the policies it applies (`namespace/name`). */
  policies?: string[];
  /** Policy: the automations applying it (`namespace/name`). */
  automations?: string[];
}

const str = z.string().optional();
const item = z.object({
  ...fluxItemShape,
  image: str,
  interval: str,
  lastScanTime: str,
  tagCount: z.number().optional(),
  latestTags: z.array(z.string()).optional(),
  imageRepositoryRef: str,
  policy: str,
  range: str,
  order: str,
  filter: str,
  latestImage: str,
  previousImage: str,
  sourceRef: str,
  pushBranch: str,
  lastAutomationRunTime: str,
  lastPushCommit: str,
  lastPushTime: str,
  policies: z.array(z.string()).optional(),
  automations: z.array(z.string()).optional(),
});

export function projectImageRepository(o: CustomObject): FluxImageItem {
  const spec = asRecord(o.spec);
  const st = asRecord(o.status);
  const scan = asRecord(st.lastScanResult);
  const out: FluxImageItem = fluxBase('ImageRepository', o);
  put(out, 'image', asString(spec.image) ?? asString(st.canonicalImageName));
  put(out, 'interval', asString(spec.interval));
  put(out, 'lastScanTime', asString(scan.scanTime));
  put(out, 'tagCount', asNumber(scan.tagCount));
  const tags = asArray(scan.latestTags).filter((t): t is string => typeof t === 'string');
  if (tags.length > 0) out.latestTags = tags.slice(0, LATEST_TAGS_MAX);
  return out;
}

/** `name:tag` of a v1 ImageRef (`latestRef`, `observedPreviousRef`). */
function imageRef(ref: unknown): string | undefined {
  const r = asRecord(ref);
  const name = asString(r.name);
  const tag = asString(r.tag);
  return name && tag ? `${name}:${tag}` : name;
}

/**
 * Projects an ImagePolicy. The selected image is `latestRef` on v1 and `latestImage` on v1beta2 (which may carry
 * both); the previous one likewise `observedPreviousRef` / `observedPreviousImage`.
 */
export function projectImagePolicy(o: CustomObject): FluxImageItem {
  const spec = asRecord(o.spec);
  const st = asRecord(o.status);
  const out: FluxImageItem = fluxBase('ImagePolicy', o);
  const repo = asRecord(spec.imageRepositoryRef);
  const repoName = asString(repo.name);
  if (repoName) out.imageRepositoryRef = `${asString(repo.namespace) ?? out.namespace}/${repoName}`;
  const policy = asRecord(spec.policy);
  for (const k of ['semver', 'alphabetical', 'numerical'] as const) {
    if (!(k in policy)) continue;
    out.policy = k;
    const p = asRecord(policy[k]);
    if (k === 'semver') put(out, 'range', asString(p.range));
    else put(out, 'order', asString(p.order));
    break;
  }
  put(out, 'filter', asString(asRecord(spec.filterTags).pattern));
  put(out, 'latestImage', asString(st.latestImage) ?? imageRef(st.latestRef));
  put(out, 'previousImage', asString(st.observedPreviousImage) ?? imageRef(st.observedPreviousRef));
  return out;
}

/** Projects an ImageUpdateAutomation; the push branch is spec.git.push.branch, else the checkout branch. */
export function projectImageUpdateAutomation(o: CustomObject): FluxImageItem {
  const spec = asRecord(o.spec);
  const st = asRecord(o.status);
  const git = asRecord(spec.git);
  const out: FluxImageItem = fluxBase('ImageUpdateAutomation', o);
  put(out, 'sourceRef', refText(spec.sourceRef, out.namespace, 'GitRepository'));
  put(
    out,
    'pushBranch',
    asString(asRecord(git.push).branch) ?? asString(asRecord(asRecord(git.checkout).ref).branch),
  );
  put(out, 'interval', asString(spec.interval));
  put(out, 'lastAutomationRunTime', asString(st.lastAutomationRunTime));
  put(out, 'lastPushCommit', asString(st.lastPushCommit));
  put(out, 'lastPushTime', asString(st.lastPushTime));
  return out;
}

/** A metav1.LabelSelector; an empty or absent selector matches everything (as Flux's policySelector does). */
export function matchesSelector(labels: Record<string, string> | undefined, selector: unknown): boolean {
  const sel = asRecord(selector);
  const l = labels ?? {};
  for (const [k, v] of Object.entries(asRecord(sel.matchLabels))) if (l[k] !== v) return false;
  for (const e of asArray(sel.matchExpressions)) {
    const { key, operator, values } = asRecord(e);
    if (typeof key !== 'string') return false;
    const vals = asArray(values);
    const has = Object.hasOwn(l, key);
    const ok =
      operator === 'In'
        ? has && vals.includes(l[key])
        : operator === 'NotIn'
          ? !has || !vals.includes(l[key])
          : operator === 'Exists'
            ? has
            : operator === 'DoesNotExist'
              ? !has
              : false;
    if (!ok) return false;
  }
  return true;
}

/**
 * Joins policy → repository → automation over the objects that were read: a policy names its repository; an
 * automation applies the policies in its `status.observedPolicies` (what its last run used) or, before a first
 * run, the policies of its namespace its `spec.policySelector` matches.
 */
export function joinImages(items: FluxImageItem[], raw: Map<FluxImageItem, CustomObject>): void {
  const key = (i: FluxImageItem) => `${i.namespace}/${i.name}`;
  const repos = new Map<string, FluxImageItem>();
  const policies = items.filter((i) => i.kind === 'ImagePolicy');
  for (const i of items) if (i.kind === 'ImageRepository') repos.set(key(i), i);
  for (const p of policies) {
    const repo = p.imageRepositoryRef ? repos.get(p.imageRepositoryRef) : undefined;
    if (!repo) continue;
    repo.policies = [...(repo.policies ?? []), key(p)];
    put(p, 'image', repo.image);
  }
  const policyByKey = new Map(policies.map((p) => [key(p), p]));
  for (const a of items) {
    if (a.kind !== 'ImageUpdateAutomation') continue;
    const o = raw.get(a);
    const observed = Object.keys(asRecord(o?.status?.observedPolicies)).map((n) => `${a.namespace}/${n}`);
    const applied =
      observed.length > 0
        ? observed
        : policies
            .filter((p) => p.namespace === a.namespace)
            .filter((p) => matchesSelector(raw.get(p)?.metadata.labels, o?.spec?.policySelector))
            .map(key);
    if (applied.length === 0) continue;
    a.policies = [...applied].sort();
    for (const k of applied) {
      const p = policyByKey.get(k);
      if (p) p.automations = [...(p.automations ?? []), key(a)];
    }
  }
  for (const i of items) {
    i.policies?.sort();
    i.automations?.sort();
  }
}

function project(list: KindList, o: CustomObject): FluxImageItem {
  if (list.kind === KINDS.imagepolicy) return projectImagePolicy(o);
  if (list.kind === KINDS.imageupdateautomation) return projectImageUpdateAutomation(o);
  return projectImageRepository(o);
}

const KIND_PARAM = {
  imagerepository: [KINDS.imagerepository],
  imagepolicy: [KINDS.imagepolicy],
  imageupdateautomation: [KINDS.imageupdateautomation],
  all: [KINDS.imagerepository, KINDS.imagepolicy, KINDS.imageupdateautomation],
} as const;

export const getFluxImages = defineTool({
  name: 'get_flux_images',
  title: 'Flux image automation',
  description:
    'Flux image automation: repository scans, policy selections (latest/previous), automation pushes, joined policy→repository→automation.',
  input: z.object({
    namespace: namespaceParam,
    kind: z.enum(['all', 'imagerepository', 'imagepolicy', 'imageupdateautomation']).default('all'),
    status: statusParam,
    limit: limitParam,
  }),
  output: fluxOutput(item),
  handler: async (args, ctx) => fluxList(ctx, args, KIND_PARAM[args.kind], project, { join: joinImages }),
});
