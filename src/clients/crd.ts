/**
 * Reading custom resources (Flux, cert-manager) through the Kubernetes API. The served version of each group is
 * found by discovery (cached by KubeClient) against a list of versions we know how to read, so clusters on
 * different generations of an operator work alike. Absence and RBAC refusals become plain sentences, and a tool
 * that reads several kinds gets every kind it could read plus one error per kind it could not.
 */
import { z } from 'zod';
import { CallerError, UpstreamError } from '../mcp/errors.ts';
import { KubeApiError, type KubeClient } from './kube.ts';

/** An API group of custom resources. */
export interface CrdGroup {
  group: string;
  /** What installs the group, for the "not installed" sentence, e.g. "Flux image automation". */
  product: string;
  /** Versions we can read, most preferred first. */
  versions: readonly string[];
}

/** One kind of custom resource in a group. */
export interface CrdKind {
  kind: string;
  plural: string;
  group: CrdGroup;
}

/** The part of object metadata the tools read. */
export interface CustomObjectMeta {
  name: string;
  namespace?: string;
  generation?: number;
  labels?: Record<string, string>;
}

/** A custom resource as listed: metadata is checked, spec and status are the operator's (read defensively). */
export interface CustomObject {
  metadata: CustomObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

const listEnvelope = z.object({
  metadata: z.object({ continue: z.string().optional() }).optional(),
  items: z.array(
    z.looseObject({
      metadata: z.looseObject({
        name: z.string(),
        namespace: z.string().optional(),
        generation: z.number().optional(),
        labels: z.record(z.string(), z.string()).optional(),
      }),
      spec: z.record(z.string(), z.unknown()).optional(),
      status: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
});

/** A kind the caller cannot read because it is not installed or RBAC forbids it; nothing to retry. */
export class CrdUnavailableError extends CallerError {
  /** Set when the kind (or its whole group) is not served, as opposed to forbidden. */
  readonly absentGroup?: CrdGroup;
  constructor(message: string, absentGroup?: CrdGroup) {
    super(message);
    this.absentGroup = absentGroup;
  }
}

/** "Flux image automation is not installed: no image.toolkit.fluxcd.io API". */
export function groupAbsentMessage(group: CrdGroup): string {
  return `${group.product} is not installed: no ${group.group} API`;
}

/**
 * Versions to try for a group: ours that the server serves, in our order; when it serves none of ours (a
 * generation we do not know), its preferred one, since the fields we read rarely move between versions.
 * Null when the group is not served at all.
 */
export async function candidateVersions(
  kube: KubeClient,
  group: CrdGroup,
  signal?: AbortSignal,
): Promise<string[] | null> {
  const served = await kube.groupVersions(group.group, signal);
  if (!served || served.length === 0) return null;
  const ours = group.versions.filter((v) => served.includes(v));
  return ours.length > 0 ? ours : served.slice(0, 1);
}

/** Turns a failed list into the sentence a model can act on; errors that are not the API's pass through. */
export function describeListError(err: unknown, kind: CrdKind, namespace?: string): Error {
  if (!(err instanceof KubeApiError)) return err as Error;
  const resource = `${kind.plural}.${kind.group.group}`;
  if (err.status === 403) {
    const where = namespace ? ` in namespace ${namespace}` : ' cluster-wide';
    return new CrdUnavailableError(
      `the ServiceAccount lacks list on ${resource}${where}; grant get/list/watch on it in the ClusterRole`,
    );
  }
  if (err.status === 404)
    return new CrdUnavailableError(`${kind.kind} is not installed: no ${resource} API`, kind.group);
  return err;
}

export interface ListKindOptions {
  namespace?: string;
  /** Server-side field selector, e.g. `metadata.name=podinfo`. */
  fieldSelector?: string;
  signal?: AbortSignal;
  /** Objects per page (default 500). */
  pageSize?: number;
  /** Stop reading after this many objects (default 5000); `complete` is then false. */
  maxItems?: number;
}

export interface KindList {
  kind: CrdKind;
  /** The version that answered. */
  version: string;
  items: CustomObject[];
  /** False when `maxItems` stopped the read before the last page. */
  complete: boolean;
}

/**
 * Lists one kind across all namespaces or in one, following `continue` pages. A version the group serves but
 * this kind does not (OCIRepository on an older source-controller) answers 404: the next candidate is tried.
 * Throws CrdUnavailableError (absent, forbidden) or UpstreamError (anything else).
 */
export async function listKind(
  kube: KubeClient,
  kind: CrdKind,
  opts: ListKindOptions = {},
): Promise<KindList> {
  const versions = await candidateVersions(kube, kind.group, opts.signal);
  if (!versions) throw new CrdUnavailableError(groupAbsentMessage(kind.group), kind.group);
  const pageSize = opts.pageSize ?? 500;
  const maxItems = opts.maxItems ?? 5000;
  let lastError: unknown;
  for (const version of versions) {
    const base = opts.namespace
      ? `/apis/${kind.group.group}/${version}/namespaces/${encodeURIComponent(opts.namespace)}/${kind.plural}`
      : `/apis/${kind.group.group}/${version}/${kind.plural}`;
    try {
      const items: CustomObject[] = [];
      let cont: string | undefined;
      do {
        const raw = await kube.get<unknown>(base, {
          query: { limit: pageSize, continue: cont, fieldSelector: opts.fieldSelector },
          signal: opts.signal,
        });
        const page = listEnvelope.safeParse(raw);
        if (!page.success)
          throw new UpstreamError(`Kubernetes API returned an unexpected ${kind.kind} list from ${base}`, {
            backend: 'kubernetes',
            url: base,
          });
        items.push(...(page.data.items as CustomObject[]));
        cont = page.data.metadata?.continue || undefined;
      } while (cont && items.length < maxItems);
      return { kind, version, items, complete: !cont };
    } catch (err) {
      lastError = err;
      if (err instanceof KubeApiError && err.status === 404) continue;
      throw describeListError(err, kind, opts.namespace);
    }
  }
  throw describeListError(lastError, kind, opts.namespace);
}

export interface KindsResult {
  /** The kinds that could be read, in the order asked. */
  lists: KindList[];
  /** One entry per kind that could not be read. */
  errors: { part: string; error: string }[];
}

/**
 * Lists several kinds concurrently. One kind failing never hides the others: its sentence goes to `errors`.
 * Only when every kind failed does this throw, with the distinct sentences joined (a CallerError when every
 * failure is absence or RBAC, so the model reads it as something to fix rather than retry).
 */
export async function listKinds(
  kube: KubeClient,
  kinds: readonly CrdKind[],
  opts: Omit<ListKindOptions, 'signal'> & { signal?: AbortSignal } = {},
): Promise<KindsResult> {
  const settled = await Promise.allSettled(kinds.map((k) => listKind(kube, k, opts)));
  const lists: KindList[] = [];
  const failures: { kind: CrdKind; error: Error }[] = [];
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled') lists.push(s.value);
    else failures.push({ kind: kinds[i]!, error: s.reason as Error });
  });
  if (kinds.length > 0 && failures.length === kinds.length) {
    // Kinds of one group all missing (its CRDs deleted while discovery was still cached) read as the group.
    const groups = new Set(failures.map((f) => (f.error as Partial<CrdUnavailableError>).absentGroup));
    const [only] = groups;
    const message =
      groups.size === 1 && only && kinds.length > 1
        ? groupAbsentMessage(only)
        : [...new Set(failures.map((f) => f.error.message))].join('; ');
    if (failures.every((f) => f.error instanceof CallerError)) throw new CrdUnavailableError(message);
    const upstream = failures.find((f) => f.error instanceof UpstreamError)?.error as
      | UpstreamError
      | undefined;
    throw new UpstreamError(message, upstream?.details ?? { backend: 'kubernetes' });
  }
  return { lists, errors: failures.map((f) => ({ part: f.kind.kind, error: f.error.message })) };
}
