/**
 * What the three Flux tools share: the API groups and kinds, parameters, the per-object readiness columns, the
 * summary, the order (not ready first, then namespace/name/kind) and the list envelope.
 */
import { z } from 'zod';
import {
  type CrdGroup,
  type CrdKind,
  type CustomObject,
  type KindList,
  listKinds,
} from '../../clients/crd.ts';
import { type ListResult, listOutputSchema, listResult } from '../../mcp/envelope.ts';
import type { ToolContext } from '../../mcp/tool.ts';
import { asRecord, asString, type Readiness, readReadiness } from '../conditions.ts';

const group = (name: string, product: string, versions: string[]): CrdGroup => ({
  group: `${name}.toolkit.fluxcd.io`,
  product,
  versions,
});

export const KUSTOMIZE = group('kustomize', 'Flux kustomize-controller', ['v1', 'v1beta2']);
export const HELM = group('helm', 'Flux helm-controller', ['v2', 'v2beta2', 'v2beta1']);
export const SOURCE = group('source', 'Flux source-controller', ['v1', 'v1beta2']);
/** v1 from Flux 2.7, v1beta2 in 2.6 and before. */
export const IMAGE = group('image', 'Flux image automation', ['v1', 'v1beta2']);

const kind = (k: string, g: CrdGroup): CrdKind => ({
  kind: k,
  plural: k.toLowerCase().replace(/y$/, 'ie') + 's',
  group: g,
});

export const KINDS = {
  kustomization: kind('Kustomization', KUSTOMIZE),
  helmrelease: kind('HelmRelease', HELM),
  gitrepository: kind('GitRepository', SOURCE),
  helmrepository: kind('HelmRepository', SOURCE),
  ocirepository: kind('OCIRepository', SOURCE),
  imagerepository: kind('ImageRepository', IMAGE),
  imagepolicy: kind('ImagePolicy', IMAGE),
  imageupdateautomation: kind('ImageUpdateAutomation', IMAGE),
} as const;

/**
 * A DNS-1123 label; the check also keeps the value safe inside a URL path. A refinement rather than a regex so
 * the pattern stays out of tools/list (models know what a namespace looks like).
 */
export const namespaceParam = z
  .string()
  .refine((v) => /^[a-z0-9-]{1,63}$/.test(v), 'must be a namespace name (lowercase letters, digits, -; 1-63)')
  .optional()
  .describe('Default all.');
export const statusParam = z.enum(['all', 'not_ready']).default('all').describe('not_ready: Ready≠True');
export const limitParam = z.number().int().min(1).max(500).default(100);

/** The columns every Flux object has. */
export interface FluxItem extends Readiness {
  kind: string;
  namespace: string;
  name: string;
  suspended?: true;
}

/** zod shape of FluxItem, spread into each tool's item schema. */
export const fluxItemShape = {
  kind: z.string(),
  namespace: z.string(),
  name: z.string(),
  ready: z.enum(['True', 'False', 'Unknown']),
  reason: z.string().optional(),
  message: z.string().optional(),
  since: z.string().optional(),
  suspended: z.boolean().optional(),
  stale: z.boolean().optional(),
  reconciling: z.boolean().optional(),
};

/** Kind, namespace, name, readiness and `spec.suspend`, in the order the columns are shown. */
export function fluxBase(kindName: string, o: CustomObject): FluxItem {
  const item: FluxItem = {
    kind: kindName,
    namespace: o.metadata.namespace ?? '',
    name: o.metadata.name,
    ...readReadiness(o),
  };
  if (o.spec?.suspend === true) item.suspended = true;
  return item;
}

/** `Kind/namespace/name` of a cross-object reference; the namespace defaults to the referrer's. */
export function refText(ref: unknown, namespace: string, defaultKind?: string): string | undefined {
  const r = asRecord(ref);
  const name = asString(r.name);
  if (!name) return undefined;
  const k = asString(r.kind) ?? defaultKind;
  const ns = asString(r.namespace) ?? namespace;
  return k ? `${k}/${ns}/${name}` : `${ns}/${name}`;
}

/** Sets a column only when it has a value, so absent fields stay absent in the JSON. */
export function put<T extends object, K extends keyof T>(o: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) o[key] = value;
}

const perKind = z.object({ total: z.number(), notReady: z.number(), suspended: z.number() });

/** Counts over every object in scope (namespace/kind/name), before the status filter and the limit. */
export const fluxSummarySchema = z.object({
  total: z.number(),
  ready: z.number(),
  not_ready_count: z.number(),
  suspended: z.number(),
  stale: z.number(),
  byKind: z.record(z.string(), perKind),
});
export type FluxSummary = z.infer<typeof fluxSummarySchema>;

/** Summary over items; every kind that was read appears in byKind, even with no objects. */
export function summarize(items: readonly FluxItem[], kindsRead: readonly string[]): FluxSummary {
  const byKind: FluxSummary['byKind'] = {};
  for (const k of kindsRead) byKind[k] = { total: 0, notReady: 0, suspended: 0 };
  const s: FluxSummary = { total: 0, ready: 0, not_ready_count: 0, suspended: 0, stale: 0, byKind };
  for (const i of items) {
    byKind[i.kind] ??= { total: 0, notReady: 0, suspended: 0 };
    const k = byKind[i.kind]!;
    s.total++;
    k.total++;
    if (i.ready === 'True') s.ready++;
    else {
      s.not_ready_count++;
      k.notReady++;
    }
    if (i.suspended) {
      s.suspended++;
      k.suspended++;
    }
    if (i.stale) s.stale++;
  }
  return s;
}

/** Not ready (False or Unknown) first, then namespace, name, kind. */
export function compareFlux(a: FluxItem, b: FluxItem): number {
  const ra = a.ready === 'True' ? 1 : 0;
  const rb = b.ready === 'True' ? 1 : 0;
  return ra - rb || cmp(a.namespace, b.namespace) || cmp(a.name, b.name) || cmp(a.kind, b.kind);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The Flux list envelope's schema for an item schema. */
export function fluxOutput<Item extends z.ZodType>(item: Item) {
  return listOutputSchema(item, fluxSummarySchema);
}

export interface FluxListArgs {
  namespace?: string;
  status: 'all' | 'not_ready';
  limit: number;
}

/**
 * The body of a Flux list tool: reads the kinds concurrently, projects each object, lets `join` add
 * cross-object columns, summarises, filters by status, sorts and bounds.
 */
export async function fluxList<Item extends FluxItem>(
  ctx: ToolContext,
  args: FluxListArgs,
  kinds: readonly CrdKind[],
  project: (list: KindList, o: CustomObject) => Item,
  opts: { fieldSelector?: string; join?: (items: Item[], raw: Map<Item, CustomObject>) => void } = {},
): Promise<ListResult<Item, FluxSummary>> {
  const { lists, errors } = await listKinds(ctx.clients.kube, kinds, {
    namespace: args.namespace,
    fieldSelector: opts.fieldSelector,
    signal: ctx.signal,
  });
  const raw = new Map<Item, CustomObject>();
  const all: Item[] = [];
  for (const l of lists)
    for (const o of l.items) {
      const item = project(l, o);
      raw.set(item, o);
      all.push(item);
    }
  opts.join?.(all, raw);
  const summary = summarize(
    all,
    lists.map((l) => l.kind.kind),
  );
  const matched = args.status === 'not_ready' ? all.filter((i) => i.ready !== 'True') : all;
  matched.sort(compareFlux);
  const cut = lists.filter((l) => !l.complete).map((l) => l.kind.kind);
  const where = args.namespace ? `in namespace ${args.namespace}` : 'in any namespace';
  return listResult({
    items: matched.slice(0, args.limit),
    total: cut.length > 0 ? null : matched.length,
    truncated: cut.length > 0 || matched.length > args.limit,
    summary,
    hint:
      cut.length > 0
        ? `Read only the first objects of ${cut.join(', ')} (too many); pass namespace to narrow.`
        : undefined,
    emptyHint:
      args.status === 'not_ready' && all.length > 0
        ? `All ${all.length} objects ${where} are Ready.`
        : `No objects ${where}; check the namespace or kind.`,
    errors,
  });
}
